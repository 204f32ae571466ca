/** Codes of {@link ModelsError}. */
export type ModelsErrorCode =
  | 'UNKNOWN_MODEL'
  | 'INVALID_OPTION'
  | 'INVALID_DATA'
  | 'SAVE_FAILED'
  | 'LOAD_FAILED'
  | 'NOT_A_MODEL_DIR'
  | 'NON_FINITE_PREDICTION'
  | 'KERAS_EXPORT_UNSUPPORTED';

/** Error thrown by `@seqlab/models`; `code` says which check failed. */
export class ModelsError extends Error {
  readonly code: ModelsErrorCode;

  constructor(code: ModelsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelsError';
    this.code = code;
  }
}
