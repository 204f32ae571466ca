/** Codes of {@link ModelsError}. */
export type ModelsErrorCode =
  | 'UNKNOWN_MODEL'
  | 'INVALID_OPTION'
  | 'INVALID_DATA'
  | 'SAVE_FAILED'
  | 'LOAD_FAILED'
  | 'NOT_A_MODEL_DIR'
  | 'KERAS_EXPORT_UNSUPPORTED'
  | 'KERAS_MALFORMED'
  | 'KERAS_UNSUPPORTED'
  | 'NON_FINITE_PREDICTION'
  | 'NODE_ONLY'
  | 'THREAD_FAILED';

/** Error thrown by `@seqlab/models`; `code` says which check failed. */
export class ModelsError extends Error {
  readonly code: ModelsErrorCode;

  constructor(code: ModelsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelsError';
    this.code = code;
  }
}
