import { readFileSync } from 'node:fs';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, KerasDense, type ModelName, rmsprop } from '../src/index.js';

// Seeded curves of every recurrent zoo model, against fixtures/curves.txt: bench/curves.mjs's output at commit
// 1243ab4, when the Embedding/OneHot layers still handed their ids over through a WeakMap. The explicit pairing
// (and any later change to the fused layers' plumbing) must train the same curves.
const expected = new Map(
  readFileSync(new URL('./fixtures/curves.txt', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [name, losses] = line.split(': ') as [string, string];
      return [name, losses.split(' ').map(Number)] as const;
    }),
);

beforeAll(async () => {
  await initWasm();
});

describe('seeded curves of the recurrent zoo models', () => {
  it('has a curve for each recurrent model, with and without maskZero', () => {
    expect(expected.size).toBe(14);
  });

  for (const [key, losses] of expected) {
    it(`${key}: the same losses as before the explicit pairing`, async () => {
      const [name, mask] = key.split(' ') as [ModelName, string | undefined];
      const before = tf.memory().numTensors;
      const x = tf.randomUniform([32, 40], 0, 500, 'int32', 1);
      const y = tf.tidy(() =>
        tf.cast(tf.greater(tf.randomUniform([32, 1], 0, 1, 'float32', 2), 0.5), 'float32'),
      );
      const model = createModel(name, { seed: 1, maxlen: 40, maskZero: mask === 'maskZero' });
      // These curves pin the recurrent layers' plumbing to the last bit: the head runs tfjs' ops, which the fused
      // Dense matches within float32 rounding only (test/keras-dense.test.ts).
      for (const layer of model.layers) if (layer instanceof KerasDense) layer.fused = false;
      const optimizer = rmsprop({ learningRate: 1e-3 });
      model.compile({ optimizer, loss: 'binaryCrossentropy' });
      const got: number[] = [];
      for (let i = 0; i < losses.length; i++) got.push(Number(await model.trainOnBatch(x, y)));
      // Printed with 9 significant digits: equal to the last digit.
      expect(got.map((l) => Number(l.toPrecision(9)))).toEqual(losses);
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
