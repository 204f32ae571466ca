export {
  AUTO_DATA_PARALLEL,
  MAX_THREADS,
  resolveThreads,
  type ThreadsOption,
  threadMechanism,
} from './_threads.js';
export { ModelsError, type ModelsErrorCode } from './errors.js';
// Node-only: stand-ins that throw a typed error here; the package's "node" entry (index.node.ts) has the real ones.
export {
  FileSystemHandler,
  fileSystem,
  fileSystemRouter,
  registerFileSystemRouter,
} from './io/_file_system.browser.js';
export {
  encodeKerasArtifacts,
  encodeKerasModel,
  KERAS_VERSION,
  type KerasFileFormat,
  type KerasFormat,
} from './keras/encode.js';
export {
  inspectKerasModel,
  type KerasModelInfo,
  type KerasModelSource,
  type LoadKerasOptions,
  loadKerasModel,
} from './keras/load.js';
export type { GatedArgs, RecurrentArgs } from './layers/_rnn.js';
export type { ActivationName, InitializerConfig } from './layers/_util.js';
export { CausalConv1D, type CausalConv1DArgs, causalConv1d } from './layers/causal_conv1d.js';
export { KerasEmbedding, type KerasEmbeddingArgs, kerasEmbedding } from './layers/embedding.js';
export { KerasGRU, type KerasGRUArgs, KerasGRUCell, kerasGRU } from './layers/gru.js';
export {
  KerasActivation,
  type KerasActivationArgs,
  type KerasActivationName,
} from './layers/keras_activation.js';
export { KerasDense, type KerasDenseArgs, kerasDense } from './layers/keras_dense.js';
export {
  KerasGlobalAveragePooling1D,
  type KerasGlobalAveragePooling1DArgs,
} from './layers/keras_global_average_pooling1d.js';
export {
  KerasGlobalMaxPooling1D,
  type KerasGlobalMaxPooling1DArgs,
  kerasGlobalMaxPooling1d,
} from './layers/keras_global_max_pooling1d.js';
export { KerasMaskReset, type KerasMaskResetArgs } from './layers/keras_mask_reset.js';
export {
  KerasAdd,
  KerasConcatenate,
  type KerasConcatenateArgs,
  KerasMultiply,
} from './layers/keras_merge.js';
export { KerasZeroMaskedSteps, type KerasZeroMaskedStepsArgs } from './layers/keras_zero_masked_steps.js';
export { KerasLSTM, type KerasLSTMArgs, KerasLSTMCell, kerasLSTM } from './layers/lstm.js';
export { OneHot, type OneHotArgs, oneHot } from './layers/one_hot.js';
export {
  PeepholeLSTM,
  type PeepholeLSTMArgs,
  PeepholeLSTMCell,
  peepholeLSTM,
} from './layers/peephole_lstm.js';
export {
  KerasSimpleRNN,
  type KerasSimpleRNNArgs,
  KerasSimpleRNNCell,
  kerasSimpleRNN,
} from './layers/simple_rnn.js';
export { RMSprop, type RMSpropArgs, rmsprop } from './optimizers/rmsprop.js';
export { assertFinitePredictions } from './predictions.js';
export { getRandomState, type RandomState, setRandomState } from './random_state.js';
export {
  compileLesson,
  type IdMatrix,
  type LabelledIds,
  type TrainLessonOptions,
  trainLesson,
} from './train.js';
export type { BaseModelOptions } from './zoo/_common.js';
export type { Conv1dOptions } from './zoo/conv1d.js';
export type { GruOptions } from './zoo/gru.js';
export {
  createModel,
  listModels,
  MODEL_NAMES,
  type ModelInfo,
  type ModelName,
  type ModelOptionsByName,
} from './zoo/index.js';
export type { WavenetOptions } from './zoo/wavenet.js';
