/** Machine-readable reason carried by every {@link DatasetError}. */
export type DatasetErrorCode =
  | 'BAD_ZIP'
  | 'BAD_NPY'
  | 'UNSUPPORTED_DTYPE'
  | 'BAD_SHAPE'
  | 'UNSAFE_PICKLE'
  | 'BAD_PICKLE'
  | 'BAD_TAR'
  | 'UNSAFE_PATH'
  | 'HASH_MISMATCH'
  | 'DOWNLOAD_FAILED'
  | 'NOT_FOUND'
  | 'BAD_ARGUMENT'
  // text sources
  | 'EMPTY'
  | 'MISSING_COLUMN'
  | 'ONE_CLASS'
  | 'BAD_LABEL'
  | 'BAD_UTF8'
  | 'BAD_TABLE';

/**
 * The one error type of `@seqlab/datasets`. `code` says what kind of problem it is, `file` names the file
 * (or URL) involved when there is one, and the message says what was expected and what was received.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly code: DatasetErrorCode;
  readonly file: string | undefined;

  constructor(code: DatasetErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file === undefined ? message : `${options.file}: ${message}`, { cause: options.cause });
    this.code = code;
    this.file = options.file;
  }
}
