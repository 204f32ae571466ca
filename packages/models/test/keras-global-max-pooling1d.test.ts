import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, kerasGlobalMaxPooling1d } from '../src/index.js';

beforeAll(async () => {
  await initWasm();
});

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

describe('KerasGlobalMaxPooling1D', () => {
  it("gives tfjs' values and gradients bit for bit, for one step (a reshape) and for many (tfjs' max)", () => {
    tf.tidy(() => {
      const ours = kerasGlobalMaxPooling1d({ name: 'pool' });
      const theirs = tfl.layers.globalMaxPooling1d({ name: 'pool' });
      for (const shape of [
        [3, 1, 5],
        [3, 4, 5],
      ]) {
        const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
        const w = tf.randomNormal([3, 5], 0, 1, 'float32', 8);
        const run = (layer: tfl.layers.Layer) => {
          const f = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, w));
          return [layer.apply(x) as tf.Tensor, tf.grad(f)(x)];
        };
        const [y, dx] = run(ours);
        const [yStock, dxStock] = run(theirs);
        expect(y!.shape).toEqual([3, 5]);
        expect(bits(y!)).toEqual(bits(yStock!));
        expect(bits(dx!)).toEqual(bits(dxStock!));
      }
      expect(ours.getClassName()).toBe('GlobalMaxPooling1D');
      expect(ours.getConfig()).toEqual(theirs.getConfig());
    });
  });

  it("takes the zoo conv1d's pooled convolution without tfjs' max and its gradient", async () => {
    const model = createModel('conv1d', { seed: 1, maxlen: 20 });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const x = tf.randomUniform([4, 20], 0, 500, 'int32', 1);
    const y = tf.ones([4, 1]);
    const { kernels } = await tf.profile(async () => void (await model.trainOnBatch(x, y)));
    const names = kernels.map((k) => k.name);
    expect(names).not.toContain('Max');
    expect(names).not.toContain('Equal');
    tf.dispose([x, y]);
    model.dispose();
  });
});
