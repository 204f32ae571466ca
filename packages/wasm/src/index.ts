export { WasmInitError, type WasmInitErrorCode } from './errors.js';
export {
  type FusedGruOptions,
  type FusedLstmOptions,
  type FusedMemoryStats,
  type FusedRecurrentOptions,
  FusedRnnError,
  type FusedRnnErrorCode,
  type FusedSimpleRnnOptions,
  fusedGru,
  fusedLstm,
  fusedMemoryStats,
  fusedSimpleRnn,
  type LstmPeepholes,
  loadFusedKernels,
  type RecurrentActivation,
} from './fused/index.js';
export { type InitWasmOptions, initWasm, registerTfjsExtras, type WasmInfo } from './init.js';
export {
  BINARY_CROSSENTROPY,
  BINARY_CROSSENTROPY_GRAD,
  type BinaryCrossentropyAttrs,
  fusedBinaryCrossentropy,
  isWasmKernelRegistered,
  RMSPROP_UPDATE,
  type RmspropConstants,
  type RmspropUpdateAttrs,
  registerWasmKernels,
  rmspropUpdate,
  WASM_KERNEL_NAMES,
  WasmKernelError,
  type WasmKernelErrorCode,
} from './kernels/index.js';
