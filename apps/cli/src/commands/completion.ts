import { GLOBAL_FLAGS } from '../args.js';
import type { Command } from '../command.js';
import { defineCommand } from '../command.js';
import { usageError } from '../errors.js';
import { closest } from '../suggest.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Commands and their flags, from the same declarations the parser and the help read. */
function table(commands: Record<string, Command>): [string, string[]][] {
  return Object.values(commands).map((c) => [
    c.spec.name,
    Object.keys({ ...c.spec.flags, ...GLOBAL_FLAGS }).map((f) => `--${f}`),
  ]);
}

function bash(commands: Record<string, Command>): string {
  const cases = table(commands)
    .map(([name, flags]) => `    ${name}) opts="${flags.join(' ')}" ;;`)
    .join('\n');
  return `# seqlab bash completion: source <(seqlab completion bash)
_seqlab() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${Object.keys(commands).join(' ')} help --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts="" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _seqlab seqlab
`;
}

function zsh(commands: Record<string, Command>): string {
  const cases = table(commands)
    .map(
      ([name, flags]) => `    ${name}) _arguments '*:file:_files' ${flags.map((f) => `'${f}'`).join(' ')} ;;`,
    )
    .join('\n');
  const described = Object.values(commands)
    .map((c) => `'${c.spec.name}:${c.spec.summary.replaceAll("'", "'\\''").replaceAll(':', '\\:')}'`)
    .join(' ');
  return `#compdef seqlab
# seqlab zsh completion: seqlab completion zsh > "\${fpath[1]}/_seqlab"
_seqlab() {
  if (( CURRENT == 2 )); then
    local -a commands=(${described})
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
}
_seqlab "$@"
`;
}

function fish(commands: Record<string, Command>): string {
  const lines = ['# seqlab fish completion: seqlab completion fish > ~/.config/fish/completions/seqlab.fish'];
  lines.push('complete -c seqlab -f');
  for (const c of Object.values(commands)) {
    lines.push(
      `complete -c seqlab -n '__fish_use_subcommand' -a ${c.spec.name} -d '${c.spec.summary.replaceAll("'", "\\'")}'`,
    );
    for (const [flag, f] of Object.entries({ ...c.spec.flags, ...GLOBAL_FLAGS })) {
      lines.push(
        `complete -c seqlab -n '__fish_seen_subcommand_from ${c.spec.name}' -l ${flag} -d '${f.description.replaceAll("'", "\\'")}'`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `seqlab completion bash|zsh|fish`: a completion script generated from the commands' declarations. */
export function completionCommand(commands: () => Record<string, Command>) {
  return defineCommand({
    spec: {
      name: 'completion',
      summary: 'print a shell completion script (bash, zsh or fish)',
      usage: 'seqlab completion bash|zsh|fish',
      positionals: [{ name: '<shell>', description: 'bash, zsh or fish', required: true }],
      flags: {},
      examples: [
        'source <(seqlab completion bash)',
        'seqlab completion zsh > "${fpath[1]}/_seqlab"',
        'seqlab completion fish > ~/.config/fish/completions/seqlab.fish',
      ],
    },
    async run(_flags, positionals, out) {
      const [shell] = positionals;
      if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') {
        const guess = shell === undefined ? undefined : closest(shell, SHELLS);
        throw usageError(
          shell === undefined ? 'seqlab completion needs a shell.' : `unknown shell '${shell}'.`,
          `${guess ? `did you mean '${guess}'? ` : ''}valid shells: ${SHELLS.join(', ')}.`,
        );
      }
      const script = { bash, zsh, fish }[shell](commands());
      out.ctx.stdout.write(script);
    },
  });
}
