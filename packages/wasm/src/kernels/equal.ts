import { Equal, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend } from './_backend.js';
import { addressOf, heapKernels } from './_heap.js';

/**
 * `[outer, mid, inner]` when `small` is `full` with one contiguous run of its axes reduced to 1 (a max/min reduction's
 * kept-dims result next to its input), else null.
 */
function midBroadcast(full: readonly number[], small: readonly number[]): [number, number, number] | null {
  if (full.length !== small.length) return null;
  let first = -1;
  let last = -1;
  for (let i = 0; i < full.length; i++) {
    if (full[i] === small[i]) continue;
    if (small[i] !== 1) return null;
    if (first === -1) first = i;
    else if (last !== i - 1) return null;
    last = i;
  }
  if (first === -1) return null;
  const product = (from: number, to: number) => full.slice(from, to).reduce((p, n) => p * n, 1);
  return [product(0, first), product(first, last + 1), product(last + 1, full.length)];
}

/**
 * `Equal` on wasm with the broadcast of a max/min reduction's gradient (float32 `[…, n, …]` against the same shape
 * with a run of axes reduced to 1, e.g. GlobalMaxPooling1D's `[64, 96, 32]` vs `[64, 1, 32]`) compared in one pass
 * of the heap module: stock tfjs-backend-wasm 4.22.0 runs broadcast comparisons through a per-element index loop
 * (about 70 ms for that shape on a loaded machine). Every other case goes to the stock kernel unchanged. Exact:
 * a comparison has no rounding.
 */
export function equalConfig(stock: KernelConfig): KernelConfig {
  const run = stock.kernelFunc;
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const a = args.inputs['a'] as TensorInfo;
    const b = args.inputs['b'] as TensorInfo;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return run(args) as TensorInfo;
    const backend = asWasmBackend(args.backend);
    const heap = heapKernels(backend);
    if (heap === null) return run(args) as TensorInfo;
    let full = a;
    let small = b;
    let dims = midBroadcast(a.shape, b.shape);
    if (dims === null) {
      full = b;
      small = a;
      dims = midBroadcast(b.shape, a.shape);
    }
    if (dims === null || dims[0] * dims[1] * dims[2] === 0) return run(args) as TensorInfo;
    const out = backend.makeOutput([...full.shape], 'bool');
    heap.equalBroadcastMid(
      addressOf(backend, full),
      addressOf(backend, small),
      addressOf(backend, out),
      ...dims,
    );
    return out;
  };
  return { kernelName: Equal, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
