/** Codes of {@link LessonError}. */
export type LessonErrorCode = 'INVALID_OPTION' | 'INVALID_DATA' | 'RESUME_MISMATCH' | 'RESUME_FINISHED';

/** Error thrown by `@seqlab/lesson`; `code` says which check failed. */
export class LessonError extends Error {
  readonly code: LessonErrorCode;

  constructor(code: LessonErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LessonError';
    this.code = code;
  }
}
