export type { ClassLabel } from './_stratified.js';
export { SequenceError, type SequenceErrorCode } from './errors.js';
export { isSequenceMatrix, matrixRow, type SequenceMatrix } from './matrix.js';
export {
  type PadSequencesArgs,
  type PadSide,
  type PadStringSequencesArgs,
  padSequences,
  type SequenceTensor3D,
  type StringMatrix,
} from './pad_sequences.js';
export { DEFAULT_FILTERS, type TextToWordSequenceArgs, textToWordSequence } from './text.js';
export {
  type SplitOption,
  type StandardizeOption,
  type TextBatch,
  TextVectorization,
  type TextVectorizationArgs,
  type TextVectorizationConfig,
  type TextVectorizationOutput,
  type TextVectorizationOutputMode,
  textVectorization,
} from './text_vectorization.js';
export {
  readVocabularyAsset,
  type TextVectorizationJSON,
  textVectorizationFromConfig,
  textVectorizationFromJSON,
  textVectorizationToJSON,
} from './text_vectorization_io.js';
export { type CategoricalArray, type Labels, toCategorical } from './to_categorical.js';
export {
  type MatrixMode,
  Tokenizer,
  type TokenizerArgs,
  type TokenizerText,
  tokenizerFromJSON,
} from './tokenizer.js';
export {
  type SplitResult,
  type Splittable,
  type TrainTestSplitArgs,
  type TypedArray,
  trainTestSplit,
} from './train_test_split.js';
