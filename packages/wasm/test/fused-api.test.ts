import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedExports } from '../src/fused/_module.js';
import { FusedRnnError, fusedGru, fusedLstm, fusedSimpleRnn, initWasm } from '../src/index.js';
import { compareOps, expectAllClose, padMask, rand, refGru, refLstm, thrown } from './fused-reference.js';

describe('fused recurrent ops: backends, options, errors', () => {
  beforeAll(async () => {
    await initWasm();
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('wasm');
  });

  it('runs on the cpu backend too, equal to the reference there', async () => {
    await tf.setBackend('cpu');
    try {
      compareOps(
        ([x, k, r, b]) => fusedLstm(x!, k!, r!, b!, { returnSequences: true, mask: padMask(3, 6) }),
        ([x, k, r, b]) => refLstm(x!, k!, r!, b!, { returnSequences: true, mask: padMask(3, 6) }),
        () => [rand([3, 6, 4], 1), rand([4, 20], 2, 0.6), rand([5, 20], 3, 0.6), rand([20], 4, 0.5)],
      );
      compareOps(
        ([x, k, r, b]) => fusedGru(x!, k!, r!, b!),
        ([x, k, r, b]) => refGru(x!, k!, r!, b!),
        () => [rand([2, 5, 3], 1), rand([3, 9], 2, 0.6), rand([3, 9], 3, 0.6), rand([2, 9], 4, 0.5)],
      );
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('inputGradient: false returns zeros for x and the same weight gradients', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const xs = [rand([3, 5, 4], 1), rand([4, 6], 2, 0.6), rand([6, 6], 3, 0.6), rand([6], 4, 0.5)];
      const grads = (inputGradient: boolean) =>
        tf.grads((x, k, r, b) => tf.sum(fusedSimpleRnn(x!, k!, r!, b!, { inputGradient })))(xs);
      const full = grads(true);
      const skipped = grads(false);
      expect(Array.from(skipped[0]!.dataSync()).every((v) => v === 0)).toBe(true);
      for (let i = 1; i < 4; i++) expectAllClose(skipped[i]!, full[i]!, 0);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps saved activations in module memory between forward and backward, and reuses the memory', () => {
    const [k1, r1, b1] = [rand([4, 12], 2, 0.5), rand([3, 12], 3, 0.5), rand([12], 4, 0.2)];
    const [k2, r2] = [rand([3, 6], 5, 0.5), rand([2, 6], 6, 0.5)];
    const stacked = ([x, a, b, c, d, e]: tf.Tensor[]) =>
      fusedGru(fusedLstm(x!, a!, b!, c!, { returnSequences: true }), d!, e!, null, { resetAfter: false });
    const reference = ([x, a, b, c, d, e]: tf.Tensor[]) =>
      refGru(refLstm(x!, a!, b!, c!, { returnSequences: true }), d!, e!, null, { resetAfter: false });
    const inputs = () => [rand([5, 7, 4], 1), k1, r1, b1, k2, r2];
    // Two layers: both forwards run before both backwards, so each backward must find its own saved state.
    compareOps(stacked, reference, inputs);
    const bytes = () => fusedExports().memory.buffer.byteLength;
    const step = () =>
      tf.tidy(() => {
        const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(stacked(xs)))(inputs());
        return g[1]!.dataSync()[0];
      });
    step();
    const settled = bytes();
    const first = step();
    for (let i = 0; i < 20; i++) expect(step()).toBe(first);
    expect(bytes()).toBe(settled);
    tf.dispose([k1, r1, b1, k2, r2]);
  });

  it('runs forward without a tape, with no tensor leaks', () => {
    const x = rand([2, 4, 3], 1);
    const k = rand([3, 8], 2, 0.6);
    const r = rand([2, 8], 3, 0.6);
    const before = tf.memory().numTensors;
    const y = fusedLstm(x, k, r, null);
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, k, r]);
  });

  it('throws typed errors that say what was expected and what was received', () => {
    const x = tf.zeros([2, 3, 4]);
    const k = tf.zeros([4, 8]);
    const r = tf.zeros([2, 8]);
    const e1 = thrown(() => fusedLstm(tf.zeros([2, 3]), k, r, null));
    expect(e1).toBeInstanceOf(FusedRnnError);
    expect(e1.code).toBe('INVALID_SHAPE');
    expect(e1.message).toBe('fusedLstm: x must be a rank-3 tensor [batch, time, features], got [2, 3].');
    expect(thrown(() => fusedLstm(x, tf.zeros([5, 8]), r, null)).message).toBe(
      'fusedLstm: kernel must be [4, 8] (features of x, 4 * units), got [5, 8].',
    );
    expect(thrown(() => fusedGru(x, tf.zeros([4, 6]), tf.zeros([2, 6]), tf.zeros([6]))).message).toBe(
      'fusedGru: bias must be [2, 6], got [6].',
    );
    expect(thrown(() => fusedLstm(x, k, r, null, { mask: tf.zeros([2, 4]) })).message).toBe(
      'fusedLstm: mask must be [2, 3] (batch, time of x), got [2, 4].',
    );
    const e2 = thrown(() => fusedLstm(x, k, r, null, { recurrentActivation: 'relu' as 'sigmoid' }));
    expect(e2.code).toBe('INVALID_OPTION');
    expect(e2.message).toBe(
      "fusedLstm: recurrentActivation must be 'sigmoid' or 'hardSigmoid', got \"relu\".",
    );
    const e3 = thrown(() =>
      fusedSimpleRnn(tf.zeros([2, 3, 4], 'int32'), tf.zeros([4, 2]), tf.zeros([2, 2]), null),
    );
    expect(e3.code).toBe('UNSUPPORTED_DTYPE');
    expect(e3.message).toBe('fusedSimpleRnn: x must be a float32 tensor, got int32 of shape [2, 3, 4].');
    tf.dispose([x, k, r]);
  });

  it('a fully masked row keeps the zero state; a masked step repeats the previous output', () => {
    tf.tidy(() => {
      const mask = tf.tensor2d([
        [1, 1, 0, 1],
        [0, 0, 0, 0],
      ]);
      const y = fusedLstm(rand([2, 4, 3], 1), rand([3, 12], 2), rand([3, 12], 3), null, {
        returnSequences: true,
        mask,
      });
      const v = y.arraySync() as number[][][];
      expect(v[0]![2]).toEqual(v[0]![1]);
      expect(v[1]!.flat()).toEqual(new Array(12).fill(0));
    });
  });
});
