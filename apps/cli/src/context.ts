import { colorEnabled, type Palette, palette } from './ui/color.js';

/** What a command may touch: streams and environment, injected so tests can run commands in-process. */
export interface Context {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** An AbortSignal fired on Ctrl-C (SIGINT). */
  signal: AbortSignal;
}

export interface Output {
  ctx: Context;
  json: boolean;
  color: Palette;
  /** Redrawing progress bars only on a terminal, never with `CI` set or `--json`. */
  interactive: boolean;
  /** Human output: stderr under `--json` (stdout carries only the JSON), stdout otherwise. */
  info(line?: string): void;
  warn(line: string): void;
  /** The JSON result (only under `--json`). */
  result(value: unknown): void;
}

export function makeOutput(
  ctx: Context,
  flags: { json?: boolean | undefined; noColor?: boolean | undefined },
): Output {
  const json = flags.json === true;
  const human = json ? ctx.stderr : ctx.stdout;
  const useColor = flags.noColor !== true && colorEnabled(human, ctx.env);
  const ci = ctx.env.CI !== undefined && ctx.env.CI !== '' && ctx.env.CI !== 'false' && ctx.env.CI !== '0';
  return {
    ctx,
    json,
    color: palette(useColor),
    interactive: !json && !ci && ctx.stdout.isTTY === true,
    info(line = '') {
      human.write(`${line}\n`);
    },
    warn(line) {
      ctx.stderr.write(
        `${palette(colorEnabled(ctx.stderr, ctx.env) && flags.noColor !== true).yellow('warning')}: ${line}\n`,
      );
    },
    result(value) {
      if (json) ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
