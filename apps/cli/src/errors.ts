/** An error the CLI reports in one message — what was wrong, what was expected, what it got, what to do. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  readonly hint: string | undefined;
  /** Process exit code: 2 for usage errors, 1 otherwise. */
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError('USAGE', message, { exitCode: 2, ...(hint === undefined ? {} : { hint }) });
}
