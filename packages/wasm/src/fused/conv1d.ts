import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import {
  fail,
  type Placed,
  placeAll,
  recordingTape,
  saveForBackward,
  type Tape,
  valuesOf,
} from './_common.js';
import { tablePoolConv1d } from './_conv1d-table-pool.js';
import { arenaOf, fusedExports } from './_module.js';
import { FusedRnnError } from './errors.js';

/** Padding of {@link fusedConv1d}, as Keras' `Conv1D` names it. */
export type Conv1dPadding = 'valid' | 'same' | 'causal';

/** The activations {@link fusedConv1d} applies to its output. */
export type Conv1dActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid';

/** Options of {@link fusedConv1d}. */
export interface FusedConv1dOptions {
  /**
   * Keras' `padding`: `'valid'` (no padding: `steps - (kernelSize - 1) · dilationRate` output steps), `'same'`
   * (`(kernelSize - 1) · dilationRate` zeros, the smaller half before the sequence) or `'causal'` (all of them
   * before: output step t sees input steps up to t).
   * @default 'valid'
   */
  padding?: Conv1dPadding;
  /**
   * Distance between the kernel's taps (Keras `dilation_rate`); the stride is 1.
   * @default 1
   */
  dilationRate?: number;
  /**
   * Activation applied to the output (Keras `activation`).
   * @default 'linear'
   */
  activation?: Conv1dActivation;
  /**
   * Return Keras' `GlobalMaxPooling1D` of the output, `[batch, filters]`, instead of the output: the maximum over
   * the steps, whose gradient goes to every step that holds it (tfjs' `max` gradient, ties included).
   * @default false
   */
  globalMaxPool?: boolean;
  /**
   * With `globalMaxPool`, keep the pooled axis as one step: `[batch, 1, filters]` (Keras' `GlobalMaxPooling1D`
   * `keepdims`).
   * @default false
   */
  keepDims?: boolean;
  /**
   * Compute the gradient with respect to `x`. Pass `false` when `x` needs none (the returned gradient for `x` is
   * then zeros), so backward skips the `dz · kernelᵀ` products.
   * @default true
   */
  inputGradient?: boolean;
  /**
   * An embedding table `[vocabulary, channels]` (Keras' `Embedding` before the convolution): `x` is then int32 ids
   * `[batch, steps]` and the op reads `embeddings[x]` itself. Each tap's product becomes a table
   * (`embeddings · kernel[k]`, vocabulary rows) and an output step the sum of one row per tap, and the gradient
   * that would go to `x` goes to the table (the Embedding layer's gradient).
   * @default null
   */
  embeddings?: tf.Tensor | null;
}

const ACTIVATION_CODES: Record<Conv1dActivation, number> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3 };
const PADDINGS: readonly Conv1dPadding[] = ['valid', 'same', 'causal'];

/** The sizes of one convolution; channels padded to multiples of 4 (one SIMD vector) in the module's memory. */
export interface ConvDims {
  B: number;
  T: number;
  C: number;
  CP: number;
  K: number;
  F: number;
  FP: number;
  dil: number;
  padLeft: number;
  /** Output steps. */
  To: number;
  act: number;
  pool: boolean;
  wantDx: boolean;
  /** Rows of the embedding table when x is ids into it, else 0. */
  V: number;
}

const round4 = (n: number): number => Math.ceil(n / 4) * 4;

export function shapeText(t: unknown): string {
  return t instanceof tf.Tensor ? `${t.dtype} [${t.shape.join(', ')}]` : String(t);
}

function invalidOption(message: string): never {
  throw new FusedRnnError('INVALID_OPTION', message);
}

export function checkConv(
  op: string,
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: FusedConv1dOptions,
): ConvDims {
  const table = options.embeddings ?? null;
  if (table !== null) {
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.dtype !== 'int32') {
      fail(op, 'x', 'int32 ids [batch, steps] when embeddings are given', shapeText(x));
    }
    if (!(table instanceof tf.Tensor) || table.rank !== 2 || table.dtype !== 'float32' || table.size === 0) {
      fail(op, 'embeddings', 'a float32 tensor [vocabulary, channels]', shapeText(table));
    }
  } else if (!(x instanceof tf.Tensor) || x.rank !== 3 || x.dtype !== 'float32') {
    fail(op, 'x', 'a float32 tensor [batch, steps, channels]', shapeText(x));
  }
  const [B, T] = x.shape as [number, number];
  const C = table === null ? x.shape[2]! : table.shape[1]!;
  if (T === 0 || C === 0) fail(op, 'x', 'a tensor with at least one step and one channel', shapeText(x));
  if (
    !(kernel instanceof tf.Tensor) ||
    kernel.rank !== 3 ||
    kernel.dtype !== 'float32' ||
    kernel.shape[1] !== C ||
    kernel.shape[0] === 0 ||
    kernel.shape[2] === 0
  ) {
    fail(
      op,
      'kernel',
      `a float32 tensor [kernelSize, ${C}, filters] (${C} channels of ${table === null ? 'x' : 'the embeddings'})`,
      shapeText(kernel),
    );
  }
  const [K, , F] = kernel.shape as [number, number, number];
  if (
    bias != null &&
    (!(bias instanceof tf.Tensor) || bias.rank !== 1 || bias.dtype !== 'float32' || bias.shape[0] !== F)
  ) {
    fail(op, 'bias', `a float32 tensor [${F}] (filters of the kernel) or null`, shapeText(bias));
  }
  const padding = options.padding ?? 'valid';
  if (!PADDINGS.includes(padding)) {
    invalidOption(`${op}: padding must be one of 'valid', 'same', 'causal', got ${JSON.stringify(padding)}.`);
  }
  const dil = options.dilationRate ?? 1;
  if (!Number.isInteger(dil) || dil < 1) {
    invalidOption(`${op}: dilationRate must be a positive integer, got ${JSON.stringify(dil)}.`);
  }
  const activation = options.activation ?? 'linear';
  const act = Object.hasOwn(ACTIVATION_CODES, activation) ? ACTIVATION_CODES[activation] : undefined;
  if (act === undefined) {
    invalidOption(
      `${op}: activation must be one of 'linear', 'relu', 'tanh', 'sigmoid', got ${JSON.stringify(activation)}.`,
    );
  }
  const span = (K - 1) * dil;
  const To = padding === 'valid' ? T - span : T;
  if (To < 1) {
    fail(
      op,
      'x',
      `a tensor with at least ${span + 1} steps for 'valid' padding (the receptive field (kernelSize - 1) · dilationRate + 1)`,
      shapeText(x),
    );
  }
  // keras/src/ops/nn.py conv ('same' via TF: the extra zero goes after) and Conv1D's causal left padding.
  const padLeft = padding === 'causal' ? span : padding === 'same' ? Math.floor(span / 2) : 0;
  return {
    B,
    T,
    C,
    CP: round4(C),
    K,
    F,
    FP: round4(F),
    dil,
    padLeft,
    To,
    act,
    pool: options.globalMaxPool ?? false,
    wantDx: table !== null || (options.inputGradient ?? true),
    V: table === null ? 0 : table.shape[0]!,
  };
}

/** rows × cols floats → rows × stride floats at `at` in `heap` (the extra columns zero). */
export function writePadded(
  heap: Float32Array,
  at: number,
  src: Float32Array,
  rows: number,
  cols: number,
  stride: number,
): void {
  if (cols === stride) {
    heap.set(src.subarray(0, rows * cols), at);
    return;
  }
  heap.fill(0, at, at + rows * stride);
  for (let r = 0; r < rows; r++) heap.set(src.subarray(r * cols, r * cols + cols), at + r * stride);
}

/**
 * A tensor of the floats at `at` in `heap`. tfjs-backend-wasm copies a new tensor's values into its own heap at
 * once, so it gets a view; other backends may keep the array they are given, so they get a copy.
 */
export function tensorOf(heap: Float32Array, at: number, shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const view = heap.subarray(at, at + n);
  return tf.tensor(tf.getBackend() === 'wasm' ? view : view.slice(), shape);
}

/** rows × stride floats at `at` in `heap` → a tensor of `shape` ([rows, cols] in row-major order). */
export function paddedTensor(
  heap: Float32Array,
  at: number,
  rows: number,
  cols: number,
  stride: number,
  shape: number[],
): tf.Tensor {
  if (cols === stride) return tensorOf(heap, at, shape);
  return tf.tensor(readPadded(heap, at, rows, cols, stride), shape);
}

/** rows × stride floats at `at` in `heap` → rows × cols. */
function readPadded(
  heap: Float32Array,
  at: number,
  rows: number,
  cols: number,
  stride: number,
): Float32Array {
  if (cols === stride) return heap.slice(at, at + rows * cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(heap.subarray(at + r * stride, at + r * stride + cols), r * cols);
  return out;
}

/** kernel [K, C, F] → [K, CP, FP], zero rows and columns added. */
export function writeKernel(heap: Float32Array, at: number, kernel: Float32Array, d: ConvDims): void {
  const { K, C, CP, F, FP } = d;
  if (C === CP) {
    writePadded(heap, at, kernel, K * C, F, FP);
    return;
  }
  heap.fill(0, at, at + K * CP * FP);
  for (let k = 0; k < K; k++) {
    writePadded(heap, at + k * CP * FP, kernel.subarray(k * C * F), C, F, FP);
  }
}

/** [K, CP, FP] at `at` → kernel-shaped [K, C, F]. */
export function readKernel(heap: Float32Array, at: number, d: ConvDims): Float32Array {
  const { K, C, CP, F, FP } = d;
  if (C === CP) return readPadded(heap, at, K * C, F, FP);
  const out = new Float32Array(K * C * F);
  for (let k = 0; k < K; k++) out.set(readPadded(heap, at + k * CP * FP, C, F, FP), k * C * F);
  return out;
}

type ForwardKeys = 'x' | 'W' | 'b' | 'Y' | 'M' | 'P';

/** The ids of `x`, each checked to be a row of the table (as `tf.gather` demands). */
function readIds(op: string, x: tf.Tensor, V: number): Int32Array {
  const ids = x.dataSync() as Int32Array;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < V)) {
      throw new FusedRnnError(
        'INVALID_ARGUMENT',
        `${op}: ids must be in [0, ${V}) (rows of the embeddings), got ${id}.`,
      );
    }
  }
  return ids;
}

/**
 * Keras' `Conv1D` (channels last, stride 1) in one WebAssembly SIMD call, forward and backward, with the activation
 * fused: `y[b, t] = activation(bias + Σ_k x[b, t - padLeft + k · dilationRate] · kernel[k])`, zeros outside the
 * sequence, where `padding` sets `padLeft` and the output length. Port of keras/src/layers/convolutional/base_conv.py
 * with the Keras/tfjs weight layout; differentiable with respect to `x`, `kernel` and `bias` (a `tf.customGrad`).
 * With `globalMaxPool`, Keras' `GlobalMaxPooling1D` of that output.
 *
 * @param x - `[batch, steps, channels]`, float32, or int32 ids `[batch, steps]` with `embeddings`.
 * @param kernel - `[kernelSize, channels, filters]`.
 * @param bias - `[filters]`, or `null` for `useBias: false`.
 * @returns `[batch, outputSteps, filters]`, or `[batch, filters]` with `globalMaxPool`.
 *
 * @example
 * ```ts
 * const y = fusedConv1d(x, kernel, bias, { padding: 'causal', dilationRate: 2, activation: 'tanh' });
 * ```
 */
export function fusedConv1d(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: FusedConv1dOptions = {},
): tf.Tensor {
  const op = 'fusedConv1d';
  const d = checkConv(op, x, kernel, bias, options);
  const { B, T, C, CP, K, F, FP, To } = d;
  const table = d.V > 0 ? options.embeddings! : null;
  const ids = table === null ? null : readIds(op, x, d.V);
  if (ids !== null && d.pool) {
    return tablePoolConv1d(op, d, ids, table!, kernel, bias, options.keepDims ?? false);
  }
  const first = table ?? x;
  const inputs = bias == null ? [first, kernel] : [first, kernel, bias];
  const tape: Tape | null = recordingTape(inputs);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, kt, bt] = args as tf.Tensor[];
    const mod = fusedExports();
    const kernels = fusedKernels();
    const W = valuesOf(kt!).slice(0, K * C * F);
    const bValues = bias == null ? null : valuesOf(bt!).slice(0, F);
    const forwardPass = (): Placed<ForwardKeys> => {
      const placed = placeAll(
        mod,
        {},
        {
          x: table === null ? B * T * CP : d.V * CP + B * T,
          W: K * CP * FP,
          b: FP,
          P: table === null ? 0 : K * d.V * FP,
          Y: B * To * FP,
          M: d.pool ? B * FP : 0,
        },
      );
      const { heap, at, ptr } = placed;
      writeKernel(heap, at.W, W, d);
      heap.fill(0, at.b, at.b + FP);
      if (bValues !== null) heap.set(bValues, at.b);
      if (ids === null) {
        writePadded(heap, at.x, valuesOf(xt!), B * T, C, CP);
        kernels.conv1dForward({
          B,
          T,
          CP,
          K,
          FP,
          dil: d.dil,
          padLeft: d.padLeft,
          To,
          act: d.act,
          x: ptr.x,
          W: ptr.W,
          bias: ptr.b,
          Y: ptr.Y,
        });
      } else {
        // x holds the table [V, CP], then the ids.
        const idsAt = at.x + d.V * CP;
        writePadded(heap, at.x, valuesOf(xt!), d.V, C, CP);
        new Int32Array(heap.buffer, idsAt * 4, B * T).set(ids);
        kernels.conv1dTableForward({
          B,
          T,
          V: d.V,
          CP,
          K,
          FP,
          dil: d.dil,
          padLeft: d.padLeft,
          To,
          act: d.act,
          ids: idsAt * 4,
          E: ptr.x,
          W: ptr.W,
          bias: ptr.b,
          P: ptr.P,
          Y: ptr.Y,
        });
      }
      if (d.pool) kernels.maxPool({ B, To, FP, Y: ptr.Y, M: ptr.M });
      return placed;
    };
    const f = forwardPass();
    const value = d.pool
      ? paddedTensor(f.heap, f.at.M, B, F, FP, options.keepDims ? [B, 1, F] : [B, F])
      : paddedTensor(f.heap, f.at.Y, B * To, F, FP, [B, To, F]);
    const take = saveForBackward(op, f, ['x', 'W', 'Y'], tape, forwardPass);

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const saved = take();
      const g = placeAll(
        mod,
        {},
        {
          dY: B * To * FP,
          dM: d.pool ? B * FP : 0,
          M: d.pool ? B * FP : 0,
          dx: table !== null ? d.V * CP : d.wantDx ? B * T * CP : 0,
          dP: table === null ? 0 : K * d.V * FP,
          dW: K * CP * FP,
          db: FP,
          WR: d.wantDx ? K * FP * CP : 0,
        },
      );
      const arena = arenaOf(mod);
      arena.releaseLater(saved.block);
      arena.releaseLater(g.block);
      const { heap, at, ptr } = g;
      const x4 = saved.at.x * 4;
      const W4 = saved.at.W * 4;
      const Y4 = saved.at.Y * 4;
      if (d.pool) {
        writePadded(heap, at.dM, valuesOf(dy), B, F, FP);
        kernels.maxPoolGrad({ B, To, FP, Y: Y4, dM: ptr.dM, M: ptr.M, dY: ptr.dY });
      } else writePadded(heap, at.dY, valuesOf(dy), B * To, F, FP);
      if (table === null) {
        kernels.conv1dBackward({
          B,
          T,
          CP,
          K,
          FP,
          dil: d.dil,
          padLeft: d.padLeft,
          To,
          act: d.act,
          x: x4,
          W: W4,
          Y: Y4,
          dY: ptr.dY,
          dx: ptr.dx,
          dW: ptr.dW,
          db: ptr.db,
          WR: ptr.WR,
          wantDx: d.wantDx,
        });
      } else {
        kernels.conv1dTableBackward({
          B,
          T,
          V: d.V,
          CP,
          K,
          FP,
          dil: d.dil,
          padLeft: d.padLeft,
          To,
          act: d.act,
          ids: x4 + d.V * CP * 4,
          E: x4,
          W: W4,
          Y: Y4,
          dY: ptr.dY,
          dP: ptr.dP,
          dE: ptr.dx,
          dW: ptr.dW,
          db: ptr.db,
          WR: ptr.WR,
        });
      }
      const grads: tf.Tensor[] = [
        table !== null
          ? paddedTensor(heap, at.dx, d.V, C, CP, [d.V, C])
          : d.wantDx
            ? paddedTensor(heap, at.dx, B * T, C, CP, [B, T, C])
            : tf.zeros([B, T, C]),
        C === CP
          ? paddedTensor(heap, at.dW, K * C, F, FP, [K, C, F])
          : tf.tensor(readKernel(heap, at.dW, d), [K, C, F]),
      ];
      if (bias != null) grads.push(tensorOf(heap, at.db, [F]));
      return grads;
    };
    return { value, gradFunc };
  })(...inputs);
}
