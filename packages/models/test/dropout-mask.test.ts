import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alea, dropoutMultipliers } from '../src/layers/_dropout_mask.js';
import { MaskSource, withShardRows } from '../src/layers/_util.js';

// The seeded dropout masks are drawn in JavaScript (no tfjs kernels); they must be tf.dropout's own values, bit for
// bit, on every backend, since the golden curves and resumed runs depend on them.

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  expect((await initWasm()).backend).toBe('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

describe('the JavaScript dropout mask', () => {
  it("draws tfjs' seeded uniforms (seedrandom's Alea)", () => {
    for (const seed of [0, 1, 7, 42, 12345, 2 ** 31 - 1, -3]) {
      const ours = Float32Array.from({ length: 257 }, alea(String(seed)));
      const theirs = tf.randomUniform([257], 0, 1, 'float32', seed);
      expect(bits(ours), `seed ${seed}`).toEqual(bits(theirs.dataSync() as Float32Array));
      theirs.dispose();
    }
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`equals tf.dropout(tf.ones(shape), rate, undefined, seed) bit for bit on ${backend}`, async () => {
      await tf.setBackend(backend);
      for (const rate of [0.3, 0.1, 0.5, 0.25, 0.7, 0.999, 1e-7]) {
        for (const seed of [0, 1, 99, 1000003]) {
          const expected = tf.tidy(() => tf.dropout(tf.ones([64, 16]), rate, undefined, seed));
          const got = dropoutMultipliers(64 * 16, rate, seed);
          expect(bits(got), `rate ${rate}, seed ${seed}`).toEqual(bits(expected.dataSync() as Float32Array));
          expected.dispose();
        }
      }
    });
  }

  it("is what MaskSource hands the layers, its shards the whole batch's rows, with no tensor left behind", () => {
    const whole = new MaskSource(5).mask([6, 3, 4], 0.3);
    const expected = tf.tidy(() => tf.dropout(tf.ones([6, 3, 4]), 0.3, undefined, 5));
    expect(whole.shape).toEqual([6, 3, 4]);
    expect(bits(whole.dataSync() as Float32Array)).toEqual(bits(expected.dataSync() as Float32Array));
    // A second draw takes the next seed, as before.
    const next = new MaskSource(5);
    next.drawn = 1;
    const second = next.mask([6, 3, 4], 0.3);
    const expectedSecond = tf.tidy(() => tf.dropout(tf.ones([6, 3, 4]), 0.3, undefined, 6));
    expect(bits(second.dataSync() as Float32Array)).toEqual(bits(expectedSecond.dataSync() as Float32Array));
    const before = tf.memory().numTensors;
    const shard = withShardRows(2, 6, () => new MaskSource(5).mask([3, 3, 4], 0.3));
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(bits(shard.dataSync() as Float32Array)).toEqual(
      bits((expected.dataSync() as Float32Array).slice(2 * 12, 5 * 12)),
    );
    tf.dispose([whole, expected, second, expectedSecond, shard]);
  });
});
