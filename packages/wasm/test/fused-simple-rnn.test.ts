import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedSimpleRnn, initWasm } from '../src/index.js';
import { compareOps, padMask, rand, refSimpleRnn } from './fused-reference.js';

interface Case {
  B: number;
  T: number;
  F: number;
  U: number;
  bias?: boolean;
  returnSequences?: boolean;
  mask?: boolean;
  goBackwards?: boolean;
}

const CASES: Case[] = [
  { B: 1, T: 5, F: 3, U: 1 },
  { B: 3, T: 7, F: 4, U: 5, returnSequences: true },
  { B: 4, T: 6, F: 2, U: 3, mask: true },
  { B: 4, T: 6, F: 5, U: 8, mask: true, returnSequences: true, goBackwards: true },
  { B: 2, T: 3, F: 1, U: 6, bias: false, goBackwards: true },
  { B: 5, T: 9, F: 7, U: 13, returnSequences: true },
];

describe('fusedSimpleRnn equals the per-step tfjs loop (wasm backend)', () => {
  beforeAll(async () => {
    await initWasm();
    await tf.setBackend('wasm');
  });

  it.each(CASES)('%o', (c) => {
    const useBias = c.bias ?? true;
    const opts = { returnSequences: c.returnSequences ?? false, goBackwards: c.goBackwards ?? false };
    const mask = () => (c.mask ? padMask(c.B, c.T) : null);
    compareOps(
      ([x, k, r, b]) => fusedSimpleRnn(x!, k!, r!, useBias ? b! : null, { ...opts, mask: mask() }),
      ([x, k, r, b]) => refSimpleRnn(x!, k!, r!, useBias ? b! : null, { ...opts, mask: mask() }),
      () => {
        const xs = [rand([c.B, c.T, c.F], 1), rand([c.F, c.U], 2, 0.6), rand([c.U, c.U], 3, 0.6)];
        if (useBias) xs.push(rand([c.U], 4, 0.3));
        return xs;
      },
    );
  });
});

describe('fusedSimpleRnn on int32 ids equals it on their one-hot rows, bit for bit', () => {
  beforeAll(async () => {
    await initWasm();
  });

  const ID_CASES: (Case & { depth: number })[] = [
    { B: 3, T: 7, F: 0, U: 8, depth: 11 },
    { B: 4, T: 6, F: 0, U: 5, depth: 9, mask: true, returnSequences: true },
    { B: 2, T: 5, F: 0, U: 3, depth: 4, goBackwards: true, bias: false },
    { B: 5, T: 9, F: 0, U: 13, depth: 30, mask: true, goBackwards: true, returnSequences: true },
  ];

  const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

  it.each(ID_CASES)('%o', (c) => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      // Ids include -1 and depth: outside [0, depth), an all-zero one-hot row.
      const idValues = Int32Array.from({ length: c.B * c.T }, (_, i) => ((i * 7 + 3) % (c.depth + 2)) - 1);
      const ids = tf.tensor2d(idValues, [c.B, c.T], 'int32');
      const onehot = tf.oneHot(ids, c.depth, 1, 0, 'float32');
      const useBias = c.bias ?? true;
      const weights = [rand([c.depth, c.U], 2, 0.6), rand([c.U, c.U], 3, 0.6)];
      if (useBias) weights.push(rand([c.U], 4, 0.3));
      const mask = c.mask ? padMask(c.B, c.T) : null;
      const opts = {
        returnSequences: c.returnSequences ?? false,
        goBackwards: c.goBackwards ?? false,
        mask,
        inputGradient: false,
      };
      const run = (x: tf.Tensor, [k, r, b]: tf.Tensor[]) => fusedSimpleRnn(x, k!, r!, b ?? null, opts);
      const fromIds = run(ids, weights);
      const fromOneHot = run(onehot, weights);
      expect(fromIds.shape).toEqual(fromOneHot.shape);
      expect(bits(fromIds)).toEqual(bits(fromOneHot));
      const w = rand(fromIds.shape, 99);
      const loss =
        (x: tf.Tensor) =>
        (...ws: tf.Tensor[]) =>
          tf.sum(tf.mul(run(x, ws), w));
      const gIds = tf.grads(loss(ids))(weights);
      const gOneHot = tf.grads(loss(onehot))(weights);
      expect(gIds).toHaveLength(weights.length);
      gIds.forEach((g, i) => {
        expect(bits(g), `gradient ${i}`).toEqual(bits(gOneHot[i]!));
      });
      // The ids of the steps the mask keeps reach the kernel rows they name, and no other rows.
      const kept = mask === null ? null : mask.dataSync();
      const touched = new Set(
        Array.from(idValues).filter((id, i) => id >= 0 && id < c.depth && (kept === null || kept[i] !== 0)),
      );
      const dW = gIds[0]!.arraySync() as number[][];
      dW.forEach((row, id) => {
        expect(
          row.some((v) => v !== 0),
          `kernel row ${id}`,
        ).toBe(touched.has(id));
      });
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says what it expected of ids and kernel', () => {
    const ids = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const r = tf.zeros([4, 4]);
    expect(() => fusedSimpleRnn(ids, tf.zeros([5, 3]), r, null)).toThrow(
      /kernel must be \[depth, 4\] \(classes \(one-hot depth of the ids\), 1 \* units\), got \[5, 3\]/,
    );
    expect(() => fusedSimpleRnn(tf.tensor1d([1, 2], 'int32'), tf.zeros([5, 4]), r, null)).toThrow(
      /x must be a rank-3 tensor \[batch, time, features\] or int32 ids \[batch, time\], got int32 \[2\]/,
    );
    tf.dispose([ids, r]);
  });
});
