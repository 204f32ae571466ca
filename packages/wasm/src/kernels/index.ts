import * as tf from '@tensorflow/tfjs-core';

/** Kernels that stock tfjs-backend-wasm 4.22.0 lacks for training, or runs too slowly; registered by `initWasm`. */
const KERNELS: tf.KernelConfig[] = [];

/** Names of the kernels this package adds to (or replaces on) the `wasm` backend. */
export const WASM_KERNEL_NAMES: readonly string[] = KERNELS.map((k) => k.kernelName);

/**
 * Registers seqlab's kernels on the `wasm` backend. Idempotent. Replaces stock kernels of the same name.
 * Returns the kernel names registered.
 */
export function registerWasmKernels(): string[] {
  for (const config of KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  return KERNELS.map((k) => k.kernelName);
}
