import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectParity, startBoth } from './_both.js';

const VOCAB = 40;
const LENGTH = 16;
const SAMPLES = 64;

/** A learnable toy task: label 1 when token 1 occurs more often than token 2. Deterministic (an LCG). */
function dataset(): { ids: number[]; labels: number[] } {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const ids: number[] = [];
  const labels: number[] = [];
  for (let n = 0; n < SAMPLES; n++) {
    let balance = 0;
    for (let t = 0; t < LENGTH; t++) {
      const r = next();
      const id = r < 0.2 ? 1 : r < 0.35 ? 2 : 3 + Math.floor(next() * (VOCAB - 3));
      balance += id === 1 ? 1 : id === 2 ? -1 : 0;
      ids.push(id);
    }
    labels.push(balance > 0 ? 1 : 0);
  }
  return { ids, labels };
}

function model(kind: 'lstm' | 'conv'): tfl.Sequential {
  const m = tfl.sequential();
  m.add(
    tfl.layers.embedding({
      inputDim: VOCAB,
      outputDim: 8,
      inputLength: LENGTH,
      embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 1 }),
    }),
  );
  if (kind === 'lstm') {
    m.add(
      tfl.layers.lstm({
        units: 8,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        recurrentInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
    );
  } else {
    m.add(
      tfl.layers.conv1d({
        filters: 8,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    );
    m.add(tfl.layers.globalMaxPooling1d());
  }
  m.add(
    tfl.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
    }),
  );
  return m;
}

beforeAll(startBoth);

describe.each(['lstm', 'conv'] as const)('Embedding → %s → Dense on wasm', (kind) => {
  it('trains a few batches with falling loss and a constant tensor count', async () => {
    await tf.setBackend('wasm');
    const start = tf.memory().numTensors;
    const { ids, labels } = dataset();
    const x = tf.tensor2d(ids, [SAMPLES, LENGTH], 'int32');
    const y = tf.tensor2d(labels, [SAMPLES, 1]);
    const m = model(kind);
    const optimizer = tf.train.rmsprop(0.01);
    m.compile({ optimizer, loss: 'binaryCrossentropy' });
    const tensorsAfterEpoch: number[] = [];
    const history = await m.fit(x, y, {
      epochs: 3,
      batchSize: 16,
      shuffle: false,
      verbose: 0,
      callbacks: { onEpochEnd: async () => void tensorsAfterEpoch.push(tf.memory().numTensors) },
    });
    const loss = history.history['loss'] as number[];
    expect(loss).toHaveLength(3);
    expect(loss[1]!).toBeLessThan(loss[0]!);
    expect(loss[2]!).toBeLessThan(loss[1]!);
    expect(tensorsAfterEpoch[2]).toBe(tensorsAfterEpoch[0]);
    m.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('computes the same loss and weight gradients as the CPU backend', async () => {
    const { ids, labels } = dataset();
    await tf.setBackend('wasm');
    const m = model(kind);
    m.build([null, LENGTH]);
    const weights = m.getWeights().map((w) => ({ values: Array.from(w.dataSync()), shape: w.shape }));
    m.dispose();
    await expectParity(() => {
      const net = model(kind);
      net.build([null, LENGTH]);
      net.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
      const x = tf.tensor2d(ids.slice(0, 16 * LENGTH), [16, LENGTH], 'int32');
      const y = tf.tensor2d(labels.slice(0, 16), [16, 1]);
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tfl.metrics.binaryCrossentropy(y, net.apply(x) as tf.Tensor)) as tf.Scalar,
        net.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      const out = [value, ...Object.values(grads)].map((t) => tf.keep(t.clone()));
      net.dispose();
      return out;
    }, 1e-5);
  });
});
