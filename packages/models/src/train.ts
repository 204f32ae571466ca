import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useFusedLoss } from './_fused_loss.js';
import {
  AUTO_DATA_PARALLEL,
  AUTO_MIN_BATCHES,
  resolveThreads,
  startThreads,
  type ThreadsOption,
  type TrainingThreads,
  threadMechanism,
  useKernelThreads,
} from './_threads.js';
import { ModelsError } from './errors.js';
import { readingIds } from './layers/_ids_pairing.js';
import { rmsprop } from './optimizers/rmsprop.js';

/** A padded id matrix, row-major — what `@seqlab/sequence`'s `padSequences` returns. */
export interface IdMatrix {
  /** `rows · cols` ids, row after row. */
  data: ArrayLike<number>;
  /** `[rows, cols]`. */
  shape: readonly number[];
}

/** A labelled split: ids and one class label per row (0 or 1 for a binary model, `0 … k-1` for `k` classes). */
export interface LabelledIds {
  x: IdMatrix;
  y: ArrayLike<number>;
}

/** Options of {@link trainLesson}: the Keras IMDB lesson's training recipe. */
export interface TrainLessonOptions {
  /**
   * A zoo model (or any single-input, single-output classifier on ids): an output `[batch, 1]` is a binary
   * (sigmoid) model, an output `[batch, k]` with `k >= 2` a `k`-class (softmax) model.
   */
  model: tfl.LayersModel;
  /** Training ids `[rows, maxlen]`. */
  x: IdMatrix;
  /** Training labels, one per row: 0 or 1 for a binary model, an integer in `[0, k)` for a `k`-class model. */
  y: ArrayLike<number>;
  /** Validation split, evaluated after every epoch (`val_loss`, `val_acc`); none when unset. */
  validationData?: LabelledIds;
  /**
   * Passes over the training data.
   * @default 10
   */
  epochs?: number;
  /**
   * Rows per gradient step.
   * @default 64
   */
  batchSize?: number;
  /**
   * RMSprop learning rate.
   * @default 1e-4
   */
  learningRate?: number;
  /**
   * Whether to compile the model with `RMSprop(learningRate)`, the loss (binary cross-entropy for a binary model,
   * sparse categorical cross-entropy for `k` classes) and accuracy first. Pass
   * `false` to keep an earlier compile (and its optimizer state) when resuming. The optimizer belongs to the model:
   * `model.dispose()` frees it.
   * @default true
   */
  compile?: boolean;
  /**
   * Whether to shuffle the training rows every epoch (as Keras' `fit` does).
   * @default true
   */
  shuffle?: boolean;
  /** Seed of the per-epoch shuffling, so a run repeats exactly (with a seeded zoo model). Random when unset. */
  seed?: number;
  /**
   * The 0-based epoch to start at, for a resumed run (`loadTrainingState`'s `epoch` from `@seqlab/callbacks`, with
   * `compile: false` after restoring the state): `epochs` still counts from 0, and the seeded shuffling skips the
   * orders of the epochs already trained, so the resumed epochs see the rows in the order a straight run would.
   * @default 0
   */
  initialEpoch?: number;
  /**
   * Whether a binary model's loss runs as `@seqlab/wasm`'s fused binary cross-entropy (one kernel forward, one
   * backward; within 1e-6 of tfjs-layers' 13 + 30 kernels, gradients bit for bit) on the wasm backend, and its
   * accuracy as one tensor (the same values). `false` keeps tfjs-layers' formulas.
   * @default true
   */
  fusedLoss?: boolean;
  /** tfjs callbacks (e.g. `@seqlab/callbacks`' `EarlyStopping`), or tfjs' callback-config object. */
  callbacks?: tfl.CustomCallbackArgs | tfl.CustomCallbackArgs[] | tfl.Callback | tfl.Callback[];
  /**
   * Threads that share each batch. A model with seqlab recurrent layers (LSTM, GRU, SimpleRNN, stacked or
   * Bidirectional) or WaveNet gated blocks (`wavenet`) on the wasm backend splits inside its fused kernels: rows
   * `[0, B/2)` here, `[B/2, B)` on a helper thread on the same WebAssembly memory (`@seqlab/wasm`'s
   * `setFusedThreads`, set for this run and restored after; at most 2). Other models train data-parallel (Node only: `worker_threads`): the batch is split into contiguous
   * shards in row order, each thread computes its shard's gradients with the same weights, and the gradients are
   * combined in shard order weighted by shard size — the whole batch's mean gradient — before one optimizer step;
   * this needs a model compiled by name (trainLesson's own compile, or `compile: false` after one). Either way a
   * seeded run repeats exactly for a given thread count and follows the one-thread run's curve up to float rounding.
   * `'auto'`: 2 where `os.availableParallelism()` minus the 1-minute load average is at least 1.5, else 1 — and
   * data-parallel only for the models measured to gain from it (`AUTO_DATA_PARALLEL`; an epoch of at least 100
   * batches), others on 1. Unset: the fused kernels keep `initWasm`'s choice (one thread unless asked), no
   * data-parallel threads.
   * Validation stays on this thread.
   * @default undefined
   */
  threads?: ThreadsOption;
}

/** Mulberry32: a small seeded generator for the shuffling order. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkSplit(name: string, x: IdMatrix, y: ArrayLike<number>): [number, number] {
  const [rows, cols] = x.shape;
  if (x.shape.length !== 2 || rows === undefined || cols === undefined || x.data.length !== rows * cols) {
    throw new ModelsError(
      'INVALID_DATA',
      `trainLesson: ${name}.x must be a [rows, cols] matrix with rows·cols ids, got shape ` +
        `${JSON.stringify(x.shape)} with ${x.data.length} ids.`,
    );
  }
  if (y.length !== rows) {
    throw new ModelsError(
      'INVALID_DATA',
      `trainLesson: ${name}.y must have one label per row (${rows}), got ${y.length} labels.`,
    );
  }
  return [rows, cols];
}

function idsTensor(x: IdMatrix, rows: number[] | null, cols: number): tf.Tensor2D {
  if (rows === null) {
    return tf.tensor2d(Int32Array.from(x.data), [x.shape[0]!, cols], 'int32');
  }
  const out = new Int32Array(rows.length * cols);
  const data = x.data;
  if (ArrayBuffer.isView(data)) {
    // A typed id matrix (what padSequences returns): one bulk copy per row.
    const typed = data as unknown as Int32Array;
    for (let i = 0; i < rows.length; i++) {
      const from = rows[i]! * cols;
      out.set(typed.subarray(from, from + cols), i * cols);
    }
  } else {
    rows.forEach((r, i) => {
      for (let c = 0; c < cols; c++) out[i * cols + c] = data[r * cols + c]!;
    });
  }
  return tf.tensor2d(out, [rows.length, cols], 'int32');
}

/**
 * Classes the model predicts: 2 for an output `[batch, 1]` (sigmoid), `k` for `[batch, k]` (softmax). A model with
 * several outputs, or whose output is not `[batch, k]`, is refused.
 */
function modelClasses(model: tfl.LayersModel): number {
  const shapes = model.outputs.map((o) => o.shape);
  const shape = shapes[0];
  const k = shape?.[1];
  if (shapes.length !== 1 || shape === undefined || shape.length !== 2 || typeof k !== 'number' || k < 1) {
    throw new ModelsError(
      'INVALID_OPTION',
      `trainLesson: model must have one output [batch, 1] (binary) or [batch, k] (k classes), got ` +
        `${JSON.stringify(shapes)}.`,
    );
  }
  return k === 1 ? 2 : k;
}

/** Labels must be integers in `[0, numClasses)`: 0/1 for a binary model. */
function checkLabels(name: string, y: ArrayLike<number>, numClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) {
      throw new ModelsError(
        'INVALID_DATA',
        `trainLesson: ${name}.y must hold integer class labels in [0, ${numClasses}) for a ` +
          `${numClasses === 2 ? 'binary' : `${numClasses}-class`} model, got ${String(v)} at row ${i}.`,
      );
    }
  }
}

/**
 * Labels as float32 `[n, 1]`: what binary cross-entropy reads, and for `k` classes the target shape tfjs gives a
 * sparse categorical cross-entropy output (Keras' integer labels `[n]` with a trailing axis). The class ids stay
 * float32 because tfjs' sparse categorical cross-entropy floors them (`tf.floor` takes float32 only) before its
 * one-hot; ids below 2^24 are exact in float32.
 */
function labelsTensor(y: ArrayLike<number>, rows: number[] | null): tf.Tensor2D {
  const values = rows === null ? Float32Array.from(y) : Float32Array.from(rows, (r) => y[r]!);
  return tf.tensor2d(values, [values.length, 1], 'float32');
}

/**
 * Compiles a model as {@link trainLesson} does: Keras' `RMSprop(learningRate)` (rho 0.9, epsilon 1e-7), binary
 * cross-entropy for a one-unit sigmoid output or sparse categorical cross-entropy for a softmax over classes, and
 * accuracy. A resumed run compiles first, then loads its optimizer state, then trains with `compile: false`.
 */
export function compileLesson(model: tfl.LayersModel, learningRate: number): void {
  if (!(learningRate > 0)) {
    throw new ModelsError('INVALID_OPTION', `compileLesson: learningRate must be > 0, got ${learningRate}.`);
  }
  const numClasses = modelClasses(model);
  // Keras' RMSprop defaults (rho 0.9, momentum 0, epsilon 1e-7); with momentum 0 tfjs' update is Keras' exactly:
  // v = rho·v + (1-rho)·g², w -= lr·g / sqrt(v + eps) (keras/src/optimizers/rmsprop.py). Our RMSprop gives
  // tf.train.rmsprop's numbers bit for bit, in one pass per variable instead of ten kernels.
  model.compile({
    optimizer: rmsprop({ learningRate, rho: 0.9, momentum: 0, epsilon: 1e-7 }),
    // tfjs names the 'accuracy' metric `acc` (`val_acc`) for both losses and, as Keras' compile does, picks
    // binary accuracy (threshold 0.5) for a [batch, 1] output and sparse categorical accuracy (argmax equals
    // the label) for sparse categorical cross-entropy (tfjs-layers engine/training.ts).
    loss: numClasses === 2 ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  // The optimizer is ours: hand it to the model so model.dispose() frees its slot variables (tfjs only does so
  // for optimizers it created from a name).
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/**
 * Trains a model with the Keras IMDB lesson's recipe: `RMSprop(1e-4)`, binary cross-entropy (sparse categorical
 * cross-entropy for a `k`-class softmax model, labels `0 … k-1`), accuracy, batches of
 * 64 built one step at a time from the id matrix (so only one batch's tensors, and any per-batch one-hot encoding
 * inside the model, exist at once), shuffled each epoch, validation after each epoch, and your callbacks
 * (early stopping, checkpoints, …). Returns tfjs' `History` (`loss`, `acc`, `val_loss`, `val_acc` per epoch).
 * `acc` is Keras' `accuracy` as `fit` reports it: `binary_accuracy` for a binary model, `sparse_categorical_accuracy`
 * for `k` classes; the key is `acc` in both cases.
 *
 * @example
 * ```ts
 * const model = createModel('lstm', { seed: 42 });
 * const history = await trainLesson({ model, x: xTrain, y: yTrain, validationData: { x: xVal, y: yVal },
 *   epochs: 100, seed: 42, callbacks: [earlyStopping({ patience: 3, restoreBestWeights: true })] });
 * ```
 */
export async function trainLesson(options: TrainLessonOptions): Promise<tfl.History> {
  const { model } = options;
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 1e-4;
  for (const [field, value] of [
    ['epochs', epochs],
    ['batchSize', batchSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ModelsError(
        'INVALID_OPTION',
        `trainLesson: ${field} must be a positive integer, got ${value}.`,
      );
    }
  }
  if (!(learningRate > 0)) {
    throw new ModelsError('INVALID_OPTION', `trainLesson: learningRate must be > 0, got ${learningRate}.`);
  }
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
    throw new ModelsError(
      'INVALID_OPTION',
      `trainLesson: initialEpoch must be an integer in [0, epochs = ${epochs}), got ${initialEpoch}.`,
    );
  }
  const requested = resolveThreads(options.threads ?? 1, 'trainLesson');
  const numClasses = modelClasses(model);
  const [rows, cols] = checkSplit('train', options.x, options.y);
  const mechanism = threadMechanism(model);
  // 'auto' trains data-parallel only the models measured to gain, and keeps small runs on one thread: the threads'
  // start-up (about a second) outweighs a short epoch.
  const auto = options.threads === 'auto';
  const threads =
    mechanism === 'kernels' ||
    (auto && (!AUTO_DATA_PARALLEL.includes(model.name) || Math.ceil(rows / batchSize) < AUTO_MIN_BATCHES))
      ? 1
      : requested;
  checkLabels('train', options.y, numClasses);
  if (options.validationData !== undefined) {
    checkSplit('validationData', options.validationData.x, options.validationData.y);
    checkLabels('validationData', options.validationData.y, numClasses);
  }
  if (options.compile ?? true) compileLesson(model, learningRate);
  if (options.fusedLoss ?? true) useFusedLoss(model);
  const random = options.seed === undefined ? Math.random : mulberry32(options.seed);
  const shuffle = options.shuffle ?? true;
  const batches = Math.ceil(rows / batchSize);
  const shuffled = (): number[] => {
    const order = Array.from({ length: rows }, (_, i) => i);
    if (shuffle) {
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    return order;
  };
  // A resumed run draws (and drops) the orders of the epochs it skips, so its shuffles are a straight run's.
  for (let e = 0; e < initialEpoch; e++) shuffled();
  let pool: TrainingThreads | null = null;
  const dataset = {
    size: batches,
    iterator: async () => {
      const order = shuffled();
      let b = 0;
      return {
        next: async () => {
          if (b >= batches) return { done: true, value: null };
          const slice = order.slice(b * batchSize, Math.min(rows, (b + 1) * batchSize));
          b++;
          const value = { xs: idsTensor(options.x, slice, cols), ys: labelsTensor(options.y, slice) };
          if (pool !== null) {
            // The gradients of every shard, ready for the train function below.
            try {
              await pool.prepare(value.xs, value.ys);
            } catch (error) {
              tf.dispose([value.xs, value.ys]);
              throw error;
            }
          }
          return { done: false, value };
        },
      };
    },
  };
  let validation: [tf.Tensor, tf.Tensor] | undefined;
  if (options.validationData !== undefined) {
    const v = options.validationData;
    validation = [idsTensor(v.x, null, v.x.shape[1]!), labelsTensor(v.y, null)];
  }
  // tfjs hands tfl.Callback subclasses the epoch logs as scalar tensors and keeps them until training ends; a
  // CustomCallback placed first turns them into numbers (and frees them) every epoch, for every callback after it.
  const resolver = new tfl.CustomCallback({ onEpochEnd: async () => {}, nextFrameFunc: nextTask });
  const given =
    options.callbacks === undefined
      ? []
      : Array.isArray(options.callbacks)
        ? options.callbacks
        : [options.callbacks];
  const callbacks: tfl.CustomCallback[] = [
    resolver,
    ...given.map((c) =>
      // A callback instance (tfl.Callback, CustomCallback, @seqlab/callbacks) has setModel; a plain object is config.
      typeof (c as { setModel?: unknown }).setModel === 'function'
        ? (c as tfl.CustomCallback)
        : new tfl.CustomCallback({ nextFrameFunc: nextTask, ...(c as tfl.CustomCallbackArgs) }),
    ),
  ];
  const trainable = model as unknown as { makeTrainFunction?: () => (ins: tf.Tensor[]) => tf.Scalar[] };
  const kernelThreads =
    mechanism === 'kernels' && options.threads !== undefined ? await useKernelThreads(requested) : null;
  try {
    if (threads > 1) {
      pool = await startThreads(model, threads, batchSize, 'trainLesson');
      const threaded = pool;
      // tfjs' fitDataset asks for its train function once; ours applies the prepared gradients.
      trainable.makeTrainFunction = () => (ins) => threaded.step(ins);
    } else {
      // tfjs' own train function, with the ids agreement on: an Embedding whose fused readers take its ids skips
      // its gather (only the model's graph, the loss and the optimizer run in there).
      const stock = trainable.makeTrainFunction!;
      trainable.makeTrainFunction = () => {
        const step = stock.call(model);
        return (ins) => readingIds(model, () => step(ins));
      };
    }
    return await model.fitDataset(dataset as unknown as Parameters<tfl.LayersModel['fitDataset']>[0], {
      epochs,
      initialEpoch,
      verbose: 0,
      validationData: validation,
      validationBatchSize: batchSize,
      callbacks,
    });
  } finally {
    if (validation !== undefined) tf.dispose(validation);
    delete trainable.makeTrainFunction;
    if (pool !== null) await pool.close();
    await kernelThreads?.restore();
  }
}

/**
 * One turn of the event loop, for the CustomCallbacks' yield (every 125 ms). tfjs' own `nextFrame` waits for
 * `requestAnimationFrame` wherever it exists — a browser worker included: up to a display frame (16.7 ms) per
 * yield, and never in a hidden tab — so training yields by a task instead: `setImmediate` in Node, a message
 * elsewhere.
 */
function nextTask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
