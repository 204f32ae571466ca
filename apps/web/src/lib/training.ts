// The one place the web app trains: the worker calls trainRun, and so does the Node test of the worker's path.
import { imdbSource, type LessonResult, type RunLessonOptions, runLesson } from '@seqlab/lesson';
import type { ModelName } from '@seqlab/models';
import * as tfl from '@tensorflow/tfjs-layers';
import type { TrainEvent, TrainOutcome } from './protocol.js';
import type { TrainConfig } from './runs.js';

export interface TrainRunOptions {
  /** Where the best checkpoint goes (ModelCheckpoint, save_best_only), e.g. `indexeddb://seqlab-run-…`. */
  checkpoint?: string;
  /** Stops after the current batch; the run still returns what it trained. */
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

/**
 * tfjs' fit loop only awaits promises, so a worker busy training never runs its message handler and never hears
 * Stop. This callback gives the event loop one task turn per 100 ms of training (a `setTimeout(0)` per batch would
 * cost 4 ms each: timers nested that deep are clamped).
 */
class YieldToEvents extends tfl.Callback {
  private last = performance.now();
  override async onBatchEnd(): Promise<void> {
    if (performance.now() - this.last < 100) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.last = performance.now();
  }
}

/** The `runLesson` options for the form's settings on imdb.npz bytes: the mapping, and nothing else. */
export function lessonOptions(
  npz: Uint8Array,
  config: TrainConfig,
  options: TrainRunOptions = {},
): RunLessonOptions {
  return {
    data: imdbSource({ path: npz, ...(config.limit > 0 ? { limit: config.limit } : {}) }),
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
      if (event.type === 'data') options.onEvent?.({ type: 'data', report: event.report });
      else if (event.type !== 'warning') options.onEvent?.(event);
    },
  };
}

/** Trains one run of the lesson (`runLesson`) and returns its outcome; the model is disposed. */
export async function trainRun(
  npz: Uint8Array,
  config: TrainConfig,
  options: TrainRunOptions = {},
): Promise<TrainOutcome & { result: Omit<LessonResult, 'model'> }> {
  const { model, ...result } = await runLesson(lessonOptions(npz, config, options));
  model.dispose();
  return {
    history: result.history,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    interrupted: result.interrupted,
    test: result.test,
    checkpointSaved: result.checkpointSaved,
    result,
  };
}
