import { fusedGru, fusedLstm, fusedSimpleRnn, initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The fused ops hand their outputs and gradients to tfjs straight from the kernels' memory (one copy on wasm, where
// the backend copies a typed array into its own memory; a copy of their own elsewhere). These tests check that what
// they return stays what it was once the kernels' memory is reused by later calls, on both backends.

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  expect((await initWasm()).backend).toBe('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const B = 3;
const T = 5;
const V = 11;
const F = 4;
const U = 4; // a multiple of the SIMD width: the gradients are read without unpadding

type Op = 'lstm' | 'gru' | 'simpleRnn';
const GATES: Record<Op, number> = { lstm: 4, gru: 3, simpleRnn: 1 };

function run(op: Op, seed: number, embedded: boolean, sequences: boolean): tf.Tensor[] {
  return tf.tidy(() => {
    const g = GATES[op];
    const table = tf.randomUniform([V, F], -1, 1, 'float32', seed);
    const kernel = tf.randomUniform([F, g * U], -1, 1, 'float32', seed + 1);
    const recurrent = tf.randomUniform([U, g * U], -1, 1, 'float32', seed + 2);
    // The GRU's default (resetAfter) has two bias rows.
    const bias = tf.randomUniform(op === 'gru' ? [2, g * U] : [g * U], -1, 1, 'float32', seed + 3);
    const ids = tf.tensor2d(
      Int32Array.from({ length: B * T }, (_, i) => (i * 7 + seed) % V),
      [B, T],
      'int32',
    );
    const x = tf.gather(table, ids);
    const f = (t: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const options = { returnSequences: sequences, ...(embedded ? { embeddings: t } : {}) };
      const input = embedded ? ids : t;
      if (op === 'lstm') return fusedLstm(input, k, r, b, options);
      if (op === 'gru') return fusedGru(input, k, r, b, options);
      return fusedSimpleRnn(input, k, r, b, options);
    };
    const first = embedded ? table : x;
    const { value, grads } = tf.valueAndGrads((t: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(f(t, k, r, b), tf.reshape(tf.range(1, 1 + (sequences ? T * U : U)), sequences ? [T, U] : [U])),
      ),
    )([first, kernel, recurrent, bias]);
    const out = f(first, kernel, recurrent, bias);
    return [value, out, ...grads];
  });
}

describe.each(['wasm', 'cpu'])('on the %s backend', (backend) => {
  it.each([
    ['lstm', true, false],
    ['lstm', false, true],
    ['gru', true, false],
    ['simpleRnn', true, true],
    ['simpleRnn', false, false],
  ] as [Op, boolean, boolean][])(
    '%s (embedded %s, sequences %s): outputs and gradients outlive the next calls',
    async (op, embedded, sequences) => {
      await tf.setBackend(backend);
      try {
        const before = tf.memory().numTensors;
        const kept = run(op, 1, embedded, sequences);
        const snapshot = kept.map((t) => Array.from(t.dataSync()));
        // Later calls reuse the kernels' memory the first results were read from.
        const later = [run(op, 5, embedded, sequences), run(op, 9, embedded, sequences)];
        expect(later[0]!.some((t, i) => Array.from(t.dataSync()).join() !== snapshot[i]!.join())).toBe(true);
        kept.forEach((t, i) => {
          expect(Array.from(t.dataSync()), `tensor ${i}`).toEqual(snapshot[i]);
        });
        expect(snapshot.slice(2).every((g) => g.some((v) => v !== 0))).toBe(true);
        tf.dispose([...kept, ...later.flat()]);
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        await tf.setBackend('wasm');
      }
    },
  );
});
