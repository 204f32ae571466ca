import type { Series } from '@seqlab/plot';

/** A training run as the app stores it in IndexedDB. */
export interface RunRecord {
  id: string;
  startedAt: string;
  config: TrainConfig;
  /** Metric name → one value per finished epoch (Keras' `history.history`). */
  history: Record<string, number[]>;
  status: 'running' | 'finished' | 'stopped' | 'failed';
  /** 1-based epoch of the best `val_loss`, whose weights the checkpoint holds. */
  bestEpoch: number | null;
  /** `indexeddb://` URL of the best checkpoint, once saved. */
  checkpoint: string | null;
}

/** The Train panel's settings: the lesson's hyperparameters plus a size limit for quick runs. */
export interface TrainConfig {
  model: string;
  numWords: number;
  maxlen: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** EarlyStopping patience on val_loss (0 turns early stopping off). */
  patience: number;
  /** Use only the first N training reviews (0: all 25,000). */
  limit: number;
  seed: number;
}

/** The lesson's settings: `num_words=500`, `maxlen=100`, RMSprop(1e-4), batches of 64, patience 3, seed 42. */
export const LESSON_DEFAULTS: TrainConfig = {
  model: 'lstm',
  numWords: 500,
  maxlen: 100,
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-4,
  patience: 3,
  limit: 0,
  seed: 42,
};

/** Accuracy keys differ between tfjs (`acc`) and Keras (`accuracy`); the chart reads either. */
export function metricValues(history: Record<string, number[]>, metric: string): number[] {
  const alias: Record<string, string> = {
    acc: 'accuracy',
    accuracy: 'acc',
    val_acc: 'val_accuracy',
    val_accuracy: 'val_acc',
  };
  return history[metric] ?? history[alias[metric] ?? ''] ?? [];
}

/** The two learning-curve series of one run: training and validation values of `metric`. */
export function runSeries(history: Record<string, number[]>, metric: 'loss' | 'acc'): Series[] {
  return [
    { name: metric, values: metricValues(history, metric) },
    { name: `val_${metric}`, values: metricValues(history, `val_${metric}`) },
  ];
}

/** One `val_loss` series per run that has at least one epoch, named by its label, for the comparison chart. */
export function comparisonSeries(runs: readonly RunRecord[], label: (run: RunRecord) => string): Series[] {
  return runs
    .map((run) => ({ name: label(run), values: metricValues(run.history, 'val_loss') }))
    .filter((s) => s.values.length > 0);
}

/** 1-based epoch of the smallest value (the first one on ties, as Keras' `np.argmin`), or null. */
export function bestEpoch(values: readonly number[]): number | null {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v) && (best < 0 || v < values[best]!)) best = i;
  }
  return best < 0 ? null : best + 1;
}

/** Checks a settings form's values; returns the first problem as a message key and field, or null. */
export function validateConfig(config: TrainConfig): { field: keyof TrainConfig; key: string } | null {
  const positiveInts: (keyof TrainConfig)[] = ['numWords', 'maxlen', 'epochs', 'batchSize'];
  for (const field of positiveInts) {
    const v = config[field] as number;
    if (!Number.isInteger(v) || v < 1) return { field, key: 'error.positiveInteger' };
  }
  for (const field of ['patience', 'limit', 'seed'] as const) {
    const v = config[field];
    if (!Number.isInteger(v) || v < 0) return { field, key: 'error.nonNegativeInteger' };
  }
  if (!(config.learningRate > 0 && config.learningRate < 10))
    return { field: 'learningRate', key: 'error.learningRate' };
  if (config.limit !== 0 && config.limit < 10) return { field: 'limit', key: 'error.limit' };
  return null;
}
