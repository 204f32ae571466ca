import { createModel, type IdMatrix, RMSprop, rmsprop, trainLesson } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLearningRate, reduceLROnPlateau, setLearningRate } from '../src/index.js';

beforeAll(async () => {
  await initWasm();
});

const MAXLEN = 10;

function toyData(rows: number): { x: IdMatrix; y: Float32Array } {
  const data = new Int32Array(rows * MAXLEN);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 2;
    for (let c = 0; c < MAXLEN; c++) data[r * MAXLEN + c] = 1 + ((r * 7 + c * 13) % 40);
    if (r % 2 === 1) data[r * MAXLEN + (r % MAXLEN)] = 45;
  }
  return { x: { data, shape: [rows, MAXLEN] }, y };
}

function bits(t: tf.Tensor): number[] {
  const data = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}

describe("@seqlab/models' RMSprop", () => {
  it('is an RMSProp whose learning rate setLearningRate changes for the next update', () => {
    const optimizer = rmsprop({ learningRate: 0.5 });
    expect(optimizer.getClassName()).toBe('RMSProp');
    setLearningRate(optimizer, 0.0125);
    expect(getLearningRate(optimizer)).toBe(0.0125);
    const step = (o: tf.Optimizer): number[] => {
      const v = tf.variable(tf.tensor1d([1, -2, 0.5]));
      const loss = () => tf.sum(tf.square(v)) as tf.Scalar;
      tf.dispose(o.minimize(loss) ?? []);
      tf.dispose(o.minimize(loss) ?? []);
      const out = bits(v);
      v.dispose();
      o.dispose();
      return out;
    };
    const changed = step(optimizer);
    expect(changed).toEqual(step(rmsprop({ learningRate: 0.0125 })));
    expect(changed).not.toEqual(step(rmsprop({ learningRate: 0.5 })));
  });

  it('is reduced by ReduceLROnPlateau during trainLesson exactly as tf.train.rmsprop is', async () => {
    const { x, y } = toyData(48);
    const train = async (stock: boolean) => {
      const model = createModel('embedding-simple-rnn', { numWords: 50, maxlen: MAXLEN, seed: 3 });
      if (stock) {
        model.compile({
          optimizer: tf.train.rmsprop(0.01, 0.9, 0, 1e-7),
          loss: 'binaryCrossentropy',
          metrics: ['accuracy'],
        });
        (model as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
      }
      // minDelta 10: no epoch counts as an improvement after the first, so the rate halves every epoch.
      const callback = reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10 });
      const history = await trainLesson({
        model,
        x,
        y,
        epochs: 4,
        batchSize: 16,
        learningRate: 0.01,
        seed: 1,
        compile: !stock,
        callbacks: [callback],
      });
      const optimizer = model.optimizer as tf.Optimizer;
      const result = {
        isOurs: optimizer instanceof RMSprop,
        lr: getLearningRate(optimizer),
        history: history.history,
        weights: model.getWeights().map(bits),
      };
      (model as tfl.LayersModel).dispose();
      return result;
    };
    const ours = await train(false);
    const stock = await train(true);
    expect(ours.isOurs).toBe(true);
    expect(stock.isOurs).toBe(false);
    const f = Math.fround;
    expect(ours.history['learning_rate']).toEqual([f(0.01), f(0.01), f(0.005), f(0.0025)]);
    expect(ours.lr).toBe(f(0.00125));
    expect(ours.history).toEqual(stock.history);
    expect(ours.weights).toEqual(stock.weights);
  });
});
