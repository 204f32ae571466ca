import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, KerasDense, kerasDense, type ModelName } from '../src/index.js';
import { MAX_FUSED_DENSE_WEIGHTS } from '../src/layers/keras_dense.js';
import { expectCurvesClose, toyCurve } from './_toy.js';

const MAXLEN = 12;

beforeAll(async () => {
  await initWasm();
});

function setFused(model: tfl.LayersModel, fused: boolean): tfl.LayersModel {
  for (const layer of model.layers) if (layer instanceof KerasDense) layer.fused = fused;
  return model;
}

/** The kernels of `layer` on `x`: a forward pass and its gradients when `train`, a prediction otherwise. */
async function kernelsOf(layer: tfl.layers.Layer, x: tf.Tensor, train = true): Promise<string[]> {
  const info = await tf.profile(() =>
    train
      ? tf.tidy(() => tf.grads((input) => tf.sum(layer.apply(input) as tf.Tensor))([x]))
      : (layer.apply(x) as tf.Tensor),
  );
  return info.kernels.map((k) => k.name);
}

describe('KerasDense', () => {
  for (const [name, numClasses] of [
    ['embedding-simple-rnn', 2],
    ['conv1d', 2],
    ['lstm', 3],
  ] as [ModelName, number][]) {
    it(`${name}${numClasses > 2 ? ` (${numClasses} classes, softmax)` : ''}: the fused head traces tfjs' curve within 1e-4, no tensor leaked`, async () => {
      const before = tf.memory().numTensors;
      const run = (fused: boolean) =>
        toyCurve(setFused(createModel(name, { seed: 3, maxlen: MAXLEN, numClasses }), fused), MAXLEN);
      const fused = await run(true);
      const stock = await run(false);
      expectCurvesClose(fused, stock, { curve: 1e-4, weights: 1e-3 });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("trains with one op instead of tfjs' products, bias and activation; predicts and a wide layer keep tfjs' ops", async () => {
    const x = tf.randomNormal([4, 32], 0, 1, 'float32', 1);
    const head = kerasDense({ units: 1, activation: 'sigmoid' });
    head.apply(x);
    const fused = await kernelsOf(head, x);
    for (const stock of ['_FusedMatMul', 'BatchMatMul', 'Sigmoid']) expect(fused).not.toContain(stock);
    expect(await kernelsOf(head, x, false)).toContain('_FusedMatMul');
    head.fused = false;
    expect(await kernelsOf(head, x)).toContain('BatchMatMul');
    const wide = kerasDense({ units: MAX_FUSED_DENSE_WEIGHTS / 32 + 1, activation: 'relu' });
    wide.apply(x);
    expect(await kernelsOf(wide, x)).toContain('BatchMatMul');
    tf.dispose([x, ...head.weights.map((w) => w.read()), ...wide.weights.map((w) => w.read())]);
  });

  it("is tfjs' Dense to the outside: class name, config and weights; a saved model loads tfjs' own", () => {
    const args = { units: 3, activation: 'softmax', useBias: false, name: 'head' } as const;
    const ours = kerasDense(args);
    const theirs = tfl.layers.dense(args);
    expect(ours.getClassName()).toBe('Dense');
    ours.build([null, 5]);
    theirs.build([null, 5]);
    expect(ours.getConfig()).toEqual(theirs.getConfig());
    expect(ours.weights.map((w) => w.shape)).toEqual(theirs.weights.map((w) => w.shape));
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['Dense']!;
    const back = fromConfig(cls, ours.getConfig());
    expect(back).not.toBeInstanceOf(KerasDense);
    expect(back.getClassName()).toBe('Dense');
    tf.dispose([...ours.weights, ...theirs.weights].map((w) => w.read()));
  });
});
