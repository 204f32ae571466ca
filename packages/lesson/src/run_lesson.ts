import {
  EarlyStopping,
  history,
  loadTrainingState,
  modelCheckpoint,
  readTrainingState,
  trainingStateCheckpoint,
} from '@seqlab/callbacks';
import {
  compileLesson,
  createModel,
  getRandomState,
  type ModelName,
  type ModelOptionsByName,
  type RandomState,
  resolveThreads,
  setRandomState,
  type ThreadsOption,
  trainLesson,
} from '@seqlab/models';
import type { TextVectorization } from '@seqlab/sequence';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ValidatedEpochs } from './_gate.js';
import { type DataReport, type LessonData, prepareLessonData } from './data.js';
import { LESSON_DEFAULTS } from './defaults.js';
import { LessonError } from './errors.js';
import { evaluateModel, type TestMetrics } from './evaluate.js';
import type { LessonEvent } from './events.js';

/** Options of {@link runLesson}. Every hyperparameter defaults to {@link LESSON_DEFAULTS}. */
export interface RunLessonOptions {
  /**
   * `imdbSource()`, your own texts (`textData({ train, test? })`), raw id sequences `{ train: { x, y }, test? }`,
   * or prepared splits `{ train, validation, test? }`.
   */
  data: LessonData;
  /**
   * A zoo model name, built with the recipe's `numWords`, `maxlen`, `units`, `embeddingDim`, `dropout` and `seed`
   * (plus `modelOptions`), or a model you built (single id-matrix input, one sigmoid output).
   * @default 'lstm'
   */
  model?: ModelName | tfl.LayersModel;
  /** Further options of the zoo model (e.g. `{ filters: 32 }` for `conv1d`). */
  modelOptions?: Partial<ModelOptionsByName[ModelName]>;
  /** @default LESSON_DEFAULTS.numWords (500) */
  numWords?: number;
  /** @default LESSON_DEFAULTS.maxlen (100) */
  maxlen?: number;
  /** @default LESSON_DEFAULTS.testSize (0.2) */
  testSize?: number;
  /** @default LESSON_DEFAULTS.randomState (42) */
  randomState?: number;
  /** @default LESSON_DEFAULTS.epochs (100) */
  epochs?: number;
  /** @default LESSON_DEFAULTS.batchSize (64) */
  batchSize?: number;
  /** @default LESSON_DEFAULTS.learningRate (1e-4) */
  learningRate?: number;
  /** @default LESSON_DEFAULTS.units (8) */
  units?: number;
  /** @default LESSON_DEFAULTS.embeddingDim (16) */
  embeddingDim?: number;
  /** @default LESSON_DEFAULTS.dropout (0.3) */
  dropout?: number;
  /**
   * Keras `EarlyStopping(monitor='val_loss', patience=…)`: `0` stops at the first epoch that does not improve.
   * @default LESSON_DEFAULTS.patience (3)
   */
  patience?: number;
  /**
   * `false`: train for all `epochs` (the best epoch is still tracked, and restored with `restoreBestWeights`).
   * @default true
   */
  earlyStopping?: boolean;
  /**
   * Restore the weights of the best validated epoch when training ends (`restore_best_weights=True`).
   * @default true
   */
  restoreBestWeights?: boolean;
  /**
   * `ModelCheckpoint(save_best_only=True)` on `val_loss` to this tfjs IO URL (`file://…` in Node with
   * `@seqlab/models`, `indexeddb://…`, `localstorage://…`, or a Keras `.h5`/`.keras` path where supported). Only
   * validated epochs are ever saved.
   */
  checkpoint?: string;
  /**
   * Saves the run's training state to this tfjs IO URL after every validated epoch: the model, the optimizer's
   * slots, early stopping's and the checkpoint's state, the dropout generators and the epochs so far, so that a run
   * that stopped (Ctrl-C, a kill, a crash) can go on with `resume`. An epoch cut short is never saved.
   */
  stateCheckpoint?: string;
  /**
   * Goes on from a training state written by `stateCheckpoint`, with the same recipe (only `epochs` may be raised;
   * the seed defaults to the state's): weights, optimizer, early stopping, checkpoint, shuffling and dropout
   * continue where they stopped, so the result is the one a run that never stopped would have reached, and the
   * state's epochs are part of it.
   */
  resume?: string;
  /** Weight initialisation, dropout and shuffling seed: the same seed repeats a run exactly. Random when unset. */
  seed?: number;
  /** Stops training after the current batch; the result keeps the best validated weights. */
  signal?: AbortSignal;
  /**
   * Evaluate the restored model on the test split (when the data has one).
   * @default true
   */
  evaluateTest?: boolean;
  /** Progress, per batch and per epoch. */
  onEvent?: (event: LessonEvent) => void;
  /** More tfjs callbacks (a CSV log, …); like early stopping, they never see an unvalidated (aborted) epoch. */
  callbacks?: tfl.Callback[];
  /**
   * Training threads (Node): `trainLesson`'s data-parallel `threads` — a number, or `'auto'` (2 where two cores
   * are free and an epoch has at least 100 batches, else 1). A seeded run repeats exactly at any count and follows
   * the 1-thread curve up to float rounding.
   * @default 1
   */
  threads?: ThreadsOption;
}

/** The resolved recipe of a run: every value it used, seed included — enough to repeat it. */
export interface LessonConfig {
  /** The zoo name, or the class name of a model you built. */
  model: string;
  numWords: number;
  maxlen: number;
  testSize: number;
  randomState: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  earlyStopping: boolean;
  restoreBestWeights: boolean;
  units: number;
  embeddingDim: number;
  dropout: number;
  seed: number;
  /** Rows kept per split by the data source (`null`: all). */
  limit: number | null;
}

/** One validated epoch. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  seconds: number;
  /** `loss`, `acc`, `val_loss`, `val_acc`. */
  logs: Record<string, number>;
}

/** What {@link runLesson} returns. */
export interface LessonResult {
  /** The trained model, best weights restored (with `restoreBestWeights`); you dispose it. */
  model: tfl.LayersModel;
  /** Keras' `history.history`: metric → one value per validated epoch. */
  history: Record<string, number[]>;
  /** The validated epochs, with wall time. */
  epochs: EpochRecord[];
  /** 1-based best epoch as `EarlyStopping` defines it (Keras 3), or null when no epoch was validated. */
  bestEpoch: number | null;
  /** `val_loss` of the best epoch, or null. */
  bestValLoss: number | null;
  /** Early stopping ended training before the epoch limit. */
  stoppedEarly: boolean;
  /** The signal stopped training. */
  interrupted: boolean;
  /** Test-set loss and accuracy of the returned model, or null (no test split, no epoch, or `evaluateTest: false`). */
  test: TestMetrics | null;
  /** Whether the checkpoint was written at least once (by this run or, when resumed, the run it resumed). */
  checkpointSaved: boolean;
  /** The number of epochs taken from the state with `resume` (they are part of `epochs`), or null. */
  resumedFrom: number | null;
  /** For text data: the `TextVectorization` adapted on the training split — save it with the model. */
  vectorizer: TextVectorization | null;
  /** For text data: class names in label order (label `i` is `classNames[i]`); null for id data. */
  classNames: string[] | null;
  config: LessonConfig;
  data: DataReport;
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new LessonError(
      'INVALID_OPTION',
      `runLesson: ${name} must be an integer ≥ ${min}, got ${String(value)}.`,
    );
  }
  return value;
}

function resolveConfig(options: RunLessonOptions, limit: number | null): LessonConfig {
  const d = LESSON_DEFAULTS;
  const model = options.model ?? 'lstm';
  const config: LessonConfig = {
    model: typeof model === 'string' ? model : model.name,
    numWords: checkInteger('numWords', options.numWords ?? d.numWords, 1),
    maxlen: checkInteger('maxlen', options.maxlen ?? d.maxlen, 1),
    testSize: options.testSize ?? d.testSize,
    randomState: checkInteger('randomState', options.randomState ?? d.randomState, 0),
    epochs: checkInteger('epochs', options.epochs ?? d.epochs, 1),
    batchSize: checkInteger('batchSize', options.batchSize ?? d.batchSize, 1),
    learningRate: options.learningRate ?? d.learningRate,
    patience: checkInteger('patience', options.patience ?? d.patience, 0),
    earlyStopping: options.earlyStopping ?? true,
    restoreBestWeights: options.restoreBestWeights ?? true,
    units: options.units ?? d.units,
    embeddingDim: options.embeddingDim ?? d.embeddingDim,
    dropout: options.dropout ?? d.dropout,
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    limit,
  };
  if (!(config.testSize > 0 && config.testSize < 1)) {
    throw new LessonError(
      'INVALID_OPTION',
      `runLesson: testSize must be a fraction in (0, 1), got ${String(config.testSize)}.`,
    );
  }
  if (!(config.learningRate > 0)) {
    throw new LessonError(
      'INVALID_OPTION',
      `runLesson: learningRate must be > 0, got ${String(config.learningRate)}.`,
    );
  }
  checkInteger('seed', config.seed, 0);
  if (options.threads !== undefined) checkThreads(options.threads);
  return config;
}

/** Where runLesson keeps its own record in a training state's metadata. */
const STATE_KEY = 'seqlabLesson';

/** What a training state written by {@link runLesson} records besides the callbacks' state. */
interface LessonStateMeta {
  version: 1;
  config: LessonConfig;
  /** The validated epochs so far. */
  epochs: EpochRecord[];
  randomState: RandomState;
  /** Early stopping ended the run at this epoch: there is nothing to resume. */
  stopped: boolean;
  checkpointSaved: boolean;
}

async function readResume(url: string): Promise<{ epoch: number; meta: LessonStateMeta }> {
  let state: Awaited<ReturnType<typeof readTrainingState>>;
  try {
    state = await readTrainingState(url);
  } catch (error) {
    throw new LessonError(
      'RESUME_MISMATCH',
      `runLesson: cannot resume from '${url}': ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
  const meta = state.metadata[STATE_KEY] as LessonStateMeta | undefined;
  if (meta?.version !== 1 || !Array.isArray(meta.epochs) || meta.epochs.length !== state.epoch) {
    throw new LessonError(
      'RESUME_MISMATCH',
      `runLesson: cannot resume from '${url}': expected a training state written by runLesson's ` +
        'stateCheckpoint, received one without the recipe and history runLesson records.',
    );
  }
  return { epoch: state.epoch, meta };
}

function checkResume(
  url: string,
  resumed: { epoch: number; meta: LessonStateMeta },
  config: LessonConfig,
): void {
  const saved = resumed.meta.config;
  const changed = (Object.keys(config) as (keyof LessonConfig)[]).filter(
    (key) => key !== 'epochs' && JSON.stringify(saved[key]) !== JSON.stringify(config[key]),
  );
  if (changed.length > 0) {
    throw new LessonError(
      'RESUME_MISMATCH',
      `runLesson: the training state at '${url}' was written with ` +
        `${changed.map((k) => `${k} ${JSON.stringify(saved[k])}`).join(', ')}; this run has ` +
        `${changed.map((k) => `${k} ${JSON.stringify(config[k])}`).join(', ')}. Resume with the same recipe ` +
        '(only epochs may change).',
    );
  }
  if (resumed.meta.stopped) {
    throw new LessonError(
      'RESUME_FINISHED',
      `runLesson: the run saved at '${url}' ended by early stopping after epoch ${resumed.epoch}; there is ` +
        'nothing to resume.',
    );
  }
  if (resumed.epoch >= config.epochs) {
    throw new LessonError(
      'RESUME_FINISHED',
      `runLesson: the run saved at '${url}' has trained ${resumed.epoch} epochs, and epochs is ${config.epochs}; ` +
        `expected epochs > ${resumed.epoch} to train more.`,
    );
  }
}

/** `threads` is checked before the data is prepared (trainLesson resolves `'auto'` for the run). */
function checkThreads(threads: unknown): void {
  try {
    resolveThreads(threads, 'runLesson');
  } catch (error) {
    throw new LessonError('INVALID_OPTION', (error as Error).message, { cause: error });
  }
}

/**
 * The whole Keras IMDB lesson in one call: load the data, `train_test_split`, `pad_sequences`, build the model,
 * train it with `RMSprop`, binary cross-entropy, `EarlyStopping(restore_best_weights=True)` and
 * `ModelCheckpoint(save_best_only=True)` on `val_loss`, then evaluate the best model on the test set.
 *
 * @example
 * ```ts
 * import { imdbSource, runLesson } from '@seqlab/lesson';
 * import { initWasm } from '@seqlab/wasm';
 *
 * await initWasm();
 * const result = await runLesson({ data: imdbSource({ limit: 1000 }), model: 'lstm', epochs: 2, seed: 42 });
 * console.log(result.bestEpoch, result.test);
 * result.model.dispose();
 * ```
 */
export async function runLesson(options: RunLessonOptions): Promise<LessonResult> {
  const limit =
    typeof (options.data as { load?: unknown }).load === 'function'
      ? (options.data as { limit: number | null }).limit
      : null;
  const resumed = options.resume === undefined ? null : await readResume(options.resume);
  const config = resolveConfig(
    resumed !== null && options.seed === undefined ? { ...options, seed: resumed.meta.config.seed } : options,
    limit,
  );
  if (resumed !== null) checkResume(options.resume!, resumed, config);
  const emit = options.onEvent ?? (() => {});
  const prepared = await prepareLessonData(options.data, config);
  emit({ type: 'data', report: prepared.report, vectorizer: prepared.vectorizer });
  const numClasses = prepared.report.classNames?.length ?? 2;

  const model =
    typeof options.model === 'object'
      ? options.model
      : createModel(
          config.model as ModelName,
          {
            ...(options.modelOptions ?? {}),
            // More than two classes: a Dense(k, softmax) head; trainLesson picks sparse categorical cross-entropy.
            ...(numClasses > 2 ? { numClasses } : {}),
            numWords: config.numWords,
            maxlen: config.maxlen,
            units: config.units,
            embeddingDim: config.embeddingDim,
            dropout: config.dropout,
            seed: config.seed,
          } as never,
        );

  const signal = options.signal;
  const warn = (message: string) => {
    if (!signal?.aborted) emit({ type: 'warning', message });
  };
  const stopper = new EarlyStopping({
    monitor: 'val_loss',
    // Without early stopping the callback still tracks (and restores) the best epoch; `wait` can never reach
    // `epochs`.
    patience: config.earlyStopping ? config.patience : config.epochs,
    restoreBestWeights: config.restoreBestWeights,
    onWarning: warn,
  });
  const checkpoint =
    options.checkpoint === undefined
      ? undefined
      : modelCheckpoint(options.checkpoint, { monitor: 'val_loss', saveBestOnly: true, onWarning: warn });

  const stateful = { earlyStopping: stopper, ...(checkpoint ? { checkpoint } : {}) };
  const epochs: EpochRecord[] = [];
  let checkpointSaved = false;
  if (resumed !== null) {
    try {
      compileLesson(model, config.learningRate);
      await loadTrainingState(model, options.resume!, { callbacks: stateful });
      setRandomState(model, resumed.meta.randomState);
    } catch (error) {
      if (typeof options.model !== 'object') model.dispose();
      throw new LessonError(
        'RESUME_MISMATCH',
        `runLesson: the training state at '${options.resume}' does not fit this run: ` +
          `${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
    epochs.push(...resumed.meta.epochs);
    checkpointSaved = resumed.meta.checkpointSaved;
  }
  const stateSaver =
    options.stateCheckpoint === undefined
      ? undefined
      : trainingStateCheckpoint(options.stateCheckpoint, {
          callbacks: stateful,
          onWarning: warn,
          metadata: (): Record<string, unknown> => {
            const meta: LessonStateMeta = {
              version: 1,
              config,
              epochs,
              randomState: getRandomState(model),
              stopped: stopper.stoppedEpoch > 0,
              checkpointSaved: checkpointSaved || (checkpoint?.saved.length ?? 0) > 0,
            };
            return { [STATE_KEY]: meta };
          },
        });

  const recorder = history({ batches: options.onEvent !== undefined });
  const rows = prepared.train.x.shape[0]!;
  const batches = Math.ceil(rows / config.batchSize);
  let epochStart = 0;
  const unsubscribe = recorder.subscribe((event) => {
    const now = performance.now();
    if (event.type === 'epochBegin') {
      epochStart = now;
      emit({ type: 'epochBegin', epoch: event.epoch + 1 });
    } else if (event.type === 'batchEnd') {
      const seconds = (now - epochStart) / 1000;
      const done = event.batch + 1;
      emit({
        type: 'batch',
        epoch: event.epoch + 1,
        batch: done,
        batches,
        loss: event.logs.loss ?? Number.NaN,
        acc: event.logs.acc ?? event.logs.accuracy ?? Number.NaN,
        seconds,
        eta: (seconds / done) * (batches - done),
      });
    } else if (event.type === 'epochEnd' && event.logs.val_loss !== undefined) {
      const seconds = (now - epochStart) / 1000;
      const logs = { ...event.logs };
      epochs.push({ epoch: event.epoch + 1, seconds, logs });
      const mean = epochs.reduce((s, e) => s + e.seconds, 0) / epochs.length;
      emit({
        type: 'epoch',
        epoch: event.epoch + 1,
        logs,
        seconds,
        eta: mean * (config.epochs - event.epoch - 1),
        bestEpoch: stopper.best === undefined ? null : stopper.bestEpoch + 1,
      });
    }
  });
  const onAbort = () => {
    model.stopTraining = true;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  emit({
    type: 'trainBegin',
    epochs: config.epochs,
    batches,
    rows,
    validationRows: prepared.validation.x.shape[0]!,
  });
  try {
    if (!signal?.aborted) {
      await trainLesson({
        model,
        x: prepared.train.x,
        y: prepared.train.y,
        validationData: prepared.validation,
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        seed: config.seed,
        ...(resumed !== null ? { compile: false, initialEpoch: resumed.epoch } : {}),
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        // The stopper runs before the checkpoint, as in the lesson's callback list, so the final restore happens
        // after the last checkpoint; none of them sees an epoch the abort cut short.
        // The recorder comes after them, so an epoch's event already knows whether early stopping took it as the
        // best; the training state last, so it holds the epoch's record and every callback's state after it.
        callbacks: [
          new ValidatedEpochs([stopper, ...(checkpoint ? [checkpoint] : []), ...(options.callbacks ?? [])]),
          recorder,
          ...(stateSaver ? [new ValidatedEpochs([stateSaver])] : []),
        ],
      });
    }
  } catch (error) {
    if (typeof options.model !== 'object') model.dispose();
    throw error;
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }

  const historyRecord: Record<string, number[]> = {};
  for (const e of epochs) {
    for (const [key, value] of Object.entries(e.logs)) {
      historyRecord[key] = [...(historyRecord[key] ?? []), value];
    }
  }
  const bestEpoch = epochs.length > 0 && stopper.best !== undefined ? stopper.bestEpoch + 1 : null;
  const bestValLoss = bestEpoch === null ? null : (epochs[bestEpoch - 1]?.logs.val_loss ?? null);
  let test: TestMetrics | null = null;
  if (prepared.test !== null && epochs.length > 0 && (options.evaluateTest ?? true)) {
    test = evaluateModel(model, prepared.test, config.batchSize);
    emit({ type: 'test', ...test });
  }
  return {
    model,
    history: historyRecord,
    epochs,
    bestEpoch,
    bestValLoss,
    stoppedEarly: stopper.stoppedEpoch > 0,
    interrupted: signal?.aborted ?? false,
    test,
    checkpointSaved: checkpointSaved || (checkpoint?.saved.length ?? 0) > 0,
    resumedFrom: resumed?.epoch ?? null,
    vectorizer: prepared.vectorizer,
    classNames: prepared.report.classNames,
    config,
    data: prepared.report,
  };
}
