import {
  type KernelConfig,
  type KernelFunc,
  Slice,
  type SliceAttrs,
  slice_util,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend, elementsOf, outputElements, type WasmBackend } from './_backend.js';
import { gatherBox } from './_gather-box.js';

/**
 * Slices `x` (`begin`, `size` already parsed) into a new output of `outShape` (default `size`) by reading the
 * heap through views. Stock tfjs-backend-wasm 4.22.0 copies the whole input with `readSync` on every call.
 */
export function sliceView(
  backend: WasmBackend,
  x: TensorInfo,
  begin: number[],
  size: number[],
  outShape: number[] = size,
): TensorInfo {
  const out = backend.makeOutput(outShape, x.dtype);
  const total = size.reduce((a, b) => a * b, 1);
  const dst = outputElements(backend, out, total);
  const step = new Array<number>(begin.length).fill(1);
  gatherBox(elementsOf(backend, x), x.shape, begin, step, size, dst);
  return out;
}

function slice(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const { begin, size } = args.attrs as unknown as SliceAttrs;
  assertNotComplex('Slice', x);
  const [begin_, size_] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
  slice_util.assertParamsValid(x, begin_, size_);
  return sliceView(backend, x, begin_, size_);
}

/** `Slice` on wasm through heap views (contiguous and strided boxes of every rank). */
export const sliceConfig: KernelConfig = { kernelName: Slice, backendName: 'wasm', kernelFunc: slice };
