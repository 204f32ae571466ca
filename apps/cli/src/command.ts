import type { CommandSpec, FlagSpecs, GLOBAL_FLAGS, ParsedFlags } from './args.js';
import type { Output } from './context.js';

/** One CLI command: its declaration (flags as data) and what it does with them. */
export interface Command<T extends FlagSpecs = FlagSpecs> {
  spec: CommandSpec<T>;
  run(
    flags: ParsedFlags<T> & ParsedFlags<typeof GLOBAL_FLAGS>,
    positionals: string[],
    out: Output,
    /** The flags given on the command line (camelCase names). */
    given: ReadonlySet<string>,
  ): Promise<void>;
}

export function defineCommand<T extends FlagSpecs>(command: Command<T>): Command<T> {
  return command;
}
