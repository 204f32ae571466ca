// The fused ops' shared machinery, split by concern: validation (_validate), options (_options), memory layout
// (_layout), tape lifetimes (_tape) and gradient wiring (_gradient); the kernels' typed bindings are in _bindings.
// This module stays the one import point for these names (other fused ops import them from here).
export { coreGrads, coreInputs, withCustomGrad } from './_gradient.js';
export {
  inputGradOf,
  outputOf,
  type Placed,
  paddedKernels,
  padGates,
  placeAll,
  placeBackward,
  placeForward,
  type Saved,
  unpadGates,
  valuesOf,
  writeInput,
  writeOutputGrad,
} from './_layout.js';
export { type FusedRecurrentOptions, type RunOptions, readMask, runOptions } from './_options.js';
export {
  type FusedMemoryStats,
  fusedMemoryStats,
  recordingTape,
  releaseEndedTapes,
  saveForBackward,
  type Tape,
} from './_tape.js';
export {
  checkActivation,
  checkCore,
  checkVector,
  type Dims,
  fail,
  type InputKind,
  type RecurrentActivation,
} from './_validate.js';
