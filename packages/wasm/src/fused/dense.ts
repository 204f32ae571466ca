import * as tf from '@tensorflow/tfjs-core';
import { fail, valuesOf } from './_common.js';
import { FusedRnnError } from './errors.js';

/** The activations {@link fusedDense} applies to its output. */
export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

/** Options of {@link fusedDense}. */
export interface FusedDenseOptions {
  /**
   * Activation applied to the output (Keras `activation`; `softmax` over the units of each row).
   * @default 'linear'
   */
  activation?: DenseActivation;
}

const ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

function text(t: unknown): string {
  return t instanceof tf.Tensor ? `${t.dtype} [${t.shape.join(', ')}]` : String(t);
}

/** z = x · W + b, then the activation in place, row by row (sums in double precision, stored as float32). */
function forward(
  x: Float32Array,
  W: Float32Array,
  b: Float32Array | null,
  rows: number,
  n: number,
  u: number,
  activation: DenseActivation,
): Float32Array {
  const y = new Float32Array(rows * u);
  for (let r = 0; r < rows; r++) {
    const xr = r * n;
    const yr = r * u;
    for (let j = 0; j < u; j++) {
      let s = b === null ? 0 : b[j]!;
      for (let i = 0; i < n; i++) s += x[xr + i]! * W[i * u + j]!;
      y[yr + j] = s;
    }
    if (activation === 'softmax') {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < u; j++) max = Math.max(max, y[yr + j]!);
      let sum = 0;
      for (let j = 0; j < u; j++) {
        const e = Math.exp(y[yr + j]! - max);
        y[yr + j] = e;
        sum += e;
      }
      for (let j = 0; j < u; j++) y[yr + j] = y[yr + j]! / sum;
    } else if (activation !== 'linear') {
      for (let j = yr; j < yr + u; j++) {
        const z = y[j]!;
        y[j] =
          activation === 'sigmoid'
            ? 1 / (1 + Math.exp(-z))
            : activation === 'tanh'
              ? Math.tanh(z)
              : Math.max(z, 0);
      }
    }
  }
  return y;
}

/** The gradient before the activation from dy and the activated y (tfjs-core's gradients of each activation). */
function preActivationGrad(
  dy: Float32Array,
  y: Float32Array,
  rows: number,
  u: number,
  activation: DenseActivation,
) {
  const dz = new Float64Array(rows * u);
  for (let r = 0; r < rows; r++) {
    const at = r * u;
    // softmax: dz = dy·y − y·Σ(dy·y) over the row.
    let dot = 0;
    if (activation === 'softmax') for (let j = at; j < at + u; j++) dot += dy[j]! * y[j]!;
    for (let j = at; j < at + u; j++) {
      const g = dy[j]!;
      const v = y[j]!;
      dz[j] =
        activation === 'sigmoid'
          ? g * v * (1 - v)
          : activation === 'tanh'
            ? g * (1 - v * v)
            : activation === 'relu'
              ? v > 0
                ? g
                : 0
              : activation === 'softmax'
                ? v * (g - dot)
                : g;
    }
  }
  return dz;
}

/**
 * Keras' `Dense` on a `[batch, inputDim]` input — `activation(x · kernel + bias)` — as one op each way: the forward
 * and the three gradients (input, kernel, bias) in one JavaScript pass over the backend's memory, instead of tfjs'
 * reshapes, matrix products, bias add and activation (about 6 kernels forward and 11 backward). Sums are taken in
 * double precision, so the values are within float32 rounding of tfjs' ops. For the small heads of text classifiers
 * (a few thousand weights); a large layer is faster on tfjs' own matrix product.
 *
 * @param x - `[batch, inputDim]`, float32.
 * @param kernel - `[inputDim, units]`, float32.
 * @param bias - `[units]`, or `null` for `useBias: false`.
 * @returns `[batch, units]`.
 *
 * @example
 * ```ts
 * const probabilities = fusedDense(features, kernel, bias, { activation: 'sigmoid' });
 * ```
 */
export function fusedDense(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: FusedDenseOptions = {},
): tf.Tensor {
  const op = 'fusedDense';
  if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.dtype !== 'float32') {
    fail(op, 'x', 'a float32 tensor [batch, inputDim]', text(x));
  }
  const [rows, n] = x.shape as [number, number];
  if (
    !(kernel instanceof tf.Tensor) ||
    kernel.rank !== 2 ||
    kernel.dtype !== 'float32' ||
    kernel.shape[0] !== n
  ) {
    fail(op, 'kernel', `a float32 tensor [${n}, units] (${n} = inputDim of x)`, text(kernel));
  }
  const u = kernel.shape[1]!;
  if (
    bias != null &&
    (!(bias instanceof tf.Tensor) || bias.dtype !== 'float32' || bias.rank !== 1 || bias.shape[0] !== u)
  ) {
    fail(op, 'bias', `a float32 tensor [${u}] (units of the kernel) or null`, text(bias));
  }
  const activation = options.activation ?? 'linear';
  if (!ACTIVATIONS.includes(activation)) {
    throw new FusedRnnError(
      'INVALID_OPTION',
      `${op}: activation must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(activation)}.`,
    );
  }
  const inputs = bias == null ? [x, kernel] : [x, kernel, bias];
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, kt, bt] = args as tf.Tensor[];
    // Copies: a view on the wasm heap is only valid until the next allocation.
    const xv = valuesOf(xt!).slice(0, rows * n);
    const W = valuesOf(kt!).slice(0, n * u);
    const b = bias == null ? null : valuesOf(bt!).subarray(0, u);
    const y = forward(xv, W, b, rows, n, u, activation);
    const value = tf.tensor2d(y, [rows, u]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const dz = preActivationGrad(valuesOf(dy).slice(0, rows * u), y, rows, u, activation);
      const dx = new Float32Array(rows * n);
      const dW = new Float64Array(n * u);
      const db = new Float64Array(u);
      for (let r = 0; r < rows; r++) {
        const xr = r * n;
        const zr = r * u;
        for (let i = 0; i < n; i++) {
          const xi = xv[xr + i]!;
          const wi = i * u;
          let s = 0;
          for (let j = 0; j < u; j++) {
            const g = dz[zr + j]!;
            s += g * W[wi + j]!;
            dW[wi + j]! += xi * g;
          }
          dx[xr + i] = s;
        }
        for (let j = 0; j < u; j++) db[j]! += dz[zr + j]!;
      }
      const grads: tf.Tensor[] = [tf.tensor2d(dx, [rows, n]), tf.tensor2d(Float32Array.from(dW), [n, u])];
      if (bias != null) grads.push(tf.tensor1d(Float32Array.from(db)));
      return grads;
    };
    return { value, gradFunc };
  })(...inputs);
}
