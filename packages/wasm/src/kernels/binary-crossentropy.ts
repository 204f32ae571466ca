import {
  cast,
  engine,
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
  tidy,
  util,
} from '@tensorflow/tfjs-core';
import { asWasmBackend } from './_backend.js';
import { WasmKernelError } from './errors.js';

/** Name of the kernel that computes Keras' binary cross-entropy (tfjs-layers' formula) in one call. */
export const BINARY_CROSSENTROPY = 'SeqlabBinaryCrossentropy';
/** Name of its gradient kernel: both inputs' gradients in one call. */
export const BINARY_CROSSENTROPY_GRAD = 'SeqlabBinaryCrossentropyGrad';

/** Attributes of {@link BINARY_CROSSENTROPY} and its gradient: the clipping epsilon (tfjs-layers' `epsilon()`). */
export interface BinaryCrossentropyAttrs {
  epsilon: number;
}

const f32 = Math.fround;

/**
 * tfjs-layers' `binaryCrossentropy(yTrue, yPred)` (losses.ts: clip to `[ε, 1-ε]`, logit, sigmoid cross-entropy
 * with logits, mean over the last axis), element by element with a float32 rounding after each of its ops in
 * their order; `out` gets one value per row of `n`.
 */
export function binaryCrossentropy(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  n: number,
  epsilon: number,
  out: Float32Array,
): void {
  const lo = f32(epsilon);
  const hi = f32(1 - epsilon);
  for (let r = 0; r < out.length; r++) {
    let sum = 0;
    for (let k = r * n; k < (r + 1) * n; k++) {
      const t = logit(predictions[k]!, lo, hi);
      // max(t, 0) - t·z + log1p(exp(-|t|))
      const e = f32(Math.exp(-Math.abs(t)));
      sum = f32(sum + f32(f32(Math.max(t, 0) - f32(t * labels[k]!)) + f32(Math.log1p(e))));
    }
    out[r] = f32(sum / n);
  }
}

/** `log(y / (1 - y))` of the clipped prediction, as tfjs-layers computes it. */
function logit(p: number, lo: number, hi: number): number {
  const y = Math.min(Math.max(p, lo), hi);
  return f32(Math.log(f32(y / f32(1 - y))));
}

/**
 * The gradients tfjs' tape gives through those ops for the upstream gradient `dy` (one per row): tfjs-core's
 * gradient of every op (Mean, Add, Log1p, Exp, Sub, Mul, Neg, Abs, Relu, Log, RealDiv, ClipByValue), composed and
 * summed in the tape's order, in float32.
 */
export function binaryCrossentropyGrad(
  dy: ArrayLike<number>,
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  n: number,
  epsilon: number,
  out: { labels: Float32Array; predictions: Float32Array },
): void {
  const lo = f32(epsilon);
  const hi = f32(1 - epsilon);
  for (let r = 0; r < dy.length; r++) {
    const g = f32(dy[r]! / n); // Mean: dy·1 / n
    for (let k = r * n; k < (r + 1) * n; k++) {
      const p = predictions[k]!;
      const z = labels[k]!;
      const y = Math.min(Math.max(p, lo), hi);
      const oneMinusY = f32(1 - y);
      const q = f32(y / oneMinusY);
      const t = f32(Math.log(q));
      const e = f32(Math.exp(-Math.abs(t)));
      // log1p(e) → exp(-|t|) → neg → abs; sub → mul; relu. Summed into t in the tape's (reverse) order.
      const dE = f32(g / f32(e + 1));
      const dNegAbs = f32(dE * e);
      const fromMul = f32(-g * z);
      const fromAbs = f32(-dNegAbs * step(t, -1));
      const fromRelu = f32(g * step(t, 0));
      const dT = f32(f32(fromMul + fromAbs) + fromRelu);
      // log → div(y, 1 - y) → sub(1, y); then the clip passes it where ε ≤ p ≤ 1 - ε
      const dQ = f32(dT / q);
      const fromNumerator = f32(dQ / oneMinusY);
      const fromDenominator = f32(f32(dQ * y) / f32(oneMinusY * oneMinusY));
      const dY = f32(fromNumerator + fromDenominator);
      out.predictions[k] = p >= lo && p <= hi ? dY : 0;
      out.labels[k] = f32(-g * t);
    }
  }
}

/** tfjs' `step(x, alpha)`: 1 above 0, `alpha` otherwise, NaN for NaN. */
function step(x: number, alpha: number): number {
  return x > 0 ? 1 : Number.isNaN(x) ? x : alpha;
}

function checkInputs(kernel: string, inputs: Record<string, TensorInfo | undefined>, names: string[]): void {
  const labels = inputs['labels'];
  for (const name of names) {
    const t = inputs[name];
    if (t === undefined) {
      throw new WasmKernelError(
        'INVALID_ARGUMENT',
        `${kernel}: expected inputs ${names.join(', ')}, got ${Object.keys(inputs).join(', ')}.`,
      );
    }
    const shape = name === 'dy' ? labels?.shape.slice(0, -1) : labels?.shape;
    if (t.dtype !== 'float32' || (shape !== undefined && !util.arraysEqual(t.shape, shape))) {
      throw new WasmKernelError(
        'INVALID_ARGUMENT',
        `${kernel}: ${name} must be float32 of shape [${shape?.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}].`,
      );
    }
  }
  if (labels!.shape.length === 0) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      `${kernel}: labels and predictions must have at least one axis (the mean is over the last), got a scalar.`,
    );
  }
}

function forwardKernel(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const inputs = args.inputs as Record<string, TensorInfo | undefined>;
  checkInputs(BINARY_CROSSENTROPY, inputs, ['labels', 'predictions']);
  const { labels, predictions } = inputs as Record<'labels' | 'predictions', TensorInfo>;
  const { epsilon } = args.attrs as unknown as BinaryCrossentropyAttrs;
  const out = backend.makeOutput(labels.shape.slice(0, -1), 'float32');
  // Views after the last allocation: makeOutput may grow (and move) the heap.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  binaryCrossentropy(view(labels), view(predictions), labels.shape.at(-1)!, epsilon, view(out));
  return out;
}

function gradKernel(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const inputs = args.inputs as Record<string, TensorInfo | undefined>;
  checkInputs(BINARY_CROSSENTROPY_GRAD, inputs, ['dy', 'labels', 'predictions']);
  const { dy, labels, predictions } = inputs as Record<'dy' | 'labels' | 'predictions', TensorInfo>;
  const { epsilon } = args.attrs as unknown as BinaryCrossentropyAttrs;
  const dLabels = backend.makeOutput(labels.shape, 'float32');
  const dPredictions = backend.makeOutput(labels.shape, 'float32');
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  binaryCrossentropyGrad(view(dy), view(labels), view(predictions), labels.shape.at(-1)!, epsilon, {
    labels: view(dLabels),
    predictions: view(dPredictions),
  });
  return [dLabels, dPredictions];
}

export const binaryCrossentropyConfig: KernelConfig = {
  kernelName: BINARY_CROSSENTROPY,
  backendName: 'wasm',
  kernelFunc: forwardKernel as unknown as KernelFunc,
};

export const binaryCrossentropyGradConfig: KernelConfig = {
  kernelName: BINARY_CROSSENTROPY_GRAD,
  backendName: 'wasm',
  kernelFunc: gradKernel as unknown as KernelFunc,
};

/**
 * The gradient of {@link BINARY_CROSSENTROPY}: one {@link BINARY_CROSSENTROPY_GRAD} call gives both inputs'
 * (the tape asks only for the predictions' when the labels are data, so it runs once per step).
 */
export const binaryCrossentropyGradient: GradConfig = {
  kernelName: BINARY_CROSSENTROPY,
  inputsToSave: ['labels', 'predictions'],
  gradFunc: (dy, saved, attrs) => {
    const [labels, predictions] = saved as [Tensor, Tensor];
    const grad = (pick: 0 | 1) => (): Tensor => {
      const grads = engine().runKernel(
        BINARY_CROSSENTROPY_GRAD,
        { dy: dy as Tensor, labels, predictions },
        attrs as NamedAttrMap,
      ) as Tensor[];
      grads[1 - pick]!.dispose();
      return grads[pick]!;
    };
    return { labels: grad(0), predictions: grad(1) };
  },
};

/**
 * Keras' `binary_crossentropy(yTrue, yPred)` as tfjs-layers computes it (mean over the last axis), in one kernel
 * forward and one backward on the `wasm` backend after `initWasm` (tfjs-layers' formula takes about 13 kernels
 * forward and 30 backward). Within 1e-6 of tfjs-layers' `losses.binaryCrossentropy`.
 * @param epsilon - the clipping epsilon. @default the backend's `epsilon()` (1e-7), as tfjs-layers uses
 */
export function fusedBinaryCrossentropy(yTrue: Tensor, yPred: Tensor, epsilon?: number): Tensor {
  const attrs: BinaryCrossentropyAttrs = { epsilon: epsilon ?? engine().backend.epsilon() };
  return tidy(() => {
    // tfjs-layers' mul(logits, labels) upcasts int or bool labels to float32
    const labels = yTrue.dtype === 'float32' ? yTrue : cast(yTrue, 'float32');
    return engine().runKernel(
      BINARY_CROSSENTROPY,
      { labels, predictions: yPred },
      attrs as unknown as NamedAttrMap,
    ) as Tensor;
  });
}
