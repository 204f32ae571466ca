/** What went wrong in a bench run. */
export type BenchErrorCode = 'NO_DATA' | 'INVALID_OPTION' | 'DATA_CHILD_FAILED';

/** A bench run that cannot start: no local IMDB data, or a bad option. */
export class BenchError extends Error {
  override readonly name = 'BenchError';
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
