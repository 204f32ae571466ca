import { GLOBAL_FLAGS, parseFlags, renderHelp } from './args.js';
import type { Command } from './command.js';
import { compare } from './commands/compare.js';
import { completionCommand } from './commands/completion.js';
import { convert } from './commands/convert.js';
import { data } from './commands/data.js';
import { evaluate } from './commands/evaluate.js';
import { info, ownVersion } from './commands/info.js';
import { plot } from './commands/plot.js';
import { predict } from './commands/predict.js';
import { train } from './commands/train.js';
import { type Context, makeOutput } from './context.js';
import { CliError } from './errors.js';
import { closest } from './suggest.js';
import { palette } from './ui/color.js';

// biome-ignore lint/suspicious/noExplicitAny: commands differ in their flag types
const COMMANDS: Record<string, Command<any>> = {
  train,
  evaluate,
  predict,
  compare,
  data,
  plot,
  info,
  convert,
  completion: completionCommand(() => COMMANDS),
};

function unknownCommand(name: string): CliError {
  const guess = closest(name, Object.keys(COMMANDS));
  return new CliError('USAGE', `unknown command '${name}'.`, {
    exitCode: 2,
    hint: `${guess ? `did you mean 'seqlab ${guess}'? ` : ''}valid commands: ${Object.keys(COMMANDS).join(', ')}. See 'seqlab --help'.`,
  });
}

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'seqlab — the Keras IMDB sentiment lesson, on TensorFlow.js WASM SIMD',
    '',
    'Usage: seqlab <command> [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    '',
    `Global options: ${Object.keys(GLOBAL_FLAGS)
      .map((f) => `--${f}`)
      .join(', ')}`,
    '  -h, --help      show help;  -V, --version   print the version',
    "Run 'seqlab help <command>' (or 'seqlab <command> --help') for a command's options and examples.",
    '',
    'Examples:',
    '  seqlab train --model lstm',
    '  seqlab compare --models lstm,gru --limit 4000 --epochs 5',
    '  seqlab predict runs/lstm-<timestamp> "A wonderful, moving film." --explain',
    '  source <(seqlab completion bash)',
  ].join('\n');
}

function defaultContext(): Context & { dispose(): void } {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort(new CliError('INTERRUPTED', 'interrupted (Ctrl-C)', { exitCode: 130 }));
  };
  process.on('SIGINT', onSigint);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    // A Ctrl-C that lands while the process winds down still means "interrupted": exit 130
    // rather than fall back to Node's default handler, which dies by the signal (no exit code).
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.on('SIGINT', () => process.exit(130));
    },
  };
}

/** Runs the CLI; the one place where errors become exit codes. */
export async function main(argv: string[], context?: Context): Promise<number> {
  const owned = context ? undefined : defaultContext();
  const ctx = context ?? (owned as Context);
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (name === 'help' && rest[0] !== undefined) {
      const topic = COMMANDS[rest[0]];
      if (!topic) throw unknownCommand(rest[0]);
      ctx.stdout.write(`${renderHelp(topic.spec)}\n`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      ctx.stdout.write(`${topHelp()}\n`);
      return name === undefined ? 2 : 0;
    }
    if (
      name === '--version' ||
      name === '-V' ||
      name === '-v' ||
      rest.includes('--version') ||
      rest.includes('-V')
    ) {
      ctx.stdout.write(`${ownVersion()}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw unknownCommand(name);
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.stdout.write(`${renderHelp(command.spec)}\n`);
      return 0;
    }
    const { flags, positionals, given } = parseFlags(command.spec, rest);
    const out = makeOutput(ctx, flags);
    await command.run(flags, positionals, out, given);
    return 0;
  } catch (error) {
    const c = palette(
      ctx.stderr.isTTY === true && (ctx.env.NO_COLOR ?? '') === '' && !argv.includes('--no-color'),
    );
    if (error instanceof CliError) {
      ctx.stderr.write(`${c.red('error')}: ${error.message}\n`);
      if (error.hint) ctx.stderr.write(`${error.hint}\n`);
      if (debug && error.stack) ctx.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    const code = (err as { code?: unknown }).code;
    ctx.stderr.write(`${c.red('error')}: ${err.message}${typeof code === 'string' ? ` [${code}]` : ''}\n`);
    if (debug) ctx.stderr.write(`${err.stack ?? ''}\n`);
    else ctx.stderr.write('Run again with --debug for a stack trace.\n');
    return 1;
  } finally {
    owned?.dispose();
  }
}
