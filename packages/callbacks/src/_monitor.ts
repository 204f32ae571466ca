import { CallbackError } from './errors.js';

/** How a monitored quantity improves: `'min'` (losses), `'max'` (accuracies), or `'auto'` (from its name). */
export type MonitorMode = 'auto' | 'min' | 'max';

export const MODES: readonly MonitorMode[] = ['auto', 'min', 'max'];

export function checkMode(callback: string, mode: unknown): MonitorMode {
  if (typeof mode !== 'string' || !MODES.includes(mode as MonitorMode)) {
    throw new CallbackError(
      'UNKNOWN_MODE',
      `${callback}: unknown mode ${JSON.stringify(mode)}. Expected one of 'auto', 'min', 'max'.`,
    );
  }
  return mode as MonitorMode;
}

export function checkNonNegative(callback: string, name: string, value: unknown, integer = false): number {
  if (typeof value !== 'number' || !(value >= 0) || (integer && !Number.isInteger(value))) {
    throw new CallbackError(
      'INVALID_ARGUMENT',
      `${callback}: ${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${String(value)}.`,
    );
  }
  return value;
}

// Metrics whose value grows as the model improves: Keras' metrics with `_direction = "up"`, in Keras' and
// tfjs' spellings. Everything else Keras knows (losses, errors) goes down.
const UP = new Set([
  'acc',
  'accuracy',
  'binary_accuracy',
  'binaryAccuracy',
  'categorical_accuracy',
  'categoricalAccuracy',
  'sparse_categorical_accuracy',
  'sparseCategoricalAccuracy',
  'top_k_categorical_accuracy',
  'topKCategoricalAccuracy',
  'sparse_top_k_categorical_accuracy',
  'sparseTopKCategoricalAccuracy',
  'precision',
  'recall',
  'auc',
  'f1_score',
  'r2_score',
  'cosine_similarity',
]);
const DOWN = new Set([
  'loss',
  'mse',
  'mae',
  'mape',
  'msle',
  'MSE',
  'MAE',
  'MAPE',
  'MSLE',
  'mean_squared_error',
  'meanSquaredError',
  'mean_absolute_error',
  'meanAbsoluteError',
  'mean_absolute_percentage_error',
  'meanAbsolutePercentageError',
  'mean_squared_logarithmic_error',
  'meanSquaredLogarithmicError',
  'root_mean_squared_error',
  'binary_crossentropy',
  'binaryCrossentropy',
  'categorical_crossentropy',
  'categoricalCrossentropy',
  'sparse_categorical_crossentropy',
  'sparseCategoricalCrossentropy',
  'hinge',
  'squared_hinge',
  'categorical_hinge',
  'kld',
  'kl_divergence',
  'poisson',
  'logcosh',
  'log_cosh_error',
]);

/**
 * Port of keras/src/callbacks/monitor_callback.py `_set_monitor_op`: `'auto'` minimises `loss`/`val_loss` and
 * the known errors, maximises accuracy-like metrics, and refuses to guess otherwise.
 */
export function resolveDirection(callback: string, monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (UP.has(name)) return 'max';
  if (DOWN.has(name)) return 'min';
  throw new CallbackError(
    'UNKNOWN_DIRECTION',
    `${callback} received monitor=${monitor}, but cannot determine whether that metric should be maximized or ` +
      `minimized. Expected mode 'max' (highest value is best) or 'min' (lowest value is best); received mode 'auto'.`,
  );
}

export function missingMonitorMessage(what: string, monitor: string, logs: Record<string, unknown>): string {
  return (
    `${what} conditioned on metric \`${monitor}\` which is not available. ` +
    `Available metrics are: ${Object.keys(logs).join(',')}`
  );
}
