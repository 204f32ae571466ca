// The fused ops keep a forward's activations in the module's memory only while a backward can still need them.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FusedRnnError,
  fusedGru,
  fusedLstm,
  fusedMemoryStats,
  fusedSimpleRnn,
  initWasm,
} from '../src/index.js';
import { rand } from './fused-reference.js';

beforeAll(async () => {
  await initWasm();
  await tf.setBackend('wasm');
});

/** x [2, 5, 3] and LSTM weights, as variables (trainable or not). */
function lstmVariables(trainable: boolean) {
  return {
    x: tf.variable(rand([2, 5, 3], 1), trainable),
    k: tf.variable(rand([3, 16], 2, 0.6), trainable),
    r: tf.variable(rand([4, 16], 3, 0.6), trainable),
    b: tf.variable(rand([16], 4, 0.5), trainable),
  };
}

describe('fused ops: memory of saved activations', () => {
  it('predict-like calls (no tape) and frozen inputs under a tape keep nothing', () => {
    const baseline = fusedMemoryStats().inUseBytes;
    const v = lstmVariables(false);
    const head = tf.variable(tf.ones([4, 1]));
    tf.tidy(() => fusedLstm(v.x, v.k, v.r, v.b));
    expect(fusedMemoryStats()).toMatchObject({ inUseBytes: baseline, heldForwards: 0 });
    // A tape records (the head trains) but no gradient can reach the frozen op: nothing is kept, even mid-tape.
    const { value, grads } = tf.variableGrads(() => {
      const h = fusedLstm(v.x, v.k, v.r, v.b);
      expect(fusedMemoryStats().heldForwards).toBe(0);
      return tf.sum(tf.matMul(h, head));
    });
    expect(Object.keys(grads)).toEqual([head.name]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(fusedMemoryStats()).toMatchObject({ inUseBytes: baseline, heldForwards: 0 });
    tf.dispose([v.x, v.k, v.r, v.b, head]);
  });

  it('a recorded forward whose backward never runs is released when its tape ends', () => {
    const baseline = fusedMemoryStats().inUseBytes;
    const v = lstmVariables(true);
    const other = tf.variable(tf.scalar(2));
    const { value, grads } = tf.variableGrads(() => {
      tf.dispose(
        fusedGru(v.x, tf.concat([v.k, v.k], 1).slice([0, 0], [3, 12]), v.r.slice([0, 0], [4, 12]), null),
      );
      fusedSimpleRnn(v.x, v.k.slice([0, 0], [3, 4]), v.r.slice([0, 0], [4, 4]), null);
      expect(fusedMemoryStats().heldForwards).toBe(2);
      return tf.mul(other, other);
    }, [other]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(fusedMemoryStats()).toMatchObject({ inUseBytes: baseline, heldForwards: 0 });
    tf.dispose([v.x, v.k, v.r, v.b, other]);
  });

  it('a backward releases its forward at once; the gradient of a non-trainable variable is recomputed', () => {
    const baseline = fusedMemoryStats().inUseBytes;
    const trainable = lstmVariables(true);
    const frozen = lstmVariables(false);
    const gradsOf = (v: ReturnType<typeof lstmVariables>) =>
      tf.grads((x, k, r, b) => tf.sum(fusedLstm(x!, k!, r!, b!, { returnSequences: true })))([
        v.x,
        v.k,
        v.r,
        v.b,
      ]);
    const kept = gradsOf(trainable);
    expect(fusedMemoryStats()).toMatchObject({ inUseBytes: baseline, heldForwards: 0 });
    // tf.grads differentiates whatever it is given, trainable or not: the forward kept nothing, the backward
    // runs it again, and the gradients are the same bits.
    const recomputed = gradsOf(frozen);
    expect(fusedMemoryStats()).toMatchObject({ inUseBytes: baseline, heldForwards: 0 });
    for (const [i, g] of kept.entries()) {
      expect(Array.from(recomputed[i]!.dataSync())).toEqual(Array.from(g.dataSync()));
    }
    tf.dispose([...kept, ...recomputed, ...Object.values(trainable), ...Object.values(frozen)]);
  });

  it('a call that needs more than a WebAssembly memory holds is refused before the memory grows', () => {
    const before = fusedMemoryStats();
    const ids = tf.zeros([1, 2 ** 20], 'int32');
    const table = tf.zeros([2, 3]);
    const kernel = tf.zeros([3, 4 * 256]);
    const recurrent = tf.zeros([256, 4 * 256]);
    let error: unknown;
    try {
      fusedLstm(ids, kernel, recurrent, null, { embeddings: table });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FusedRnnError);
    expect((error as FusedRnnError).code).toBe('INVALID_SHAPE');
    expect((error as Error).message).toMatch(
      /^The fused recurrent kernels need \d+ bytes for this call; expected at most 4294967296 \(a WebAssembly memory holds 4 GiB\)\./,
    );
    expect(fusedMemoryStats()).toEqual(before);
    tf.dispose([ids, table, kernel, recurrent]);
  });
});
