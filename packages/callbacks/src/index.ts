export type { Logs, UnresolvedLogs, WarningHandler } from './_logs.js';
export type { MonitorMode } from './_monitor.js';
export type { CallbackState, StatefulCallback, StateValue } from './_state.js';
export type { IOHandlerFactory } from './_target.js';
export type { TextWriter } from './_writer.js';
export { CSVLogger, type CSVLoggerArgs, csvLogger } from './csv_logger.js';
export { EarlyStopping, type EarlyStoppingArgs, earlyStopping } from './early_stopping.js';
export { CallbackError, type CallbackErrorCode } from './errors.js';
export {
  type HistoryArgs,
  type HistoryEvent,
  type HistoryListener,
  HistoryRecorder,
  history,
} from './history.js';
export { getLearningRate, SUPPORTED_OPTIMIZERS, setLearningRate } from './learning_rate.js';
export { type LoadCheckpointWeightsOptions, loadCheckpointWeights } from './load_checkpoint.js';
export { ModelCheckpoint, type ModelCheckpointArgs, modelCheckpoint } from './model_checkpoint.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauArgs, reduceLROnPlateau } from './reduce_lr_on_plateau.js';
export { TerminateOnNaN, type TerminateOnNaNArgs, terminateOnNaN } from './terminate_on_nan.js';
export {
  loadTrainingState,
  readTrainingState,
  saveTrainingState,
  type TrainingState,
  TrainingStateCheckpoint,
  type TrainingStateCheckpointArgs,
  type TrainingStateOptions,
  trainingStateCheckpoint,
} from './training_state.js';
