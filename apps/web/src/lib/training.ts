// The one place the web app trains: the worker calls trainRun, and so does the Node test of the worker's path.
import type { TextSource } from '@seqlab/datasets';
import { imdbSource, type LessonResult, type RunLessonOptions, runLesson, textData } from '@seqlab/lesson';
import type { ModelName } from '@seqlab/models';
import { type TextVectorization, textVectorizationToJSON } from '@seqlab/sequence';
import * as tfl from '@tensorflow/tfjs-layers';
import { nextTask } from './next-task.js';
import type { TrainEvent, TrainOutcome } from './protocol.js';
import type { RunVocabulary, TrainConfig } from './runs.js';

export interface TrainRunOptions {
  /** Where the best checkpoint goes (ModelCheckpoint, save_best_only), e.g. `indexeddb://seqlab-run-…`. */
  checkpoint?: string;
  /** Stops after the current batch; the run still returns what it trained. */
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

/** Options of {@link YieldToEvents}. */
export interface YieldToEventsArgs {
  /**
   * Training milliseconds between two yields.
   * @default 100
   */
  everyMs?: number;
  /** The clock. Defaults to `performance.now`. */
  now?: () => number;
  /** One yield. Defaults to {@link nextTask}: a message, never a clamped timer. */
  yieldTask?: () => Promise<void>;
}

/**
 * tfjs' fit loop only awaits promises, so a worker busy training never runs its message handler and never hears
 * Stop. This callback gives the event loop one task turn per 100 ms of training, through a message to itself (a
 * `setTimeout(0)` would wait 4 ms: the loop runs inside the task of its last yield, and nested timers are clamped).
 */
export class YieldToEvents extends tfl.Callback {
  private readonly everyMs: number;
  private readonly now: () => number;
  private readonly yieldTask: () => Promise<void>;
  private last: number;

  constructor(args: YieldToEventsArgs = {}) {
    super();
    this.everyMs = args.everyMs ?? 100;
    this.now = args.now ?? (() => performance.now());
    this.yieldTask = args.yieldTask ?? nextTask;
    this.last = this.now();
  }

  override async onBatchEnd(): Promise<void> {
    if (this.now() - this.last < this.everyMs) return;
    await this.yieldTask();
    this.last = this.now();
  }
}

/** The data of a run: imdb.npz bytes, or your own texts (the form's `limit` applies to imdb.npz only). */
function lessonData(data: Uint8Array | TextSource, config: TrainConfig): RunLessonOptions['data'] {
  if (data instanceof Uint8Array)
    return imdbSource({ path: data, ...(config.limit > 0 ? { limit: config.limit } : {}) });
  return textData({ train: data, vectorizer: { unicode: config.texts?.unicode === true } });
}

/**
 * The `runLesson` options for the form's settings on imdb.npz bytes or on your own texts (`config.texts` says
 * how to vectorize them): the mapping, and nothing else.
 */
export function lessonOptions(
  data: Uint8Array | TextSource,
  config: TrainConfig,
  options: TrainRunOptions = {},
): RunLessonOptions {
  return {
    data: lessonData(data, config),
    model: config.model as ModelName,
    numWords: config.numWords,
    maxlen: config.maxlen,
    testSize: config.testSize,
    randomState: config.randomState,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    patience: config.patience,
    earlyStopping: config.earlyStopping,
    seed: config.seed,
    evaluateTest: true,
    callbacks: [new YieldToEvents()],
    ...(options.checkpoint === undefined ? {} : { checkpoint: options.checkpoint }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onEvent: (event) => {
      if (event.type === 'data')
        options.onEvent?.({ type: 'data', report: event.report, vocabulary: vocabularyOf(event) });
      else if (event.type !== 'warning') options.onEvent?.(event);
    },
  };
}

/** A run's vectorizer (as JSON) and class names, or null for IMDB ids. */
function vocabularyOf(from: {
  vectorizer: TextVectorization | null;
  report: { classNames: string[] | null };
}): RunVocabulary | null {
  return from.vectorizer === null
    ? null
    : { vectorizer: textVectorizationToJSON(from.vectorizer), classNames: from.report.classNames ?? [] };
}

/**
 * Trains one run of the lesson (`runLesson`) and returns its outcome; the model is disposed. A run on your own
 * texts also returns the vectorizer adapted on its training split (as JSON) and the class names.
 */
export async function trainRun(
  data: Uint8Array | TextSource,
  config: TrainConfig,
  options: TrainRunOptions = {},
): Promise<TrainOutcome & { result: Omit<LessonResult, 'model'> }> {
  const { model, ...result } = await runLesson(lessonOptions(data, config, options));
  model.dispose();
  return {
    history: result.history,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    interrupted: result.interrupted,
    test: result.test,
    checkpointSaved: result.checkpointSaved,
    vocabulary: vocabularyOf({ vectorizer: result.vectorizer, report: { classNames: result.classNames } }),
    result,
  };
}
