import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { WasmKernelError } from './errors.js';

function broadcastStrides(shape: readonly number[], to: readonly number[]): number[] {
  // Strides of `shape` read as `to`: right-aligned, 0 where a dimension is broadcast.
  const strides = new Array<number>(to.length).fill(0);
  let stride = 1;
  for (let i = 1; i <= shape.length; i++) {
    const n = shape[shape.length - i]!;
    if (n !== 1) strides[to.length - i] = stride;
    stride *= n;
  }
  return strides;
}

/**
 * Port of tfjs-backend-cpu/src/kernels/UnsortedSegmentSum.ts: `out[s] = sum over i of (ids[i] == s) * x[i]`, where
 * `ids` gets unit axes after axis 0 up to `x`'s rank and broadcasts against `x`, and the sum runs over axis 0. Ids
 * outside `[0, numSegments)` contribute nothing. Like the CPU kernel the result is float32, summed in double
 * precision in input order. One pass over the input instead of one masked sum per segment.
 */
function unsortedSegmentSum(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const segmentIds = args.inputs['segmentIds'] as TensorInfo;
  const { numSegments } = args.attrs as unknown as UnsortedSegmentSumAttrs;
  assertNotComplex('UnsortedSegmentSum', x, segmentIds);
  if (!(Number.isInteger(numSegments) && numSegments >= 0)) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      `UnsortedSegmentSum on wasm: numSegments must be a non-negative integer, got ${String(numSegments)}.`,
    );
  }
  if (segmentIds.dtype !== 'int32') {
    throw new WasmKernelError(
      'UNSUPPORTED_DTYPE',
      `UnsortedSegmentSum on wasm: segmentIds must be int32, got ${segmentIds.dtype}.`,
    );
  }
  // Like the CPU kernel's repeated expandDims(ids, i + 1): unit axes go after axis 0 (trailing for rank-1 ids).
  const idsShape = segmentIds.shape.slice();
  for (let i = 0; i < x.shape.length - segmentIds.shape.length; i++) idsShape.splice(i + 1, 0, 1);
  const shape = backend_util.assertAndGetBroadcastShape(idsShape, x.shape);
  if (shape.length === 0) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      'UnsortedSegmentSum on wasm: expected x or segmentIds of rank >= 1 (the sum runs over axis 0), got two scalars.',
    );
  }
  const rows = shape[0]!;
  const inner = shape.slice(1).reduce((p, n) => p * n, 1);
  const out = backend.makeOutput([numSegments, ...shape.slice(1)], 'float32');
  if (numSegments === 0 || inner === 0) return out;
  const sums = new Float64Array(numSegments * inner);
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  if (segmentIds.shape.length === 1 && segmentIds.shape[0] === rows && x.shape[0] === rows) {
    // The Gather-gradient case: one id per row of x.
    for (let r = 0, xo = 0; r < rows; r++, xo += inner) {
      const id = ids[r]!;
      if (!(id >= 0 && id < numSegments)) continue;
      const base = id * inner;
      for (let j = 0; j < inner; j++) sums[base + j] = sums[base + j]! + xs[xo + j]!;
    }
    (backend.typedArrayFromHeap(out) as Float32Array).set(sums);
    return out;
  }
  const xStrides = broadcastStrides(x.shape, shape);
  const idStrides = broadcastStrides(idsShape, shape);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let xOffset = 0;
  let idOffset = 0;
  // Walk the broadcast shape in row-major order (axis 0 slowest, so each sum accumulates in input order).
  for (let i = 0; i < rows * inner; i++) {
    const id = ids[idOffset]!;
    if (id >= 0 && id < numSegments) {
      const at = id * inner + (i % inner);
      sums[at] = sums[at]! + xs[xOffset]!;
    }
    for (let d = rank - 1; d >= 0; d--) {
      const next = index[d]! + 1;
      if (next < shape[d]!) {
        index[d] = next;
        xOffset += xStrides[d]!;
        idOffset += idStrides[d]!;
        break;
      }
      xOffset -= xStrides[d]! * (shape[d]! - 1);
      idOffset -= idStrides[d]! * (shape[d]! - 1);
      index[d] = 0;
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(sums);
  return out;
}

/** `UnsortedSegmentSum` on wasm: the gradient of `Gather`, so of every `Embedding` layer. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
