import { type IdMatrix, rmsprop, trainLesson } from '@seqlab/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { headRows } from './_data.js';
import { median } from './_stats.js';

/** A time in seconds for a whole pass over the data (epoch or validation), and how it was obtained. */
export interface PassTiming {
  /** Median seconds for the whole pass (20,000 training or 5,000 validation rows). */
  seconds: number;
  /** Every repeat's seconds (already extrapolated when `extrapolated`). */
  samples: number[];
  /** `'measured'`: whole passes were timed; `'extrapolated'`: `rowsTimed` rows were timed and scaled up. */
  method: 'measured' | 'extrapolated';
  /** Rows timed per repeat. */
  rowsTimed: number;
}

/** Single-review prediction latency, in milliseconds. */
export interface Latency {
  medianMs: number;
  p90Ms: number;
  calls: number;
}

const BATCH = 64;
const LEARNING_RATE = 1e-4;

function rows(m: IdMatrix): number {
  return m.shape[0]!;
}

function idsTensor(m: IdMatrix, start: number, count: number): tf.Tensor2D {
  const cols = m.shape[1]!;
  const data = (m.data as Int32Array).slice(start * cols, (start + count) * cols);
  return tf.tensor2d(data, [count, cols], 'int32');
}

function labelsTensor(y: Int32Array, start: number, count: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(y.subarray(start, start + count)), [count, 1], 'float32');
}

/**
 * Compiles like `trainLesson` (Keras' `RMSprop(1e-4)`, binary cross-entropy, accuracy) and hands the optimizer to
 * the model, so `model.dispose()` frees its slots. `stockOptimizer`: tfjs' own `tf.train.rmsprop` (same numbers,
 * ten kernels per variable), for the stock tfjs variants.
 */
export function compileLesson(model: tfl.LayersModel, stockOptimizer = false): void {
  model.compile({
    optimizer: stockOptimizer
      ? tf.train.rmsprop(LEARNING_RATE, 0.9, 0, 1e-7)
      : rmsprop({ learningRate: LEARNING_RATE, rho: 0.9, momentum: 0, epsilon: 1e-7 }),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
}

/** Two warm-up training steps (kernel set-up, optimizer slots) through `trainLesson`, not timed. */
export async function warmUp(model: tfl.LayersModel, x: IdMatrix, y: Int32Array): Promise<void> {
  await trainLesson({ model, x: headRows(x, 2 * BATCH), y: y.subarray(0, 2 * BATCH), epochs: 1, seed: 0 });
}

/**
 * Seconds per training epoch with `trainLesson` (the zoo's own loop: shuffled batches of 64, RMSprop): `repeats`
 * epochs over `trainRows` rows of `x`; when `trainRows` is less than all rows, each time is scaled to all rows.
 */
export async function epochSeconds(
  model: tfl.LayersModel,
  x: IdMatrix,
  y: Int32Array,
  repeats: number,
  trainRows: number,
): Promise<PassTiming> {
  const subset = Math.min(trainRows, rows(x));
  const xs = headRows(x, subset);
  const ys = y.subarray(0, subset);
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await trainLesson({ model, x: xs, y: ys, epochs: 1, compile: false, seed: 42 + r });
    samples.push(((performance.now() - start) / 1000) * (rows(x) / subset));
  }
  return {
    seconds: median(samples),
    samples,
    method: subset === rows(x) ? 'measured' : 'extrapolated',
    rowsTimed: subset,
  };
}

/**
 * Seconds per training epoch from `batches` consecutive `trainOnBatch` steps of 64 rows, scaled to all rows of
 * `x` (for the per-step variants, about 40 s per epoch): median over `repeats` runs of `batches` steps each.
 */
export async function extrapolatedEpochSeconds(
  model: tfl.LayersModel,
  x: IdMatrix,
  y: Int32Array,
  batches: number,
  repeats: number,
  onSample: () => void,
): Promise<PassTiming> {
  const total = rows(x);
  const samples: number[] = [];
  let next = 0;
  for (let r = 0; r < repeats; r++) {
    let timedRows = 0;
    const start = performance.now();
    for (let b = 0; b < batches; b++) {
      if (next + BATCH > total) next = 0;
      const xs = idsTensor(x, next, BATCH);
      const ys = labelsTensor(y, next, BATCH);
      await model.trainOnBatch(xs, ys);
      tf.dispose([xs, ys]);
      next += BATCH;
      timedRows += BATCH;
      onSample();
    }
    samples.push(((performance.now() - start) / 1000) * (total / timedRows));
  }
  return { seconds: median(samples), samples, method: 'extrapolated', rowsTimed: batches * BATCH };
}

/**
 * Seconds per validation pass: `model.evaluate` in batches of 64 on the first `evalRows` rows (all rows: a
 * measured pass; fewer: scaled to all rows), median over `repeats`.
 */
export async function validationSeconds(
  model: tfl.LayersModel,
  x: IdMatrix,
  y: Int32Array,
  evalRows: number,
  repeats: number,
): Promise<PassTiming> {
  const n = Math.min(evalRows, rows(x));
  const xs = idsTensor(x, 0, n);
  const ys = labelsTensor(y, 0, n);
  const samples: number[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      const out = model.evaluate(xs, ys, { batchSize: BATCH }) as tf.Scalar[];
      await Promise.all(out.map((t) => t.data()));
      samples.push(((performance.now() - start) / 1000) * (rows(x) / n));
      tf.dispose(out);
    }
  } finally {
    tf.dispose([xs, ys]);
  }
  return {
    seconds: median(samples),
    samples,
    method: n === rows(x) ? 'measured' : 'extrapolated',
    rowsTimed: n,
  };
}

/** `model.predict` on one padded review, read back with `dataSync`: median and 90th percentile of `calls` calls. */
export function predictLatency(model: tfl.LayersModel, x: IdMatrix, calls: number, warmup: number): Latency {
  const review = idsTensor(x, 0, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + calls; i++) {
      const start = performance.now();
      const out = model.predict(review) as tf.Tensor;
      out.dataSync();
      const ms = performance.now() - start;
      out.dispose();
      if (i >= warmup) times.push(ms);
    }
  } finally {
    review.dispose();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: median(times),
    p90Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]!,
    calls,
  };
}
