import {
  BatchMatMul,
  type BatchMatMulAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import { asWasmBackend } from './_backend.js';
import { WasmKernelError } from './errors.js';

// Below this many multiply-adds the stock loop is quicker than a Transpose call plus the product.
const MIN_WORK = 32768;

/**
 * `BatchMatMul` on wasm with `transposeA`/`transposeB` as an explicit `Transpose` of that operand and the stock
 * kernel's untransposed product: stock tfjs-backend-wasm 4.22.0 runs transposed products (every MatMul gradient)
 * through a loop about 10× slower than its untransposed XNNPACK path (1.5–1.9 ms vs 0.16 ms for 6400 × 16 × 16).
 * Untransposed products, and products too small for the extra Transpose call to pay (under 32k multiply-adds, such
 * as a Dense(1) head's gradient), go to the stock kernel unchanged.
 */
export function batchMatMulConfig(stock: KernelConfig): KernelConfig {
  const run = stock.kernelFunc;
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const a = args.inputs['a'] as TensorInfo;
    const b = args.inputs['b'] as TensorInfo;
    // Multiply-adds of one product: a's batch size times a's rows, columns and b's columns.
    const work =
      a.shape.reduce((p, n) => p * n, 1) *
      (transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!);
    if ((!transposeA && !transposeB) || work < MIN_WORK) return run(args) as TensorInfo;
    const backend = asWasmBackend(args.backend);
    const transpose = getKernel(Transpose, 'wasm');
    if (transpose === undefined) {
      throw new WasmKernelError(
        'INVALID_ARGUMENT',
        'BatchMatMul on wasm: the wasm Transpose kernel is not registered.',
      );
    }
    const temps: TensorInfo[] = [];
    const flip = (t: TensorInfo): TensorInfo => {
      const rank = t.shape.length;
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
      const out = transpose.kernelFunc({
        inputs: { x: t },
        backend: args.backend,
        attrs: { perm },
      }) as TensorInfo;
      temps.push(out);
      return out;
    };
    try {
      return run({
        inputs: { a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
        backend: args.backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return { kernelName: BatchMatMul, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
