import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BINARY_CROSSENTROPY, fusedBinaryCrossentropy, isWasmKernelRegistered } from '../src/index.js';
import { startBoth } from './_both.js';

beforeAll(startBoth);

// Predictions at and beyond the clip (0, 1e-9, ε, 1 - ε, 1), around 0.5, and labels hard and soft.
const P = [0, 1e-9, 1e-7, 0.02, 0.3, 0.5, 0.5000001, 0.77, 0.9999, 1 - 1e-8, 1, 0.123456];
const Z = [0, 1, 1, 0, 1, 0, 1, 0.3, 0, 1, 1, 0.75];
const stock = (z: tf.Tensor, p: tf.Tensor) => tfl.metrics.binaryCrossentropy(z, p);
const fused = (z: tf.Tensor, p: tf.Tensor) => fusedBinaryCrossentropy(z, p);

/** Largest |a - b| / (1 + |b|). */
function worst(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape).toEqual(b.shape);
  let w = 0;
  for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!)));
  return w;
}

describe('SeqlabBinaryCrossentropy', () => {
  it('is registered on wasm', () => {
    expect(isWasmKernelRegistered(BINARY_CROSSENTROPY)).toBe(true);
  });

  it.each([
    [12, 1],
    [4, 3],
  ])("gives tfjs-layers' binaryCrossentropy and its gradients within 1e-6 (shape [%i, %i])", (rows, cols) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const p = tf.tensor2d(P, [rows, cols]);
      const z = tf.tensor2d(Z, [rows, cols]);
      expect(worst(fused(z, p), stock(z, p))).toBeLessThanOrEqual(1e-6);
      // an upstream gradient that differs per row, as a weighted mean would give
      const w = tf.linspace(-1, 2, rows);
      const loss = (f: typeof fused) => (zz: tf.Tensor, pp: tf.Tensor) => tf.sum(tf.mul(f(zz, pp), w));
      const [dzFused, dpFused] = tf.grads(loss(fused))([z, p]);
      const [dzStock, dpStock] = tf.grads(loss(stock))([z, p]);
      expect(worst(dpFused!, dpStock!)).toBeLessThanOrEqual(1e-6);
      expect(worst(dzFused!, dzStock!)).toBeLessThanOrEqual(1e-6);
      // the clip stops the gradient outside [ε, 1 - ε], as tfjs' does
      const dp = dpFused!.dataSync();
      P.forEach((v, i) => {
        if (Math.fround(v) < Math.fround(1e-7) || Math.fround(v) > Math.fround(1 - 1e-7))
          expect(dp[i]).toBe(0);
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs one kernel forward and one backward, where the stock formula runs dozens', async () => {
    const p = tf.tensor2d(P, [12, 1]);
    const z = tf.tensor2d(Z, [12, 1]);
    const kernels = async (f: typeof fused) =>
      (await tf.profile(() => tf.grad((pp: tf.Tensor) => f(z, pp))(p))).kernels.map((k) => k.name);
    const fusedKernels = await kernels(fused);
    expect(fusedKernels.filter((k) => k.startsWith('SeqlabBinaryCrossentropy'))).toEqual([
      'SeqlabBinaryCrossentropy',
      'SeqlabBinaryCrossentropyGrad',
    ]);
    expect(fusedKernels.length).toBeLessThan(8);
    expect((await kernels(stock)).length).toBeGreaterThan(30);
    tf.dispose([p, z]);
  });

  it('takes int labels like tfjs-layers, and says what is wrong with mismatched inputs', () => {
    tf.tidy(() => {
      const p = tf.tensor2d([0.2, 0.9], [2, 1]);
      expect(fused(tf.tensor2d([0, 1], [2, 1], 'int32'), p).arraySync()).toEqual(
        fused(tf.tensor2d([0, 1], [2, 1]), p).arraySync(),
      );
      expect(() => fused(tf.zeros([2, 2]), p)).toThrow(
        'SeqlabBinaryCrossentropy: predictions must be float32 of shape [2, 2], got float32 [2, 1].',
      );
      expect(() => fused(tf.scalar(1), tf.scalar(0.5))).toThrow(
        'SeqlabBinaryCrossentropy: labels and predictions must have at least one axis (the mean is over the last), got a scalar.',
      );
    });
  });
});
