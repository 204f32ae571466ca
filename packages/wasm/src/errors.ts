/** Codes of {@link WasmInitError}. */
export type WasmInitErrorCode =
  | 'WASM_UNAVAILABLE'
  | 'SIMD_UNAVAILABLE'
  | 'BACKEND_INIT_FAILED'
  | 'INVALID_OPTION';

/** Thrown when the WASM backend cannot start as asked; never a silent switch to another backend. */
export class WasmInitError extends Error {
  override readonly name = 'WasmInitError';
  readonly code: WasmInitErrorCode;

  constructor(code: WasmInitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
