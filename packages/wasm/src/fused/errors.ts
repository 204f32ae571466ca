/** Codes of {@link FusedRnnError}. */
export type FusedRnnErrorCode =
  | 'INVALID_SHAPE'
  | 'INVALID_OPTION'
  | 'INVALID_ARGUMENT'
  | 'UNSUPPORTED_DTYPE'
  | 'NOT_INITIALIZED'
  | 'THREAD_FAILED';

/** Thrown by the fused recurrent ops (`fusedSimpleRnn`, `fusedLstm`, `fusedGru`) on invalid inputs. */
export class FusedRnnError extends Error {
  override readonly name = 'FusedRnnError';
  readonly code: FusedRnnErrorCode;

  constructor(code: FusedRnnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
