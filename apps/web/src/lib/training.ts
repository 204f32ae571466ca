// The one place the web app trains: the worker calls trainRun, and so does the Node test of the worker's path.
import { earlyStopping, history, modelCheckpoint } from '@seqlab/callbacks';
import { imdb } from '@seqlab/datasets';
import { createModel, type ModelName, trainLesson } from '@seqlab/models';
import { padSequences, trainTestSplit } from '@seqlab/sequence';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainEvent, TrainOutcome } from './protocol.js';
import { bestEpoch, metricValues, type TrainConfig } from './runs.js';

export interface TrainRunOptions {
  /** Where the best checkpoint goes (ModelCheckpoint, save_best_only). */
  checkpoint?: string;
  /** Stops after the current batch; the run still returns what it trained. */
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
}

/** Trains one run of the lesson on imdb.npz bytes with the form's settings; returns the outcome (model disposed). */
export async function trainRun(
  npz: Uint8Array,
  config: TrainConfig,
  options: TrainRunOptions = {},
): Promise<TrainOutcome> {
  const { signal, onEvent = () => {} } = options;
  const [[xAll, yAll], [xTest]] = await imdb.loadData({ path: npz, numWords: config.numWords });
  const n = config.limit > 0 ? Math.min(config.limit, xAll.length) : xAll.length;
  const x = padSequences(xAll.slice(0, n), { maxlen: config.maxlen });
  const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, yAll.subarray(0, n), {
    testSize: config.testSize,
    randomState: config.randomState,
  });
  onEvent({
    type: 'data',
    report: {
      train: xTrain.shape[0],
      validation: xVal.shape[0],
      test: xTest.length,
      maxlen: config.maxlen,
      numWords: config.numWords,
    },
  });
  const model: tfl.LayersModel = createModel(config.model as ModelName, {
    numWords: config.numWords,
    maxlen: config.maxlen,
    seed: config.seed,
  });
  const abort = () => {
    model.stopTraining = true;
  };
  signal?.addEventListener('abort', abort);
  const batches = Math.ceil(xTrain.shape[0] / config.batchSize);
  onEvent({
    type: 'trainBegin',
    epochs: config.epochs,
    batches,
    rows: xTrain.shape[0],
    validationRows: xVal.shape[0],
  });
  const recorder = history({ batches: true });
  let epochStart = performance.now();
  let elapsed = 0;
  recorder.subscribe((event) => {
    const seconds = (performance.now() - epochStart) / 1000;
    if (event.type === 'batchEnd') {
      const batch = event.batch + 1;
      onEvent({
        type: 'batch',
        epoch: event.epoch + 1,
        batch,
        batches,
        loss: event.logs['loss'] ?? Number.NaN,
        acc: event.logs['acc'] ?? Number.NaN,
        seconds,
        eta: (seconds / batch) * (batches - batch),
      });
    } else if (event.type === 'epochEnd') {
      elapsed += seconds;
      const epoch = event.epoch + 1;
      onEvent({
        type: 'epoch',
        epoch,
        logs: { ...event.logs },
        seconds,
        eta: (elapsed / epoch) * (config.epochs - epoch),
        bestEpoch: bestEpoch(metricValues(recorder.history, 'val_loss')),
      });
      epochStart = performance.now();
    }
  });
  const callbacks: tfl.Callback[] = [recorder];
  const checkpointer =
    options.checkpoint === undefined
      ? null
      : modelCheckpoint(options.checkpoint, { monitor: 'val_loss', saveBestOnly: true });
  if (checkpointer !== null) callbacks.push(checkpointer);
  const stopper = config.earlyStopping
    ? earlyStopping({ monitor: 'val_loss', patience: config.patience, restoreBestWeights: true })
    : null;
  if (stopper !== null) callbacks.push(stopper);
  try {
    await trainLesson({
      model,
      x: xTrain,
      y: yTrain,
      validationData: { x: xVal, y: yVal },
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      seed: config.seed,
      callbacks,
    });
    return {
      history: structuredClone(recorder.history),
      bestEpoch: bestEpoch(metricValues(recorder.history, 'val_loss')),
      stoppedEarly: stopper !== null && (stopper.stoppedEpoch ?? 0) > 0,
      interrupted: signal?.aborted ?? false,
      test: null,
      checkpointSaved: (checkpointer?.saved.length ?? 0) > 0,
    };
  } finally {
    signal?.removeEventListener('abort', abort);
    model.dispose();
  }
}
