// The training worker: its own wasm runtime, the loaded data, and trainLesson with live progress messages.
import { earlyStopping, history, modelCheckpoint } from '@seqlab/callbacks';
import { imdb } from '@seqlab/datasets';
import { createModel, type ModelName, trainLesson } from '@seqlab/models';
import { padSequences, trainTestSplit } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import type * as tfl from '@tensorflow/tfjs-layers';
import { datasetFacts } from './lib/facts.js';
import type { WorkerEvent, WorkerRequest } from './lib/protocol.js';
import { bestEpoch, metricValues } from './lib/runs.js';
import { wasmPaths } from './wasm-paths.js';

interface WorkerScope {
  postMessage(message: WorkerEvent): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
}
const scope = self as unknown as WorkerScope;
let bytes: ArrayBuffer | undefined;
let loaded: { numWords: number; data: imdb.ImdbData } | undefined;
let training: tfl.LayersModel | undefined;

function post(event: WorkerEvent): void {
  scope.postMessage(event);
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : error.name, message: error.message };
  }
  return { code: 'UNKNOWN', message: String(error) };
}

async function dataFor(numWords: number): Promise<imdb.ImdbData> {
  if (bytes === undefined) throw Object.assign(new Error('no imdb.npz loaded yet'), { code: 'NO_DATA' });
  if (loaded?.numWords !== numWords) {
    loaded = { numWords, data: await imdb.loadData({ path: new Uint8Array(bytes), numWords }) };
  }
  return loaded.data;
}

async function train(runId: string, request: Extract<WorkerRequest, { type: 'train' }>): Promise<void> {
  const { config, checkpoint } = request;
  const [[xAll, yAll]] = await dataFor(config.numWords);
  const n = config.limit > 0 ? Math.min(config.limit, xAll.length) : xAll.length;
  const x = padSequences(xAll.slice(0, n), { maxlen: config.maxlen });
  const y = yAll.subarray(0, n);
  // The lesson's split: train_test_split(test_size=0.2, random_state=42).
  const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, y, { testSize: 0.2, randomState: 42 });
  const model = createModel(config.model as ModelName, {
    numWords: config.numWords,
    maxlen: config.maxlen,
    seed: config.seed,
  });
  training = model;
  const batches = Math.ceil(xTrain.shape[0] / config.batchSize);
  post({
    type: 'trainBegin',
    runId,
    rows: xTrain.shape[0],
    valRows: xVal.shape[0],
    batches,
    epochs: config.epochs,
  });
  const recorder = history({ batches: true });
  recorder.subscribe((event) => {
    if (event.type === 'batchEnd') {
      post({
        type: 'batch',
        runId,
        epoch: event.epoch,
        batch: event.batch,
        loss: event.logs['loss'] ?? Number.NaN,
      });
    } else if (event.type === 'epochEnd') {
      post({ type: 'epoch', runId, epoch: event.epoch, logs: { ...event.logs } });
    }
  });
  const checkpointer = modelCheckpoint(checkpoint, { monitor: 'val_loss', saveBestOnly: true });
  const callbacks: tfl.Callback[] = [recorder, checkpointer];
  const stopper =
    config.patience > 0
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
    const losses = metricValues(recorder.history, 'val_loss');
    post({
      type: 'trainEnd',
      runId,
      history: structuredClone(recorder.history),
      stopped: stopRequested,
      stoppedEarly: stopper !== null && (stopper.stoppedEpoch ?? 0) > 0,
      bestEpoch: bestEpoch(losses),
      checkpoint: checkpointer.saved.length > 0 ? checkpoint : null,
    });
  } finally {
    training = undefined;
    model.dispose();
  }
}

let stopRequested = false;

scope.onmessage = async (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  if (request.type === 'stop') {
    stopRequested = true;
    if (training !== undefined) training.stopTraining = true;
    return;
  }
  try {
    if (request.type === 'init') {
      const info = await initWasm({ threads: 'auto', wasmPaths });
      post({ type: 'runtime', info: { backend: info.backend, simd: info.simd, threads: info.threads } });
    } else if (request.type === 'data') {
      bytes = request.bytes;
      loaded = undefined;
      const [train, test] = await dataFor(request.numWords);
      post({
        type: 'dataReady',
        facts: datasetFacts(train, test),
        sample: { ids: train[0][0] ?? [], label: train[1][0] ?? 0 },
      });
    } else if (request.type === 'train') {
      stopRequested = false;
      await train(request.runId, request);
    }
  } catch (error) {
    const during = request.type;
    post({
      type: 'error',
      during,
      ...describe(error),
      ...(request.type === 'train' ? { runId: request.runId } : {}),
    });
  }
};
