import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { type IdMatrix, type TrainLessonOptions, trainLesson } from '../src/index.js';

/**
 * A learnable toy task: label 1 when word 7 occurs in the (pre-padded: three leading zeros) sequence of ids 8…47.
 * A linear congruential generator makes it the same on every run.
 */
export function toyData(rows: number, seed: number, maxlen: number): { x: IdMatrix; y: Float32Array } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const data = new Int32Array(rows * maxlen);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const positive = r % 2 === 0;
    y[r] = positive ? 1 : 0;
    for (let c = 0; c < maxlen; c++) data[r * maxlen + c] = c < 3 ? 0 : 8 + Math.floor(rand() * 40);
    if (positive) data[r * maxlen + 3 + Math.floor(rand() * (maxlen - 3))] = 7;
  }
  return { x: { data, shape: [rows, maxlen] }, y };
}

/** Loss, val_loss and final weights of {@link toyCurve}. */
export interface ToyCurve {
  loss: number[];
  val: number[];
  weights: number[][];
}

/**
 * The curve tests' training run: 4 epochs of 48 toy rows (16 validation rows), batches of 16, lr 1e-2, shuffling
 * seed 6, plus `options`. Returns the curve and the final weights, and disposes the model.
 */
export async function toyCurve(
  model: tfl.LayersModel,
  maxlen: number,
  options: Partial<TrainLessonOptions> = {},
): Promise<ToyCurve> {
  const history = await trainLesson({
    model,
    ...toyData(48, 3, maxlen),
    validationData: toyData(16, 4, maxlen),
    epochs: 4,
    batchSize: 16,
    learningRate: 1e-2,
    seed: 6,
    ...options,
  });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  model.dispose();
  return {
    loss: history.history['loss'] as number[],
    val: history.history['val_loss'] as number[],
    weights,
  };
}

/** `a` learns (its last loss below its first) and stays within `curve` of `b`'s losses, `weights` of its weights. */
export function expectCurvesClose(
  a: ToyCurve,
  b: ToyCurve,
  tolerance: { curve: number; weights: number },
): void {
  a.loss.forEach((l, i) => {
    expect(Math.abs(l - b.loss[i]!), `loss ${i}`).toBeLessThan(tolerance.curve);
    expect(Math.abs(a.val[i]! - b.val[i]!), `val_loss ${i}`).toBeLessThan(tolerance.curve);
  });
  expect(a.loss[3]).toBeLessThan(a.loss[0]!);
  a.weights.forEach((w, i) => {
    w.forEach((v, j) => {
      expect(Math.abs(v - b.weights[i]![j]!)).toBeLessThan(tolerance.weights);
    });
  });
}

/** A tensor of `shape` with values in [-1, 1) from a linear congruential generator (the same on every run). */
export function uniform(shape: number[], seed: number): tf.Tensor {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
  return tf.tensor(values, shape);
}

/** The largest absolute difference between two tensors of the same shape. */
export function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}
