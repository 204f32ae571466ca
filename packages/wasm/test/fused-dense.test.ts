import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DenseActivation, fusedDense } from '../src/index.js';
import { onBoth, startBoth } from './_both.js';
import { compareOps, rand, thrown } from './fused-reference.js';

beforeAll(startBoth);

/** tfjs' Dense: matMul, bias add, activation (tfjs-layers layers/core.ts with tfjs-core's ops and gradients). */
function reference(x: tf.Tensor, k: tf.Tensor, b: tf.Tensor | null, activation: DenseActivation): tf.Tensor {
  let z = tf.matMul(x as tf.Tensor2D, k as tf.Tensor2D);
  if (b !== null) z = tf.add(z, b);
  if (activation === 'relu') return tf.relu(z);
  if (activation === 'sigmoid') return tf.sigmoid(z);
  if (activation === 'tanh') return tf.tanh(z);
  if (activation === 'softmax') return tf.softmax(z);
  return z;
}

describe('fusedDense', () => {
  const activations: DenseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];
  for (const activation of activations) {
    it(`${activation}: the values and the input, kernel and bias gradients of tfjs' ops within 1e-6`, () => {
      for (const [i, [rows, n, u]] of [
        [64, 32, 1],
        [5, 8, 3],
        [1, 3, 7],
      ].entries()) {
        for (const useBias of [true, false]) {
          compareOps(
            ([x, k, b]) => fusedDense(x!, k!, useBias ? b! : null, { activation }),
            ([x, k, b]) => reference(x!, k!, useBias ? b! : null, activation),
            () => {
              const xs = [rand([rows!, n!], 10 + i, 2), rand([n!, u!], 20 + i, 0.8)];
              if (useBias) xs.push(rand([u!], 30 + i, 0.5));
              return xs;
            },
            1e-6,
            1e-6,
          );
        }
      }
    });
  }

  it('gives the same values and gradients on the cpu backend as on wasm', async () => {
    const run = () => {
      const [x, k, b] = [rand([6, 4], 1), rand([4, 2], 2), rand([2], 3)];
      const f = (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) =>
        fusedDense(xx, kk, bb, { activation: 'sigmoid' });
      return [
        f(x!, k!, b!),
        ...tf.grads((xx, kk, bb) => tf.sum(tf.mul(f(xx, kk, bb), rand([6, 2], 4))))([x!, k!, b!]),
      ];
    };
    const { cpu, wasm } = await onBoth(run);
    cpu.forEach((c, i) => {
      expect(wasm[i]!.shape).toEqual(c.shape);
      wasm[i]!.values.forEach((v, j) => {
        expect(v).toBeCloseTo(c.values[j]!, 6);
      });
    });
  });

  it('says what was wrong, what was expected and what it got', () => {
    tf.tidy(() => {
      const x = tf.zeros([2, 3]);
      const k = tf.zeros([3, 4]);
      expect(thrown(() => fusedDense(tf.zeros([2, 3, 1]), k, null)).message).toBe(
        'fusedDense: x must be a float32 tensor [batch, inputDim], got float32 [2, 3, 1].',
      );
      expect(thrown(() => fusedDense(x, tf.zeros([2, 4]), null)).message).toBe(
        'fusedDense: kernel must be a float32 tensor [3, units] (3 = inputDim of x), got float32 [2, 4].',
      );
      expect(thrown(() => fusedDense(x, k, tf.zeros([3]))).message).toBe(
        'fusedDense: bias must be a float32 tensor [4] (units of the kernel) or null, got float32 [3].',
      );
      const error = thrown(() => fusedDense(x, k, null, { activation: 'elu' as DenseActivation }));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toBe(
        "fusedDense: activation must be one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', got \"elu\".",
      );
    });
  });
});
