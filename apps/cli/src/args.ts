import { parseArgs } from 'node:util';
import { usageError } from './errors.js';
import { closest } from './suggest.js';

/** One flag, declared as data: its type, default and help come from here. */
export type FlagSpec =
  | { type: 'number'; description: string; default?: number; integer?: boolean; min?: number; max?: number }
  | { type: 'string'; description: string; default?: string; choices?: readonly string[]; valueName?: string }
  | { type: 'boolean'; description: string; default?: boolean };

export type FlagSpecs = Record<string, FlagSpec>;

type FlagValue<S extends FlagSpec> = S extends { type: 'number' }
  ? number
  : S extends { type: 'boolean' }
    ? boolean
    : string;

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

/** Parsed flags under camelCase names (`--num-words` → `numWords`), defaulted ones never undefined. */
export type ParsedFlags<T extends FlagSpecs> = {
  [K in keyof T & string as Camel<K>]: T[K] extends { default: unknown }
    ? FlagValue<T[K]>
    : FlagValue<T[K]> | undefined;
};

export interface CommandSpec<T extends FlagSpecs = FlagSpecs> {
  name: string;
  summary: string;
  usage: string;
  flags: T;
  /** Positional arguments, in order: any more is an error. */
  positionals?: { name: string; description: string; required?: boolean; variadic?: boolean }[];
  /** A hint for an argument the command does not take (e.g. `seqlab train gru` → `did you mean --model gru?`). */
  strayHint?: (value: string) => string | undefined;
  examples?: string[];
}

/** Flags every command takes. */
export const GLOBAL_FLAGS = {
  json: { type: 'boolean', description: 'print one machine-readable JSON object on stdout and nothing else' },
  version: { type: 'boolean', description: 'print the version (also -V)' },
  debug: { type: 'boolean', description: 'show stack traces' },
  'no-color': { type: 'boolean', description: 'no ANSI colours (also NO_COLOR=1)' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

function toCamel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Parses argv strictly: unknown flags, missing values and bad numbers are usage errors that name the flag. */
export function parseFlags<T extends FlagSpecs>(
  spec: CommandSpec<T>,
  argv: string[],
): {
  flags: ParsedFlags<T> & ParsedFlags<typeof GLOBAL_FLAGS>;
  positionals: string[];
  /** The flags on the command line (camelCase), so a default given explicitly is told from one left out. */
  given: ReadonlySet<string>;
} {
  const all: FlagSpecs = { ...spec.flags, ...GLOBAL_FLAGS };
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, f] of Object.entries(all))
    options[name] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown) {
      const known = Object.keys(all).map((k) => `--${k}`);
      const guess = closest(unknown.split('=')[0] as string, known);
      throw usageError(
        `unknown flag ${unknown} for 'seqlab ${spec.name}'.`,
        `${guess ? `did you mean ${guess}? ` : ''}valid flags: ${known.join(', ')}. See 'seqlab ${spec.name} --help'.`,
      );
    }
    throw usageError(
      `${message.replace(/\.$/, '')} (in 'seqlab ${spec.name}').`,
      `See 'seqlab ${spec.name} --help'.`,
    );
  }
  const flags: Record<string, unknown> = {};
  const given = new Set<string>();
  for (const [name, f] of Object.entries(all)) {
    const raw = parsed.values[name];
    const key = toCamel(name);
    if (raw === undefined) {
      flags[key] = f.default;
      continue;
    }
    given.add(key);
    if (f.type === 'boolean') {
      flags[key] = raw;
    } else if (f.type === 'number') {
      flags[key] = parseNumber(name, String(raw), f);
    } else {
      const value = String(raw);
      if (f.choices && !f.choices.includes(value)) {
        const guess = closest(value, f.choices);
        throw usageError(
          `--${name} must be one of ${f.choices.join(', ')}; got '${value}'.`,
          guess ? `did you mean --${name} ${guess}?` : undefined,
        );
      }
      flags[key] = value;
    }
  }
  const declared = spec.positionals ?? [];
  const allowed = declared.at(-1)?.variadic ? Number.POSITIVE_INFINITY : declared.length;
  const stray = parsed.positionals[allowed];
  if (stray !== undefined) {
    const takes =
      allowed === 0
        ? `'seqlab ${spec.name}' takes no arguments`
        : `'seqlab ${spec.name}' takes ${declared.map((p) => p.name).join(' ')}`;
    throw usageError(
      `unexpected argument '${stray}': ${takes}.`,
      spec.strayHint?.(stray) ?? `See 'seqlab ${spec.name} --help'.`,
    );
  }
  return {
    flags: flags as ParsedFlags<T> & ParsedFlags<typeof GLOBAL_FLAGS>,
    positionals: parsed.positionals,
    given,
  };
}

function parseNumber(name: string, raw: string, f: Extract<FlagSpec, { type: 'number' }>): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  const kind = f.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (f.integer && !Number.isInteger(value)))
    throw usageError(`--${name} expects ${kind}; got '${raw}'.`);
  if (f.min !== undefined && value < f.min) throw usageError(`--${name} must be >= ${f.min}; got ${raw}.`);
  if (f.max !== undefined && value > f.max) throw usageError(`--${name} must be <= ${f.max}; got ${raw}.`);
  return value;
}

/** Help text generated from the declaration. */
export function renderHelp(spec: CommandSpec): string {
  const lines = [`seqlab ${spec.name} — ${spec.summary}`, '', `Usage: ${spec.usage}`];
  if (spec.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
  }
  const entries: [string, FlagSpec][] = Object.entries({ ...spec.flags, ...GLOBAL_FLAGS });
  lines.push('', 'Options:');
  for (const [name, f] of entries) {
    const value = f.type === 'boolean' ? '' : ` <${f.type === 'string' ? (f.valueName ?? 'value') : 'n'}>`;
    const def = f.default === undefined || f.default === false ? '' : ` (default: ${String(f.default)})`;
    const choices = f.type === 'string' && f.choices ? ` [${f.choices.join('|')}]` : '';
    lines.push(`  ${`--${name}${value}`.padEnd(24)} ${f.description}${choices}${def}`);
  }
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
