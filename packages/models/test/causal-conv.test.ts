import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CausalConv1D, ModelsError } from '../src/index.js';

beforeAll(async () => {
  await initWasm();
});

/** out[b, t, f] = bias[f] + Σ_k Σ_i x[b, t - (K-1-k)·d, i] · W[k, i, f], x = 0 before the start. */
function reference(x: number[][][], w: number[][][], bias: number[], d: number): number[][][] {
  const K = w.length;
  return x.map((seq) =>
    seq.map((_, t) =>
      bias.map((b, f) => {
        let sum = b;
        for (let k = 0; k < K; k++) {
          const src = t - (K - 1 - k) * d;
          if (src < 0) continue;
          seq[src]!.forEach((v, i) => {
            sum += v * w[k]![i]![f]!;
          });
        }
        return sum;
      }),
    ),
  );
}

/** d Σ out / d W[k, i, f] = Σ_b Σ_t x[b, t - (K-1-k)·d, i] over valid t. */
function kernelGradReference(
  x: number[][][],
  K: number,
  inCh: number,
  filters: number,
  d: number,
): number[][][] {
  return Array.from({ length: K }, (_, k) =>
    Array.from({ length: inCh }, (_, i) => {
      let s = 0;
      for (const seq of x) {
        seq.forEach((_, t) => {
          const src = t - (K - 1 - k) * d;
          if (src >= 0) s += seq[src]![i]!;
        });
      }
      return Array.from({ length: filters }, () => s);
    }),
  );
}

function expectClose(actual: number[][][], expected: number[][][]): void {
  expect(actual.length).toBe(expected.length);
  actual.flat(2).forEach((v, i) => {
    expect(v).toBeCloseTo(expected.flat(2)[i]!, 4);
  });
}

describe('CausalConv1D', () => {
  for (const [K, d] of [
    [1, 1],
    [2, 1],
    [2, 2],
    [3, 4],
    [2, 8],
  ] as const) {
    it(`equals the slicing-and-summing reference (kernel ${K}, dilation ${d})`, () => {
      const B = 2;
      const steps = 11;
      const inCh = 3;
      const filters = 4;
      const layer = new CausalConv1D({ filters, kernelSize: K, dilationRate: d });
      const x = tf.randomUniform([B, steps, inCh], -1, 1, 'float32', 3);
      const y = layer.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([B, steps, filters]);
      const [kernel, bias] = layer.getWeights();
      expect(kernel!.shape).toEqual([K, inCh, filters]);
      layer.setWeights([kernel!, tf.randomUniform([filters], -1, 1, 'float32', 4)]);
      const got = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
      const want = reference(
        x.arraySync() as number[][][],
        layer.getWeights()[0]!.arraySync() as number[][][],
        Array.from(layer.getWeights()[1]!.dataSync()),
        d,
      );
      expectClose(got, want);
      tf.dispose([x, y, bias!]);
    });
  }

  it('output at step t does not depend on inputs after t (causality)', () => {
    const layer = new CausalConv1D({ filters: 2, kernelSize: 3, dilationRate: 2 });
    const x = tf.randomUniform([1, 9, 2], -1, 1, 'float32', 5);
    const a = (layer.apply(x) as tf.Tensor).arraySync() as number[][][];
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 5, 2]), tf.fill([1, 4, 2], 9)], 1);
    const b = (layer.apply(changed) as tf.Tensor).arraySync() as number[][][];
    expect(b[0]!.slice(0, 5)).toEqual(a[0]!.slice(0, 5));
    expect(b[0]![5]).not.toEqual(a[0]![5]);
  });

  it('has a kernel gradient (dilation 4) equal to the reference, on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
    const K = 2;
    const d = 4;
    const layer = new CausalConv1D({ filters: 3, kernelSize: K, dilationRate: d });
    const x = tf.randomUniform([2, 10, 2], -1, 1, 'float32', 6);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const { grads } = tf.variableGrads(
      () => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar,
      [layer.trainableWeights[0]!.read() as tf.Variable],
    );
    const g = Object.values(grads)[0]!.arraySync() as number[][][];
    expectClose(g, kernelGradReference(x.arraySync() as number[][][], K, 2, 3, d));
  });

  it('rejects a non-positive dilation with INVALID_OPTION', () => {
    expect(() => new CausalConv1D({ filters: 2, kernelSize: 2, dilationRate: 0 })).toThrowError(ModelsError);
    expect(() => new CausalConv1D({ filters: 2, kernelSize: 2, dilationRate: 0 })).toThrowError(
      'CausalConv1D: dilationRate must be a positive integer, got 0.',
    );
  });
});
