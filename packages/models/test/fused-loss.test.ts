import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, trainLesson } from '../src/index.node.js';
import { expectCurvesClose, toyData } from './_toy.js';

const MAXLEN = 12;

beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
});

describe.each(['embedding-simple-rnn', 'lstm', 'conv1d'] as const)(
  '%s: the fused loss and accuracy',
  (name) => {
    it("traces tfjs-layers' binary cross-entropy curve within 1e-5 in two kernels per step, its accuracy exactly", async () => {
      const run = async (fusedLoss: boolean) => {
        const model = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 21 });
        const tensors: number[] = [];
        const history = await trainLesson({
          model,
          ...toyData(48, 3, MAXLEN),
          validationData: toyData(16, 4, MAXLEN),
          epochs: 4,
          batchSize: 16,
          learningRate: 1e-2,
          seed: 6,
          fusedLoss,
          callbacks: { onEpochEnd: async () => void tensors.push(tf.memory().numTensors) },
        });
        const { x, y } = toyData(16, 5, MAXLEN);
        const xs = tf.tensor2d(x.data as Int32Array, [16, MAXLEN], 'int32');
        const ys = tf.tensor2d(y, [16, 1]);
        const profile = await tf.profile(async () => void (await model.trainOnBatch(xs, ys)));
        tf.dispose([xs, ys]);
        const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
        model.dispose();
        return {
          loss: history.history['loss'] as number[],
          val: history.history['val_loss'] as number[],
          acc: [history.history['acc'], history.history['val_acc']],
          weights,
          kernels: profile.kernels.map((k) => k.name),
          tensors,
        };
      };
      const fused = await run(true);
      const stock = await run(false);
      expectCurvesClose(fused, stock, { curve: 1e-5, weights: 1e-5 });
      const loss = (kernels: string[]) => kernels.filter((k) => k.startsWith('SeqlabBinaryCrossentropy'));
      expect(loss(fused.kernels)).toEqual(['SeqlabBinaryCrossentropy', 'SeqlabBinaryCrossentropyGrad']);
      expect(loss(stock.kernels)).toEqual([]);
      // the step runs about 40 kernels fewer (the loss's ops and their gradients)
      expect(stock.kernels.length - fused.kernels.length).toBeGreaterThan(30);
      expect(new Set(fused.tensors).size).toBe(1);
      // Accuracy: a count, so the same numbers; no threshold, comparison or mean kernels in the fused step.
      expect(fused.acc).toEqual(stock.acc);
      expect(fused.kernels).not.toContain('Greater');
      expect(stock.kernels).toContain('Greater');
    });
  },
);
