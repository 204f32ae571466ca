/** Codes of {@link SequenceError}. */
export type SequenceErrorCode =
  | 'INVALID_SEQUENCES'
  | 'INVALID_ARGUMENT'
  | 'INVALID_LABELS'
  | 'INCONSISTENT_LENGTH'
  | 'INVALID_SPLIT'
  | 'INVALID_JSON'
  | 'INVALID_VOCABULARY'
  | 'NOT_ADAPTED'
  | 'NOT_SERIALIZABLE';

/** Thrown for input that the Keras or scikit-learn original rejects, or that is not what the API accepts. */
export class SequenceError extends Error {
  override readonly name = 'SequenceError';
  readonly code: SequenceErrorCode;

  constructor(code: SequenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
