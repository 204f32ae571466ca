/** Codes of {@link WasmKernelError}. */
export type WasmKernelErrorCode = 'UNSUPPORTED_DTYPE' | 'INVALID_ARGUMENT';

/** Thrown by seqlab's wasm kernels when their inputs or attributes are invalid. */
export class WasmKernelError extends Error {
  override readonly name = 'WasmKernelError';
  readonly code: WasmKernelErrorCode;

  constructor(code: WasmKernelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
