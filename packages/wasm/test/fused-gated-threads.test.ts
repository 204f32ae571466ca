// fusedGatedBlock with its batch split over two threads (setFusedThreads(2)) against one thread: the forward bit for
// bit, every gradient within float rounding (the halves' weight gradients are summed in another order), the same
// bits on every run at two threads, and no tensor or module memory left behind.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helperPool } from '../src/fused/_threads.js';
import {
  fusedGatedBlock,
  fusedMemoryStats,
  type GatedBlockWeights,
  initWasm,
  setFusedThreads,
} from '../src/index.js';
import { rand } from './fused-reference.js';

interface Case {
  B: number;
  T: number;
  C: number;
  F: number;
  S: number;
  K: number;
  dil: number;
  /** False: WaveNet's last block (no residual output). */
  residual: boolean;
  bias: boolean;
  /**
   * How the skip output reaches the loss: `'dense'` a weighted sum of every step; `'pooled'` its maximum over the
   * steps (a sparse skip gradient: at most one step per sequence and channel); `'secondHalf'` a weighted sum of
   * the second half of the batch only (the caller's half gets a zero gradient, the helper's a dense one).
   */
  upstream: 'dense' | 'pooled' | 'secondHalf';
}

function weightsOf(c: Case): GatedBlockWeights {
  return {
    filterKernel: rand([c.K, c.C, c.F], 2, 0.7),
    filterBias: c.bias ? rand([c.F], 6, 0.5) : null,
    gateKernel: rand([c.K, c.C, c.F], 3, 0.7),
    gateBias: c.bias ? rand([c.F], 7, 0.5) : null,
    skipKernel: rand([1, c.F, c.S], 4, 0.7),
    skipBias: c.bias ? rand([c.S], 8, 0.5) : null,
    residualKernel: c.residual ? rand([1, c.F, c.C], 5, 0.7) : null,
    residualBias: c.residual && c.bias ? rand([c.C], 9, 0.5) : null,
  };
}

const KEYS = [
  'filterKernel',
  'filterBias',
  'gateKernel',
  'gateBias',
  'skipKernel',
  'skipBias',
  'residualKernel',
  'residualBias',
] as const;

/** [skip, next?, dh, d(each weight present)] as float32 arrays. */
function run(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const h = rand([c.B, c.T, c.C], 1);
    const w = weightsOf(c);
    const present = KEYS.filter((k) => w[k] !== null);
    const wrt = [h, ...present.map((k) => w[k]!)];
    const block = (xs: tf.Tensor[]) => {
      const given = { ...w };
      present.forEach((k, i) => {
        given[k] = xs[i + 1]!;
      });
      return fusedGatedBlock(xs[0]!, given, { dilationRate: c.dil });
    };
    const loss = (...xs: tf.Tensor[]) => {
      const { skip, next } = block(xs);
      let s: tf.Tensor;
      if (c.upstream === 'pooled') s = tf.sum(tf.mul(tf.max(skip, 1), rand([c.B, c.S], 10)));
      else {
        const weight = rand(skip.shape, 10);
        const half = c.B >> 1;
        const keep = tf.concat([tf.zeros([half, c.T, c.S]), tf.ones([c.B - half, c.T, c.S])]);
        s = tf.sum(tf.mul(skip, c.upstream === 'secondHalf' ? tf.mul(weight, keep) : weight));
      }
      return next === null ? s : tf.add(s, tf.sum(tf.mul(next, rand(next.shape, 11))));
    };
    const { skip, next } = block(wrt);
    const grads = tf.grads(loss)(wrt);
    return [skip, ...(next === null ? [] : [next]), ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer));

/** max |a − e| / (1 + max |e|). */
function worst(a: Float32Array, e: Float32Array): number {
  let scale = 0;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let w = 0;
  for (let i = 0; i < e.length; i++) w = Math.max(w, Math.abs(a[i]! - e[i]!));
  return w / (1 + scale);
}

// A batch of one (not split), an odd batch (halves of 1 and 2 rows), 65 (32 and 33); WaveNet's dilations; the last
// block (no residual), with the sparse skip gradient behind a max over the steps; odd channel counts.
const CASES: Case[] = [
  { B: 1, T: 9, C: 5, F: 6, S: 3, K: 3, dil: 2, residual: true, bias: true, upstream: 'dense' },
  { B: 3, T: 11, C: 3, F: 5, S: 7, K: 2, dil: 1, residual: true, bias: true, upstream: 'dense' },
  { B: 3, T: 6, C: 4, F: 8, S: 4, K: 2, dil: 8, residual: true, bias: false, upstream: 'dense' },
  { B: 65, T: 20, C: 16, F: 16, S: 16, K: 2, dil: 4, residual: true, bias: true, upstream: 'dense' },
  { B: 65, T: 17, C: 16, F: 16, S: 16, K: 2, dil: 8, residual: false, bias: true, upstream: 'dense' },
  { B: 65, T: 40, C: 6, F: 5, S: 4, K: 2, dil: 2, residual: false, bias: true, upstream: 'pooled' },
  { B: 65, T: 40, C: 3, F: 5, S: 4, K: 3, dil: 1, residual: true, bias: true, upstream: 'pooled' },
  { B: 3, T: 33, C: 6, F: 4, S: 3, K: 3, dil: 1, residual: false, bias: false, upstream: 'pooled' },
  { B: 9, T: 12, C: 5, F: 6, S: 5, K: 2, dil: 2, residual: false, bias: true, upstream: 'secondHalf' },
];

describe('fusedGatedBlock on two threads', () => {
  beforeAll(async () => {
    await initWasm({ threads: 1 });
  });
  afterAll(async () => {
    await setFusedThreads(1);
  });

  it.each(CASES)('%o: forward bit for bit, gradients within 2e-6, repeatable, nothing leaked', async (c) => {
    await setFusedThreads(1);
    const one = run(c);
    await setFusedThreads(2);
    expect(helperPool()).not.toBeNull();
    const tensors = tf.memory().numTensors;
    const two = run(c);
    const memory = fusedMemoryStats();
    const again = run(c);
    expect(fusedMemoryStats()).toEqual(memory);
    expect(memory.heldForwards).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    const outputs = c.residual ? 2 : 1;
    expect(two.length).toBe(one.length);
    for (let i = 0; i < one.length; i++) {
      expect(bits(again[i]!)).toEqual(bits(two[i]!));
      if (i < outputs) expect(bits(two[i]!)).toEqual(bits(one[i]!));
      else expect(worst(two[i]!, one[i]!)).toBeLessThanOrEqual(2e-6);
    }
  });

  it('really splits: the weight gradients of the two halves summed differ from one sum over the batch', async () => {
    const c = CASES[3]!;
    await setFusedThreads(1);
    const one = run(c);
    await setFusedThreads(2);
    const two = run(c);
    // [skip, next, dh, dFilterKernel, ...]: dh is per row (bit for bit); the filter kernel's is a sum over rows.
    expect(bits(two[2]!)).toEqual(bits(one[2]!));
    expect(bits(two[3]!)).not.toEqual(bits(one[3]!));
  });
});
