/** The fused recurrent kernels module (WebAssembly with SIMD128), base64. */
export declare const FUSED_WASM_BASE64: string;
