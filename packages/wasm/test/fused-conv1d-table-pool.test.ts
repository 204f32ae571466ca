import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Conv1dActivation,
  type Conv1dPadding,
  fusedConv1d,
  fusedMemoryStats,
  initWasm,
} from '../src/index.js';
import { compareOps, rand } from './fused-reference.js';

/**
 * GlobalMaxPooling1D(Conv1D(Embedding(ids))) from tfjs ops that differentiate on every backend: gather, pad, one
 * slice per tap times its kernel, bias, activation, max over the steps (tf.max's gradient goes to every tied step).
 */
function reference(
  ids: tf.Tensor,
  table: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  padding: Conv1dPadding,
  dil: number,
  activation: Conv1dActivation,
): tf.Tensor {
  const x = tf.gather(table, ids);
  const [B, T, C] = x.shape as [number, number, number];
  const [K, , F] = kernel.shape as [number, number, number];
  const span = (K - 1) * dil;
  const left = padding === 'causal' ? span : padding === 'same' ? Math.floor(span / 2) : 0;
  const right = padding === 'same' ? span - left : 0;
  const To = padding === 'valid' ? T - span : T;
  const padded = tf.pad(x, [
    [0, 0],
    [left, right],
    [0, 0],
  ]);
  let y: tf.Tensor = tf.zeros([B * To, F]);
  for (let k = 0; k < K; k++) {
    const tap = tf.reshape(tf.slice(padded, [0, k * dil, 0], [B, To, C]), [B * To, C]) as tf.Tensor2D;
    y = tf.add(y, tf.matMul(tap, tf.reshape(tf.slice(kernel, [k, 0, 0], [1, C, F]), [C, F]) as tf.Tensor2D));
  }
  y = tf.reshape(y, [B, To, F]);
  if (bias !== null) y = tf.add(y, bias);
  if (activation === 'relu') y = tf.relu(y);
  else if (activation === 'tanh') y = tf.tanh(y);
  else if (activation === 'sigmoid') y = tf.sigmoid(y);
  return tf.max(y, 1);
}

function idsOf(B: number, T: number, V: number, seed: number): tf.Tensor {
  return tf.tensor2d(
    Array.from({ length: B * T }, (_, i) => (i * 7 + seed * 13 + ((i * i) % 5)) % V),
    [B, T],
    'int32',
  );
}

describe('fusedConv1d on embedding ids with globalMaxPool (gradients only at the maxima)', () => {
  beforeAll(async () => {
    await initWasm();
  });

  const activations: Conv1dActivation[] = ['linear', 'relu', 'tanh', 'sigmoid'];
  // Filters that fill the 32-column blocks, leave a 4-column tail (37 → 40) or are less than one vector.
  const sizes = [
    { B: 3, T: 13, V: 11, C: 5, K: 3, F: 6 },
    { B: 2, T: 9, V: 7, C: 16, K: 2, F: 37 },
    { B: 4, T: 7, V: 5, C: 3, K: 1, F: 64 },
  ];
  for (const padding of ['valid', 'same', 'causal'] as const) {
    it(`${padding}: values and the table, kernel and bias gradients within 1e-5 of gather + conv + max`, () => {
      for (const [i, s] of sizes.entries()) {
        for (const dil of [1, 2]) {
          for (const activation of activations) {
            for (const useBias of [true, false]) {
              const ids = idsOf(s.B, s.T, s.V, i);
              const op =
                (fused: boolean) =>
                ([e, k, b]: tf.Tensor[]): tf.Tensor =>
                  fused
                    ? fusedConv1d(ids, k!, useBias ? b! : null, {
                        embeddings: e!,
                        padding,
                        dilationRate: dil,
                        activation,
                        globalMaxPool: true,
                      })
                    : reference(ids, e!, k!, useBias ? b! : null, padding, dil, activation);
              compareOps(
                op(true),
                op(false),
                () => {
                  const xs = [rand([s.V, s.C], 40 + i), rand([s.K, s.C, s.F], 41 + i, 0.7)];
                  if (useBias) xs.push(rand([s.F], 42 + i, 0.5));
                  return xs;
                },
                1e-5,
                1e-5,
              );
              ids.dispose();
            }
          }
        }
      }
    });
  }

  it('ties: every step that holds the maximum gets the whole gradient, as with tf.max', () => {
    // Rows of one repeated word (every window the same) and rows with a repeated pair of windows; one relu row
    // whose maxima are 0 (no gradient).
    const ids = tf.tensor2d(
      [
        [3, 3, 3, 3, 3, 3, 3, 3],
        [1, 2, 4, 1, 2, 4, 0, 5],
        [0, 0, 0, 0, 1, 2, 0, 0],
      ],
      [3, 8],
      'int32',
    );
    for (const activation of activations) {
      for (const padding of ['valid', 'causal'] as const) {
        compareOps(
          ([e, k, b]) =>
            fusedConv1d(ids, k!, b!, { embeddings: e!, padding, activation, globalMaxPool: true }),
          ([e, k, b]) => reference(ids, e!, k!, b!, padding, 1, activation),
          () => [rand([6, 4], 50), rand([3, 4, 9], 51, 0.7), rand([9], 52, 0.5)],
          1e-6,
          1e-5,
        );
      }
    }
    // Every relu output 0: no gradient at all, as tf.max ∘ relu gives.
    compareOps(
      ([e, k]) => fusedConv1d(ids, k!, null, { embeddings: e!, activation: 'relu', globalMaxPool: true }),
      ([e, k]) => reference(ids, e!, k!, null, 'valid', 1, 'relu'),
      () => [tf.abs(rand([6, 4], 53)), tf.neg(tf.abs(rand([3, 4, 9], 54)))],
      1e-6,
      1e-6,
    );
    ids.dispose();
  });

  it('keepDims: [batch, 1, filters], the same values and gradients', () => {
    const ids = idsOf(2, 10, 9, 1);
    compareOps(
      ([e, k, b]) =>
        fusedConv1d(ids, k!, b!, { embeddings: e!, activation: 'relu', globalMaxPool: true, keepDims: true }),
      ([e, k, b]) => tf.expandDims(reference(ids, e!, k!, b!, 'valid', 1, 'relu'), 1),
      () => [rand([9, 5], 60), rand([4, 5, 7], 61, 0.7), rand([7], 62, 0.5)],
      1e-6,
      1e-5,
    );
    ids.dispose();
  });

  it('returns every forward buffer to the module over many steps (none held once the tape ends)', () => {
    const ids = idsOf(8, 30, 20, 2);
    const [e, k, b] = [rand([20, 8], 70), rand([5, 8, 32], 71, 0.5), rand([32], 72, 0.5)];
    const step = () =>
      tf.tidy(() => {
        const g = tf.grads((ee, kk, bb) =>
          tf.sum(fusedConv1d(ids, kk, bb, { embeddings: ee, activation: 'relu', globalMaxPool: true })),
        )([e, k, b]);
        for (const t of g) t.dataSync();
      });
    step();
    const before = { tensors: tf.memory().numTensors, stats: fusedMemoryStats() };
    for (let i = 0; i < 50; i++) step();
    const after = fusedMemoryStats();
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(after.heldForwards).toBe(0);
    expect(after.inUseBytes).toBe(before.stats.inUseBytes);
    expect(after.memoryBytes).toBe(before.stats.memoryBytes);
    tf.dispose([ids, e, k, b]);
  });
});
