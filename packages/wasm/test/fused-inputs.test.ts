import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusedRnnError, fusedGru, fusedLstm, fusedSimpleRnn, initWasm } from '../src/index.js';
import { expectAllClose, padMask, rand, thrown } from './fused-reference.js';

// The ops with their input-kernel width (gates · units) for `units` units.
const OPS = {
  fusedSimpleRnn: { run: fusedSimpleRnn, gates: 1, bias: (u: number) => [u] },
  fusedLstm: { run: fusedLstm, gates: 4, bias: (u: number) => [4 * u] },
  fusedGru: { run: fusedGru, gates: 3, bias: (u: number) => [2, 3 * u] },
} as const;

interface Case {
  op: keyof typeof OPS;
  B: number;
  T: number;
  F: number;
  U: number;
  V: number;
  inputMask?: boolean;
  mask?: boolean;
  goBackwards?: boolean;
  returnSequences?: boolean;
}

const CASES: Case[] = [
  { op: 'fusedLstm', B: 4, T: 6, F: 5, U: 8, V: 11, inputMask: true },
  { op: 'fusedLstm', B: 3, T: 5, F: 4, U: 3, V: 7, mask: true, goBackwards: true, returnSequences: true },
  { op: 'fusedGru', B: 4, T: 6, F: 3, U: 5, V: 9, inputMask: true, returnSequences: true },
  { op: 'fusedGru', B: 2, T: 4, F: 8, U: 4, V: 5, inputMask: true, mask: true, goBackwards: true },
  { op: 'fusedSimpleRnn', B: 5, T: 7, F: 6, U: 13, V: 10, inputMask: true, mask: true },
  { op: 'fusedSimpleRnn', B: 3, T: 4, F: 1, U: 2, V: 3, goBackwards: true, returnSequences: true },
  { op: 'fusedSimpleRnn', B: 6, T: 9, F: 16, U: 8, V: 40, mask: true },
  { op: 'fusedSimpleRnn', B: 4, T: 5, F: 7, U: 5, V: 12, mask: true, returnSequences: true },
];

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

/** A [B,F] dropout mask: 0 or 1/(1 − 0.3), as Keras draws it. */
function dropMask(B: number, F: number): tf.Tensor {
  return tf.tensor2d(
    Array.from({ length: B * F }, (_, i) => ((i * 5 + 2) % 3 === 0 ? 0 : 1 / 0.7)),
    [B, F],
  );
}

describe('embeddings and inputMask: the op reads the table and applies the mask itself', () => {
  beforeAll(async () => {
    await initWasm();
  });

  it.each(CASES)('%o equals the op on tf.gather(table, ids) · mask', (c) => {
    const before = tf.memory().numTensors;
    const { run, gates, bias } = OPS[c.op];
    tf.tidy(() => {
      const ids = tf.tensor2d(
        Int32Array.from({ length: c.B * c.T }, (_, i) => (i * 7 + 1) % c.V),
        [c.B, c.T],
        'int32',
      );
      const inputMask = c.inputMask ? dropMask(c.B, c.F) : null;
      const opts = {
        mask: c.mask ? padMask(c.B, c.T) : null,
        goBackwards: c.goBackwards ?? false,
        returnSequences: c.returnSequences ?? false,
      };
      const [E, k, r, b] = [
        rand([c.V, c.F], 1),
        rand([c.F, gates * c.U], 2, 0.6),
        rand([c.U, gates * c.U], 3, 0.6),
        rand(bias(c.U), 4, 0.3),
      ] as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const fused = (table: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor) =>
        run(ids, kk, rr, bb, { ...opts, embeddings: table, inputMask });
      const reference = (table: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor) => {
        const x = tf.gather(table, ids);
        return run(inputMask === null ? x : tf.mul(x, tf.expandDims(inputMask, 1)), kk, rr, bb, opts);
      };
      // The same x reaches the same kernel: the outputs agree bit for bit.
      expect(bits(fused(E, k, r, b))).toEqual(bits(reference(E, k, r, b)));
      const w = rand(reference(E, k, r, b).shape, 99);
      const loss = (f: typeof fused) => (t: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(f(t, kk, rr, bb), w));
      const gFused = tf.grads(loss(fused))([E, k, r, b]);
      const gRef = tf.grads(loss(reference))([E, k, r, b]);
      // The table's gradient sums rows in another order (float32 here, float64 in UnsortedSegmentSum).
      expectAllClose(gFused[0]!, gRef[0]!, 1e-5);
      // Without input dropout the SimpleRNN reads the projected table E·W + b by id; its kernel gradient is then
      // Eᵀ·S (S: dz summed by id), the same sum in another order.
      const projected = c.op === 'fusedSimpleRnn' && !c.inputMask;
      if (projected) expectAllClose(gFused[1]!, gRef[1]!, 1e-5);
      for (let i = projected ? 2 : 1; i < 4; i++) {
        expect(bits(gFused[i]!), `gradient ${i}`).toEqual(bits(gRef[i]!));
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('inputMask on a float x equals multiplying x first, value and gradients bit for bit', () => {
    tf.tidy(() => {
      const x = rand([3, 5, 4], 7);
      const m = dropMask(3, 4);
      const [k, r, b] = [rand([4, 24], 2, 0.6), rand([6, 24], 3, 0.6), rand([24], 4, 0.3)];
      const a = (xx: tf.Tensor, kk: tf.Tensor) =>
        fusedLstm(xx, kk, r, b, { inputMask: m, returnSequences: true });
      const e = (xx: tf.Tensor, kk: tf.Tensor) =>
        fusedLstm(tf.mul(xx, tf.expandDims(m, 1)), kk, r, b, { returnSequences: true });
      expect(bits(a(x, k))).toEqual(bits(e(x, k)));
      const ga = tf.grads((xx: tf.Tensor, kk: tf.Tensor) => tf.sum(tf.square(a(xx, kk))))([x, k]);
      const ge = tf.grads((xx: tf.Tensor, kk: tf.Tensor) => tf.sum(tf.square(e(xx, kk))))([x, k]);
      expect(bits(ga[0]!)).toEqual(bits(ge[0]!));
      expect(bits(ga[1]!)).toEqual(bits(ge[1]!));
    });
  });

  it('says what was wrong with ids, the table or the mask', () => {
    tf.tidy(() => {
      const k = tf.zeros([4, 8]);
      const r = tf.zeros([2, 8]);
      const table = tf.zeros([5, 4]);
      const ids = tf.tensor2d([0, 4, 5, 1], [2, 2], 'int32');
      const e1 = thrown(() => fusedLstm(ids, k, r, null, { embeddings: table }));
      expect(e1).toBeInstanceOf(FusedRnnError);
      expect(e1.code).toBe('INVALID_ARGUMENT');
      expect(e1.message).toBe('fusedLstm: ids must be in [0, 5) (rows of the embeddings), got 5.');
      expect(thrown(() => fusedLstm(tf.zeros([2, 2, 4]), k, r, null, { embeddings: table })).message).toBe(
        'fusedLstm: x must be int32 ids [batch, time] when embeddings are given, got float32 [2, 2, 4].',
      );
      expect(
        thrown(() => fusedLstm(tf.zeros([2, 2], 'int32'), k, r, null, { embeddings: tf.zeros([5, 3]) }))
          .message,
      ).toBe('fusedLstm: kernel must be [3, 8] (features of the embeddings, 4 * units), got [4, 8].');
      expect(
        thrown(() => fusedLstm(tf.zeros([2, 3, 4]), k, r, null, { inputMask: tf.zeros([2, 3]) })).message,
      ).toBe('fusedLstm: inputMask must be [2, 4], got [2, 3].');
    });
  });
});
