import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBoth } from './_both.js';

beforeAll(startBoth);

const ids = () => tf.backend().numDataIds();

describe('Identity and a same-dtype Cast share the data on wasm', () => {
  it('tf.clone: the same values under a new tensor, no new buffer, each outliving the other', () => {
    const before = ids();
    const x = tf.tensor2d([1.5, -2, 3, 4e-8], [2, 2]);
    const y = tf.clone(x);
    expect(y).not.toBe(x);
    expect(y.dataId).toBe(x.dataId);
    expect(ids()).toBe(before + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3, Math.fround(4e-8)]);
    y.dispose();
    expect(ids()).toBe(before);
  });

  it('Cast to the own dtype shares; a real conversion still converts; strings keep the stock kernels', () => {
    const before = ids();
    tf.tidy(() => {
      const i = tf.tensor1d([1, -2, 3], 'int32');
      const same = tf.cast(i, 'int32');
      expect(same.dataId).toBe(i.dataId);
      const f = tf.cast(i, 'float32');
      expect(f.dtype).toBe('float32');
      expect(f.dataId).not.toBe(i.dataId);
      expect(Array.from(f.dataSync())).toEqual([1, -2, 3]);
      const s = tf.clone(tf.tensor1d(['a', 'bc']));
      expect(s.arraySync()).toEqual(['a', 'bc']);
    });
    expect(ids()).toBe(before);
  });

  it("the tape's saved clones: gradients as on cpu, and every buffer freed after", async () => {
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const before = ids();
      const out = tf.tidy(() => {
        const w = tf.tensor2d([0.5, -1, 2, 0.25, 3, -0.75], [3, 2]);
        const x = tf.tensor2d([1, 2, 3, -1, 0.5, 2], [2, 3]);
        const f = (a: tf.Tensor) => tf.sum(tf.sigmoid(tf.matMul(x, a as tf.Tensor2D)));
        return Array.from(tf.grad(f)(w).dataSync());
      });
      expect(ids()).toBe(before);
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    wasm.forEach((g, i) => {
      expect(g).toBeCloseTo(cpu[i]!, 6);
    });
  });

  it('a variable assigned from a clone keeps its values when the clone is disposed', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const c = tf.clone(tf.tensor1d([7, 8, 9]));
    v.assign(c);
    c.dispose();
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    v.dispose();
  });
});
