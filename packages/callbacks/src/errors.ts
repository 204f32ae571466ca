/** Codes of {@link CallbackError}. */
export type CallbackErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_MODE'
  | 'UNKNOWN_DIRECTION'
  | 'FILEPATH_FORMAT'
  | 'NO_SAVE_HANDLER'
  | 'CHECKPOINT_SAVE_FAILED'
  | 'UNSUPPORTED_OPTIMIZER'
  | 'NO_MODEL'
  | 'NO_WRITER'
  | 'NAN_LOSS';

/** Thrown by seqlab's callbacks; the message says what was wrong, what was expected and what was received. */
export class CallbackError extends Error {
  override readonly name = 'CallbackError';
  readonly code: CallbackErrorCode;

  constructor(code: CallbackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
