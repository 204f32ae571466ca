import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Conv1dActivation,
  type Conv1dPadding,
  FusedRnnError,
  fusedConv1d,
  fusedGatedConv1d,
  fusedMemoryStats,
  initWasm,
} from '../src/index.js';
import { compareOps, expectAllClose, rand, thrown } from './fused-reference.js';

/**
 * Conv1D from tfjs ops that differentiate on every backend: pad, one slice per tap, their concatenation times the
 * kernel reshaped to [K·C, F] (the taps side by side), bias, activation. 'same' puts the smaller half of the
 * (K-1)·d zeros first, as TensorFlow (and so Keras) does.
 */
function refConv1d(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  padding: Conv1dPadding,
  dil: number,
  activation: Conv1dActivation,
): tf.Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  const [K, , F] = kernel.shape as [number, number, number];
  const span = (K - 1) * dil;
  const left = padding === 'causal' ? span : padding === 'same' ? Math.floor(span / 2) : 0;
  const right = padding === 'valid' || padding === 'causal' ? 0 : span - left;
  const To = padding === 'valid' ? T - span : T;
  const padded = tf.pad(x, [
    [0, 0],
    [left, right],
    [0, 0],
  ]);
  const taps: tf.Tensor[] = [];
  for (let k = 0; k < K; k++) taps.push(tf.slice(padded, [0, k * dil, 0], [B, To, C]));
  const out = tf.matMul(
    tf.reshape(tf.concat(taps, 2), [B * To, K * C]) as tf.Tensor2D,
    tf.reshape(kernel, [K * C, F]) as tf.Tensor2D,
  );
  let y: tf.Tensor = tf.reshape(out, [B, To, F]);
  if (bias !== null) y = tf.add(y, bias);
  if (activation === 'relu') return tf.relu(y);
  if (activation === 'tanh') return tf.tanh(y);
  if (activation === 'sigmoid') return tf.sigmoid(y);
  return y;
}

describe('fusedConv1d', () => {
  beforeAll(async () => {
    await initWasm();
  });

  const paddings: Conv1dPadding[] = ['valid', 'same', 'causal'];
  const activations: Conv1dActivation[] = ['linear', 'relu', 'tanh', 'sigmoid'];
  // Odd sizes: channels and filters that are not whole SIMD vectors, more than 32 filters, one tap.
  const sizes = [
    { B: 2, T: 11, C: 3, K: 3, F: 5 },
    { B: 3, T: 9, C: 8, K: 2, F: 37 },
    { B: 1, T: 7, C: 5, K: 1, F: 4 },
  ];
  for (const padding of paddings) {
    for (const dil of [1, 2, 3]) {
      it(`${padding}, dilation ${dil}: forward and every gradient within 1e-5 of tfjs ops`, () => {
        for (const [i, s] of sizes.entries()) {
          for (const activation of activations) {
            for (const useBias of [true, false]) {
              const op = (xs: tf.Tensor[], f: typeof refConv1d | null) =>
                f === null
                  ? fusedConv1d(xs[0]!, xs[1]!, useBias ? xs[2]! : null, {
                      padding,
                      dilationRate: dil,
                      activation,
                    })
                  : f(xs[0]!, xs[1]!, useBias ? xs[2]! : null, padding, dil, activation);
              compareOps(
                (xs) => op(xs, null),
                (xs) => op(xs, refConv1d),
                () => {
                  const xs = [rand([s.B, s.T, s.C], 10 + i), rand([s.K, s.C, s.F], 20 + i, 0.7)];
                  if (useBias) xs.push(rand([s.F], 30 + i, 0.5));
                  return xs;
                },
                1e-5,
                1e-5,
              );
            }
          }
        }
      });
    }
  }

  it("matches tfjs' own conv1d for 'valid' and 'same' (dilation 1 and 2)", () => {
    tf.tidy(() => {
      const x = rand([2, 10, 6], 1);
      const k = rand([4, 6, 7], 2, 0.5);
      for (const padding of ['valid', 'same'] as const) {
        for (const dil of [1, 2]) {
          expectAllClose(
            fusedConv1d(x, k, null, { padding, dilationRate: dil }),
            tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, 1, padding, 'NWC', dil),
            1e-5,
          );
        }
      }
    });
  });

  it('sums every output and kernel gradient in a fixed order, bit for bit (16-, 8- and 4-column passes, 1 or 2 rows)', () => {
    // The kernels' order, in f32: y[b,t,f] = bias[f], then + x·w over the taps inside the input (ascending) and
    // their channels (ascending); dW[k,c,f] = 0, then + x·dy over b and t ascending. Filter counts that take every
    // pass width, steps of one row and of two rows at a time (all taps inside) as the padding and dilation vary.
    const f32 = Math.fround;
    const B = 2;
    const T = 9;
    const C = 5;
    for (const F of [4, 8, 12, 20, 28, 36, 48]) {
      for (const K of [1, 3]) {
        for (const dil of [1, 2]) {
          for (const padding of paddings) {
            const span = (K - 1) * dil;
            const left = padding === 'causal' ? span : padding === 'same' ? Math.floor(span / 2) : 0;
            const To = padding === 'valid' ? T - span : T;
            tf.tidy(() => {
              const x = rand([B, T, C], F + K, 1);
              const w = rand([K, C, F], F + 2 * K, 0.7);
              const bias = rand([F], F + 3, 0.5);
              const dy = rand([B, To, F], F + 4, 1);
              const xv = x.dataSync();
              const wv = w.dataSync();
              const bv = bias.dataSync();
              const dyv = dy.dataSync();
              const y = new Float32Array(B * To * F);
              const dW = new Float32Array(K * C * F);
              for (let b = 0; b < B; b++) {
                for (let t = 0; t < To; t++) {
                  for (let f = 0; f < F; f++) {
                    let sum = bv[f]!;
                    for (let k = 0; k < K; k++) {
                      const st = t - left + k * dil;
                      if (st < 0 || st >= T) continue;
                      for (let c = 0; c < C; c++) {
                        sum = f32(sum + f32(xv[(b * T + st) * C + c]! * wv[(k * C + c) * F + f]!));
                      }
                    }
                    y[(b * To + t) * F + f] = sum;
                  }
                }
              }
              for (let k = 0; k < K; k++) {
                for (let c = 0; c < C; c++) {
                  for (let f = 0; f < F; f++) {
                    let sum = 0;
                    for (let b = 0; b < B; b++) {
                      for (let t = 0; t < To; t++) {
                        const st = t - left + k * dil;
                        if (st < 0 || st >= T) continue;
                        sum = f32(sum + f32(xv[(b * T + st) * C + c]! * dyv[(b * To + t) * F + f]!));
                      }
                    }
                    dW[(k * C + c) * F + f] = sum;
                  }
                }
              }
              const op = (xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
                fusedConv1d(xt, wt, bt, { padding, dilationRate: dil });
              const where = `F ${F}, K ${K}, dilation ${dil}, ${padding}`;
              expect(op(x, w, bias).dataSync(), where).toEqual(y);
              const grads = tf.grads(op)([x, w, bias], dy);
              expect(grads[1]!.dataSync(), where).toEqual(dW);
            });
          }
        }
      }
    }
  });

  it('globalMaxPool: the maximum over the steps, its gradient to every tied step (tfjs max)', () => {
    for (const activation of ['relu', 'linear'] as const) {
      compareOps(
        ([x, k, b]) => fusedConv1d(x!, k!, b!, { activation, padding: 'same', globalMaxPool: true }),
        ([x, k, b]) => tf.max(refConv1d(x!, k!, b!, 'same', 1, activation), 1),
        () => [rand([3, 8, 5], 4), rand([3, 5, 6], 5, 0.6), rand([6], 6, 0.4)],
        1e-5,
        1e-5,
      );
    }
    // All steps tie (x = 0, so y = bias at every step): each one gets the whole gradient, as tf.max's does.
    compareOps(
      ([x, k, b]) => fusedConv1d(x!, k!, b!, { globalMaxPool: true }),
      ([x, k, b]) => tf.max(refConv1d(x!, k!, b!, 'valid', 1, 'linear'), 1),
      () => [tf.zeros([2, 6, 3]), rand([2, 3, 5], 7), rand([5], 8)],
      1e-6,
      1e-6,
    );
  });

  it('embeddings: int32 ids into a table, the same values and table, kernel and bias gradients as gather + conv', () => {
    const ids = tf.tensor2d(
      Array.from({ length: 3 * 13 }, (_, i) => (i * 7) % 11),
      [3, 13],
      'int32',
    );
    for (const padding of paddings) {
      for (const [dil, activation, pool] of [
        [1, 'relu', true],
        [2, 'tanh', false],
        [3, 'sigmoid', false],
        [1, 'linear', false],
      ] as const) {
        compareOps(
          ([e, k, b]) =>
            fusedConv1d(ids, k!, b!, {
              embeddings: e!,
              padding,
              dilationRate: dil,
              activation,
              globalMaxPool: pool,
            }),
          ([e, k, b]) => {
            const y = refConv1d(tf.gather(e!, ids), k!, b!, padding, dil, activation);
            return pool ? tf.max(y, 1) : y;
          },
          () => [rand([12, 5], 40), rand([3, 5, 6], 41, 0.7), rand([6], 42, 0.5)],
          1e-5,
          1e-5,
        );
      }
    }
    const error = thrown(() =>
      fusedConv1d(tf.tensor2d([[0, 12]], [1, 2], 'int32'), rand([1, 5, 6], 1), null, {
        embeddings: rand([12, 5], 2),
      }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('fusedConv1d: ids must be in [0, 12) (rows of the embeddings), got 12.');
    ids.dispose();
  });

  it('fusedGatedConv1d: tanh(filter) · sigmoid(gate) and every gradient within 1e-5 of tfjs ops', () => {
    for (const padding of paddings) {
      for (const dil of [1, 2, 4]) {
        for (const s of [
          { B: 2, T: 11, C: 3, F: 5, K: 2 },
          { B: 3, T: 13, C: 8, F: 16, K: 3 },
        ]) {
          const gated = (f: typeof refConv1d | null, useBias: boolean) => (xs: tf.Tensor[]) => {
            const [x, wf, wg] = [xs[0]!, xs[1]!, xs[2]!];
            const [bf, bg] = useBias ? [xs[3]!, xs[4]!] : [null, null];
            if (f === null) return fusedGatedConv1d(x, wf, bf, wg, bg, { padding, dilationRate: dil });
            return tf.mul(f(x, wf, bf, padding, dil, 'tanh'), f(x, wg, bg, padding, dil, 'sigmoid'));
          };
          for (const useBias of [true, false]) {
            compareOps(
              gated(null, useBias),
              gated(refConv1d, useBias),
              () => {
                const xs = [
                  rand([s.B, s.T, s.C], 1),
                  rand([s.K, s.C, s.F], 2, 0.7),
                  rand([s.K, s.C, s.F], 3, 0.7),
                ];
                if (useBias) xs.push(rand([s.F], 4, 0.5), rand([s.F], 5, 0.5));
                return xs;
              },
              1e-5,
              1e-5,
            );
          }
        }
      }
    }
    tf.tidy(() => {
      const error = thrown(() =>
        fusedGatedConv1d(rand([1, 4, 3], 1), rand([2, 3, 5], 2), null, rand([2, 3, 4], 3), null),
      );
      expect(error.code).toBe('INVALID_SHAPE');
      expect(error.message).toBe(
        "fusedGatedConv1d: gateKernel must be a float32 tensor [2, 3, 5] (filterKernel's shape), got float32 [2, 3, 4].",
      );
    });
  });

  it('inputGradient: false gives zeros for x and the same kernel and bias gradients', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const xs = [rand([2, 9, 3], 1), rand([3, 3, 5], 2), rand([5], 3)];
      const grads = (inputGradient: boolean) =>
        tf.grads((x, k, b) =>
          tf.sum(fusedConv1d(x!, k!, b!, { padding: 'causal', dilationRate: 2, inputGradient })),
        )(xs);
      const full = grads(true);
      const skipped = grads(false);
      expect(Array.from(skipped[0]!.dataSync()).every((v) => v === 0)).toBe(true);
      expectAllClose(skipped[1]!, full[1]!, 0);
      expectAllClose(skipped[2]!, full[2]!, 0);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the module memory flat over many training steps, and frees forwards no backward needs', () => {
    const x = rand([4, 20, 6], 1);
    const k = tf.variable(rand([3, 6, 8], 2, 0.5));
    const b = tf.variable(rand([8], 3));
    const frozen = tf.variable(rand([3, 6, 8], 4, 0.5), false);
    const optimizer = tf.train.sgd(0.01);
    const step = () => {
      optimizer.minimize(() =>
        tf.add(
          tf.sum(fusedConv1d(x, k, b, { activation: 'relu', globalMaxPool: true })),
          tf.sum(fusedConv1d(x, frozen, null, { padding: 'causal' })),
        ),
      );
      tf.dispose(fusedConv1d(x, k, b)); // no tape: freed at once
    };
    step();
    const tensors = tf.memory().numTensors;
    const first = fusedMemoryStats();
    for (let i = 0; i < 30; i++) step();
    const last = fusedMemoryStats();
    expect(last.inUseBytes).toBe(0);
    expect(last.heldForwards).toBe(0);
    expect(last.memoryBytes).toBe(first.memoryBytes);
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([x, k, b, frozen]);
    optimizer.dispose();
  });

  it('rejects bad shapes and options with typed errors', () => {
    tf.tidy(() => {
      const x = rand([2, 6, 3], 1);
      const k = rand([3, 3, 4], 2);
      const cases: [() => unknown, string, string][] = [
        [
          () => fusedConv1d(rand([6, 3], 1), k, null),
          'INVALID_SHAPE',
          'fusedConv1d: x must be a float32 tensor [batch, steps, channels], got float32 [6, 3].',
        ],
        [
          () => fusedConv1d(x, rand([3, 2, 4], 2), null),
          'INVALID_SHAPE',
          'fusedConv1d: kernel must be a float32 tensor [kernelSize, 3, filters] (3 channels of x), got float32 [3, 2, 4].',
        ],
        [
          () => fusedConv1d(x, k, rand([3], 3)),
          'INVALID_SHAPE',
          'fusedConv1d: bias must be a float32 tensor [4] (filters of the kernel) or null, got float32 [3].',
        ],
        [
          () => fusedConv1d(x, k, null, { dilationRate: 3 }),
          'INVALID_SHAPE',
          "fusedConv1d: x must be a tensor with at least 7 steps for 'valid' padding (the receptive field (kernelSize - 1) · " +
            'dilationRate + 1), got float32 [2, 6, 3].',
        ],
        [
          () => fusedConv1d(x, k, null, { padding: 'full' as Conv1dPadding }),
          'INVALID_OPTION',
          `fusedConv1d: padding must be one of 'valid', 'same', 'causal', got "full".`,
        ],
        [
          () => fusedConv1d(x, k, null, { dilationRate: 0.5 }),
          'INVALID_OPTION',
          'fusedConv1d: dilationRate must be a positive integer, got 0.5.',
        ],
        [
          () => fusedConv1d(x, k, null, { activation: 'elu' as Conv1dActivation }),
          'INVALID_OPTION',
          `fusedConv1d: activation must be one of 'linear', 'relu', 'tanh', 'sigmoid', got "elu".`,
        ],
      ];
      for (const [f, code, message] of cases) {
        const error = thrown(f);
        expect(error).toBeInstanceOf(FusedRnnError);
        expect(error.code).toBe(code);
        expect(error.message).toBe(message);
      }
    });
  });
});
