export { WasmInitError, type WasmInitErrorCode } from './errors.js';
export { type InitWasmOptions, initWasm, registerTfjsExtras, type WasmInfo } from './init.js';
export {
  registerWasmKernels,
  WASM_KERNEL_NAMES,
  WasmKernelError,
  type WasmKernelErrorCode,
} from './kernels/index.js';
