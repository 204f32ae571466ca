export { WasmInitError, type WasmInitErrorCode } from './errors.js';
export {
  type Conv1dActivation,
  type Conv1dPadding,
  type FusedConv1dOptions,
  type FusedGruOptions,
  type FusedLstmOptions,
  type FusedMemoryStats,
  type FusedRecurrentOptions,
  FusedRnnError,
  type FusedRnnErrorCode,
  type FusedSimpleRnnOptions,
  fusedConv1d,
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
