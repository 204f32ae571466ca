import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { asWasmBackend } from './_backend.js';
import { addressOf, heapKernels } from './_heap.js';
import { WasmKernelError } from './errors.js';

/** Name of the kernel that applies one RMSprop step to many variables at once. */
export const RMSPROP_UPDATE = 'SeqlabRMSPropUpdate';

/** The step's scalars, each rounded to float32 as tfjs rounds the scalars of its own update. */
export interface RmspropConstants {
  decay: number;
  oneMinusDecay: number;
  learningRate: number;
  momentum: number;
  epsilon: number;
}

/** Attributes of {@link RMSPROP_UPDATE}: the constants and how many variables the inputs hold. */
export interface RmspropUpdateAttrs extends RmspropConstants {
  count: number;
}

const f32 = Math.fround;

/**
 * tfjs' non-centered RMSprop update (tfjs-core src/optimizers/rmsprop_optimizer.ts) element by element, with a
 * float32 rounding after every op in tfjs' order, so bit for bit what its ten kernels give:
 * ms' = ms·decay + g²·(1-decay); mom' = mom·momentum + (g·lr) / sqrt(ms' + eps); w' = w - mom'.
 */
export function rmspropUpdate(
  g: ArrayLike<number>,
  w: ArrayLike<number>,
  ms: ArrayLike<number>,
  mom: ArrayLike<number>,
  out: { meanSquare: Float32Array; moment: Float32Array; value: Float32Array },
  c: RmspropConstants,
): void {
  const { decay, oneMinusDecay, learningRate, momentum, epsilon } = c;
  const { meanSquare, moment, value } = out;
  for (let k = 0; k < value.length; k++) {
    const gk = g[k]!;
    const msk = f32(f32(ms[k]! * decay) + f32(f32(gk * gk) * oneMinusDecay));
    // With momentum 0 this is still mom·0 (±0, or NaN for an infinite moment) plus the step, as in tfjs.
    const momk = f32(
      f32(mom[k]! * momentum) + f32(f32(gk * learningRate) / f32(Math.sqrt(f32(msk + epsilon)))),
    );
    meanSquare[k] = msk;
    moment[k] = momk;
    value[k] = w[k]! - momk; // the store rounds to float32
  }
}

/**
 * One RMSprop step for `count` variables in one kernel call: inputs `value{i}`, `gradient{i}`, `meanSquare{i}`,
 * `moment{i}` (float32, same shape); outputs the new mean square, moment and value of each, in that order.
 */
function rmspropUpdateKernel(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const attrs = args.attrs as unknown as RmspropUpdateAttrs;
  const names = ['value', 'gradient', 'meanSquare', 'moment'] as const;
  const groups: TensorInfo[][] = [];
  for (let i = 0; i < attrs.count; i++) {
    const group = names.map((name) => args.inputs[`${name}${i}`] as TensorInfo | undefined);
    const [value] = group;
    if (value === undefined || group.some((t) => t === undefined)) {
      throw new WasmKernelError(
        'INVALID_ARGUMENT',
        `${RMSPROP_UPDATE}: expected inputs value${i}, gradient${i}, meanSquare${i} and moment${i}, got ` +
          `${Object.keys(args.inputs).join(', ')}.`,
      );
    }
    for (const [j, t] of (group as TensorInfo[]).entries()) {
      if (t.dtype !== 'float32' || !util.arraysEqual(t.shape, value.shape)) {
        throw new WasmKernelError(
          'INVALID_ARGUMENT',
          `${RMSPROP_UPDATE}: ${names[j]}${i} must be float32 of shape [${value.shape.join(', ')}], got ` +
            `${t.dtype} [${t.shape.join(', ')}].`,
        );
      }
    }
    groups.push(group as TensorInfo[]);
  }
  const outs = groups.flatMap(([value]) => [0, 1, 2].map(() => backend.makeOutput(value!.shape, 'float32')));
  const heap = heapKernels(backend);
  if (heap !== null) {
    // SIMD in the backend's memory (assembly/heap/rmsprop.ts): the same float32 operations, so the same bits.
    const at = (t: TensorInfo) => addressOf(backend, t);
    const { decay, oneMinusDecay, learningRate, momentum, epsilon } = attrs;
    groups.forEach(([value, gradient, meanSquare, moment], i) => {
      heap.rmspropStep(
        at(gradient!),
        at(value!),
        at(meanSquare!),
        at(moment!),
        at(outs[3 * i]!),
        at(outs[3 * i + 1]!),
        at(outs[3 * i + 2]!),
        util.sizeFromShape(value!.shape),
        decay,
        oneMinusDecay,
        learningRate,
        momentum,
        epsilon,
      );
    });
    return outs;
  }
  // Views after the last allocation: makeOutput may grow (and move) the heap.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  groups.forEach(([value, gradient, meanSquare, moment], i) => {
    rmspropUpdate(
      view(gradient!),
      view(value!),
      view(meanSquare!),
      view(moment!),
      { meanSquare: view(outs[3 * i]!), moment: view(outs[3 * i + 1]!), value: view(outs[3 * i + 2]!) },
      attrs,
    );
  });
  return outs;
}

export const rmspropUpdateConfig: KernelConfig = {
  kernelName: RMSPROP_UPDATE,
  backendName: 'wasm',
  kernelFunc: rmspropUpdateKernel as unknown as KernelFunc,
};
