import { LESSON_DEFAULTS } from '@seqlab/lesson';
import type { Series } from '@seqlab/plot';

/** The Train panel's settings: the lesson's hyperparameters plus a size limit for quick runs. */
export interface TrainConfig {
  model: string;
  numWords: number;
  maxlen: number;
  testSize: number;
  randomState: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Keras EarlyStopping patience on val_loss: 0 stops at the first epoch that does not improve. */
  patience: number;
  /** false: no early stopping at all (patience is then ignored). */
  earlyStopping: boolean;
  /** Use only the first N training and N test reviews (0: all 25,000 of each). */
  limit: number;
  seed: number;
  /**
   * Set when the run trains on your own texts (a CSV/TSV/JSONL file or a folder) instead of imdb.npz: where they
   * came from and whether `TextVectorization` is Unicode-aware (`unicode: true`, for Korean).
   */
  texts?: { name: string; unicode: boolean };
}

/** What a run on your own texts needs to read raw text again: its adapted vectorizer and its classes. */
export interface RunVocabulary {
  /** `textVectorizationToJSON` of the vectorizer adapted on the run's training split. */
  vectorizer: string;
  /** Class names in label order (a sigmoid head predicts P(classNames[1])). */
  classNames: string[];
}

/** A training run as the app stores it in IndexedDB. */
export interface RunRecord {
  id: string;
  /** The user's name for it; empty for the default "#n model". */
  name: string;
  startedAt: string;
  config: TrainConfig;
  /** Metric name → one value per completed epoch (Keras' `history.history`). */
  history: Record<string, number[]>;
  /** Seconds each completed epoch took. */
  epochSeconds: number[];
  /** Training loss per batch, averaged over `batchLossStep` batches so at most MAX_BATCH_POINTS are kept. */
  batchLoss: number[];
  batchLossStep: number;
  status: 'running' | 'finished' | 'stopped' | 'failed';
  stoppedEarly: boolean;
  /** 1-based epoch of the best `val_loss`, whose weights the checkpoint holds. */
  bestEpoch: number | null;
  /** `indexeddb://` URL of the best checkpoint, once saved. */
  checkpoint: string | null;
  /** Loss and accuracy of the best model on the test reviews. */
  test: { loss: number; acc: number } | null;
  /** Runs on your own texts: the vectorizer and classes, kept with the run (without them its model cannot read text). */
  vocabulary?: RunVocabulary | null;
}

export const MAX_BATCH_POINTS = 400;

/** The form's prefilled values: `@seqlab/lesson`'s LESSON_DEFAULTS (the CLI's too), seed 42 and all reviews. */
export const LESSON_FORM_DEFAULTS: TrainConfig = {
  model: 'lstm',
  numWords: LESSON_DEFAULTS.numWords,
  maxlen: LESSON_DEFAULTS.maxlen,
  testSize: LESSON_DEFAULTS.testSize,
  randomState: LESSON_DEFAULTS.randomState,
  epochs: LESSON_DEFAULTS.epochs,
  batchSize: LESSON_DEFAULTS.batchSize,
  learningRate: LESSON_DEFAULTS.learningRate,
  patience: LESSON_DEFAULTS.patience,
  earlyStopping: true,
  limit: 0,
  seed: 42,
};

/** Where a run's best checkpoint is kept. */
export function checkpointUrl(runId: string): string {
  return `indexeddb://seqlab-${runId}`;
}

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

/**
 * Only the epochs that ran to the end: a run stopped mid-epoch reports that epoch's training loss but no
 * `val_loss`; it is not an epoch of the run.
 */
export function completedEpochs(history: Record<string, number[]>): Record<string, number[]> {
  const validated = metricValues(history, 'val_loss').length;
  const n = 'val_loss' in history ? validated : metricValues(history, 'loss').length;
  return Object.fromEntries(Object.entries(history).map(([k, v]) => [k, v.slice(0, n)]));
}

/** The two learning-curve series of one run: training and validation values of `metric`. */
export function runSeries(history: Record<string, number[]>, metric: 'loss' | 'acc'): Series[] {
  return [
    { name: metric, values: metricValues(history, metric) },
    { name: `val_${metric}`, values: metricValues(history, `val_${metric}`) },
  ];
}

/** A series that is NaN except at the 1-based `epoch`: drawn as one marked point (the best epoch). */
export function markerSeries(name: string, values: readonly number[], epoch: number | null): Series {
  return { name, values: values.map((v, i) => (i + 1 === epoch ? v : Number.NaN)) };
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

/** Appends one batch loss, halving the resolution (means of pairs) once more than `max` points (and an even count) are kept. */
export function addBatchLoss(
  points: readonly number[],
  step: number,
  pending: readonly number[],
  loss: number,
  max = MAX_BATCH_POINTS,
): { points: number[]; step: number; pending: number[] } {
  const next = [...pending, loss];
  if (next.length < step) return { points: [...points], step, pending: next };
  let out = [...points, next.reduce((a, b) => a + b, 0) / next.length];
  let s = step;
  if (out.length > max && out.length % 2 === 0) {
    out = Array.from({ length: Math.floor(out.length / 2) }, (_, i) => (out[2 * i]! + out[2 * i + 1]!) / 2);
    s *= 2;
  }
  return { points: out, step: s, pending: [] };
}

/**
 * Runs as found after a reload: one left `running` was interrupted (now `stopped`), and each run's checkpoint is
 * whatever IndexedDB holds under its URL — saved during training even when the page went away before the end.
 */
export function reconcileRuns(runs: readonly RunRecord[], savedModels: ReadonlySet<string>): RunRecord[] {
  return runs.map((run) => ({
    ...run,
    status: run.status === 'running' ? 'stopped' : run.status,
    history: completedEpochs(run.history),
    checkpoint: savedModels.has(checkpointUrl(run.id)) ? checkpointUrl(run.id) : null,
  }));
}

/** A download name that says what it is and does not collide: `seqlab-lstm-run-3-20261203-1850`. */
export function exportName(label: string, date: Date): string {
  const slug = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `seqlab-${slug || 'model'}-${stamp}`;
}

/** Checks a settings form's values; returns the first problem as a message key and field, or null. */
export function validateConfig(config: TrainConfig): { field: keyof TrainConfig; key: string } | null {
  // ids 0, 1 and 2 are padding, start and out-of-vocabulary: an Embedding of fewer than 3 rows cannot read them.
  if (!Number.isInteger(config.numWords) || config.numWords < 3)
    return { field: 'numWords', key: 'error.numWords' };
  for (const field of ['maxlen', 'epochs', 'batchSize'] as const) {
    const v = config[field];
    if (!Number.isInteger(v) || v < 1) return { field, key: 'error.positiveInteger' };
  }
  for (const field of ['patience', 'limit', 'seed', 'randomState'] as const) {
    const v = config[field];
    if (!Number.isInteger(v) || v < 0) return { field, key: 'error.nonNegativeInteger' };
  }
  if (!(config.testSize > 0 && config.testSize < 1)) return { field: 'testSize', key: 'error.testSize' };
  if (!(config.learningRate > 0 && config.learningRate < 10))
    return { field: 'learningRate', key: 'error.learningRate' };
  if (config.limit !== 0 && config.limit < 10) return { field: 'limit', key: 'error.limit' };
  return null;
}
