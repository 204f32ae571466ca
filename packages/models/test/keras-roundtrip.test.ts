// Every zoo model written as a Keras file and read back: the same predictions, in both formats.
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  encodeKerasModel,
  inspectKerasModel,
  loadKerasModel,
  MODEL_NAMES,
} from '../src/index.js';

beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
});

const MAXLEN = 20;
const NUM_WORDS = 60;

function ids(rows: number): tf.Tensor2D {
  const data = Int32Array.from({ length: rows * MAXLEN }, (_, i) => (i * 7919 + 13) % NUM_WORDS);
  return tf.tensor2d(data, [rows, MAXLEN], 'int32');
}

describe('zoo models round-trip through Keras files', () => {
  for (const name of MODEL_NAMES) {
    for (const format of ['keras', 'h5'] as const) {
      it(`${name} as .${format}`, async () => {
        const model = createModel(name, { numWords: NUM_WORDS, maxlen: MAXLEN, seed: 3 });
        const bytes = await encodeKerasModel(model, format);
        const info = await inspectKerasModel(bytes);
        expect(info.maxlen).toBe(MAXLEN);
        expect(info.numWords).toBe(NUM_WORDS);
        const loaded = await loadKerasModel(bytes);
        const x = ids(8);
        // The lesson's one-hot model is written as Keras' SimpleRNN on one-hot rows: feed it one-hot input.
        const input =
          info.inputKind === 'one-hot' ? tf.tidy(() => tf.cast(tf.oneHot(x, NUM_WORDS), 'float32')) : x;
        const before = tf.memory().numTensors;
        const a = model.predict(x) as tf.Tensor;
        const b = loaded.predict(input) as tf.Tensor;
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
        expect(diff, `${name} .${format}`).toBeLessThanOrEqual(1e-5);
        tf.dispose([a, b]);
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose(input === x ? [x] : [x, input]);
        model.dispose();
        loaded.dispose();
      });
    }
  }
});
