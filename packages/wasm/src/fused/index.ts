export {
  type FusedMemoryStats,
  type FusedRecurrentOptions,
  fusedMemoryStats,
  type RecurrentActivation,
} from './_common.js';
export { loadFusedKernels } from './_module.js';
export { type FusedThreadsInfo, fusedThreads, setFusedThreads } from './_threads.js';
export {
  type Conv1dActivation,
  type Conv1dPadding,
  type FusedConv1dOptions,
  fusedConv1d,
} from './conv1d.js';
export { type DenseActivation, type FusedDenseOptions, fusedDense } from './dense.js';
export { FusedRnnError, type FusedRnnErrorCode } from './errors.js';
export {
  type FusedGatedBlockOptions,
  fusedGatedBlock,
  type GatedBlockOutputs,
  type GatedBlockWeights,
} from './gated-block.js';
export { type FusedGatedConv1dOptions, fusedGatedConv1d } from './gated-conv1d.js';
export { type FusedGruOptions, fusedGru } from './gru.js';
export { type FusedLstmOptions, fusedLstm, type LstmPeepholes } from './lstm.js';
export { type FusedSimpleRnnOptions, fusedSimpleRnn } from './simple-rnn.js';
export { fusedSumReluMaxPool } from './sum-relu-max-pool.js';
