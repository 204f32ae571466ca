import * as tf from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import {
  binaryCrossentropyConfig,
  binaryCrossentropyGradConfig,
  binaryCrossentropyGradient,
} from './binary-crossentropy.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { equalConfig } from './equal.js';
import { gatherV2Config } from './gather-v2.js';
import { castConfig, identityConfig } from './identity.js';
import { oneHotConfig } from './one-hot.js';
import { rmspropUpdateConfig } from './rmsprop-update.js';
import { sliceConfig } from './slice.js';
import { splitVConfig } from './split-v.js';
import { stridedSliceConfig } from './strided-slice.js';
import { unpackConfig } from './unpack.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/**
 * Kernels that stock tfjs-backend-wasm 4.22.0 lacks for training (`UnsortedSegmentSum`, `Conv2DBackpropFilter`), or
 * runs with a full heap copy per call (`Slice`, `Unpack`, `SplitV`, `StridedSlice`), slowly (`GatherV2`) or wrongly
 * (`OneHot`, int32 bits whatever the dtype), `BatchMatMul` for transposed products (a loop 10× slower than the
 * untransposed one in stock), and seqlab's own `SeqlabRMSPropUpdate` (one RMSprop step for every variable
 * in one call) and `SeqlabBinaryCrossentropy` (the loss, with its gradient kernel); registered by `initWasm`.
 */
const KERNELS: tf.KernelConfig[] = [
  unsortedSegmentSumConfig,
  conv2DBackpropFilterConfig,
  sliceConfig,
  unpackConfig,
  splitVConfig,
  stridedSliceConfig,
  gatherV2Config,
  oneHotConfig,
  rmspropUpdateConfig,
  binaryCrossentropyConfig,
  binaryCrossentropyGradConfig,
];

// Wrappers of stock kernels (BatchMatMul: transposed products become a Transpose and the stock untransposed
// product; Equal and Conv2DBackpropInput: their common cases in the heap module, the rest to stock; Identity and a
// Cast to the same dtype: the input's data shared, not copied), so they join the list the first time the stock
// configs are there to wrap.
const WRAPPERS: [string, (stock: tf.KernelConfig) => tf.KernelConfig][] = [
  ['BatchMatMul', batchMatMulConfig],
  ['Equal', equalConfig],
  ['Conv2DBackpropInput', conv2DBackpropInputConfig],
  ['Identity', identityConfig],
  ['Cast', castConfig],
];
let all: tf.KernelConfig[] | undefined;

/** The registered kernels: {@link KERNELS} plus the wrappers once the stock kernels are there to wrap. */
function kernels(): tf.KernelConfig[] {
  if (all === undefined) {
    const stock = WRAPPERS.map(([name]) => tf.getKernel(name, 'wasm'));
    if (stock.some((k) => k === undefined)) return KERNELS;
    all = [...KERNELS, ...WRAPPERS.map(([, wrap], i) => wrap(stock[i]!))];
  }
  return all;
}

/** Names of the kernels this package adds to (or replaces on) the `wasm` backend. */
export const WASM_KERNEL_NAMES: readonly string[] = [
  ...KERNELS.map((k) => k.kernelName),
  ...WRAPPERS.map(([name]) => name),
];

/**
 * Registers seqlab's kernels on the `wasm` backend. Idempotent. Replaces stock kernels of the same name.
 * Returns the kernel names registered.
 */
export function registerWasmKernels(): string[] {
  const configs = kernels();
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  tf.registerGradient(binaryCrossentropyGradient);
  return configs.map((k) => k.kernelName);
}

/**
 * Whether `name` runs seqlab's kernel on the `wasm` backend (after {@link registerWasmKernels}), not the stock one —
 * for code that relies on a fix, such as a float32 `tf.oneHot`.
 */
export function isWasmKernelRegistered(name: string): boolean {
  const registered = tf.getKernel(name, 'wasm');
  return registered !== undefined && kernels().some((k) => k.kernelFunc === registered.kernelFunc);
}

export {
  BINARY_CROSSENTROPY,
  BINARY_CROSSENTROPY_GRAD,
  type BinaryCrossentropyAttrs,
  binaryCrossentropy,
  binaryCrossentropyGrad,
  fusedBinaryCrossentropy,
} from './binary-crossentropy.js';
export { WasmKernelError, type WasmKernelErrorCode } from './errors.js';
export {
  RMSPROP_UPDATE,
  type RmspropConstants,
  type RmspropUpdateAttrs,
  rmspropUpdate,
} from './rmsprop-update.js';
