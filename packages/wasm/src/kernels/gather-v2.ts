import {
  backend_util,
  GatherV2,
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend, elementsOf, outputElements } from './_backend.js';
import { addressOf, heapKernels } from './_heap.js';
import { WasmKernelError } from './errors.js';

// Below this slice length an element loop beats `subarray` + `set` (which allocate a view per call).
const MIN_BULK_RUN = 32;

/**
 * Port of tfjs-backend-wasm/src/kernels/GatherV2.ts (and its cc/kernels/Gather.cc): `x` read as
 * `[batch, outer, dim, slice]`, indices as `[batch, n]`, `out[b, o, i, :] = x[b, o, indices[b, i], :]`, with the
 * same bounds check. Copies whole slices through heap views instead of computing every element's offset: the
 * Embedding lookup gathers `batch · maxlen` rows of `embeddingDim` floats per step.
 */
function gatherV2(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const indices = args.inputs['indices'] as TensorInfo;
  const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
  assertNotComplex('GatherV2', x, indices);
  if (indices.dtype !== 'int32') {
    throw new WasmKernelError(
      'UNSUPPORTED_DTYPE',
      `GatherV2 on wasm: indices must be int32, got ${indices.dtype} of shape [${indices.shape.join(', ')}].`,
    );
  }
  const parsedAxis = util.parseAxisParam(axis, x.shape)[0]!;
  const axisDim = x.shape[parsedAxis]!;
  const outOfRange = (index: number) =>
    new WasmKernelError(
      'INVALID_ARGUMENT',
      `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}] (expected indices within axis ` +
        `${parsedAxis} of x, shape [${x.shape.join(', ')}]).`,
    );
  const heap = heapKernels(backend);
  if (
    heap !== null &&
    parsedAxis === 0 &&
    (x.dtype === 'float32' || x.dtype === 'int32') &&
    util.sizeFromShape(x.shape) > 0 &&
    util.sizeFromShape(indices.shape) > 0
  ) {
    // An embedding lookup: whole rows copied in the backend's memory by one wasm call.
    const rowSize = util.sizeFromShape(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const n = util.sizeFromShape(indices.shape);
    const bad = heap.gatherRows(
      addressOf(backend, x),
      axisDim,
      addressOf(backend, indices),
      n,
      rowSize * 4,
      addressOf(backend, out),
    );
    if (bad >= 0) {
      const index = backend.typedArrayFromHeap(indices)[bad]!;
      backend.disposeData(out.dataId, true);
      throw outOfRange(index);
    }
    return out;
  }
  const ids = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < ids.length; i++) {
    const index = ids[i]!;
    if (!(index <= axisDim - 1 && index >= 0)) throw outOfRange(index);
  }
  const info = backend_util.segment_util.collectGatherOpShapeInfo(
    x as never,
    indices as never,
    parsedAxis,
    batchDims,
  );
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const total = util.sizeFromShape(info.outputShape);
  if (util.sizeFromShape(x.shape) === 0 || total === 0) return out;
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const perBatch = ids.length / batchSize;
  // Views after the last allocation (makeOutput may grow the heap).
  const src = elementsOf(backend, x);
  const idx = backend.typedArrayFromHeap(indices);
  const dst = outputElements(backend, out, total);
  const bulk = sliceSize >= MIN_BULK_RUN && !Array.isArray(src);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let k = 0; k < outerSize; k++) {
      const base = (b * outerSize + k) * dimSize;
      for (let i = 0; i < perBatch; i++) {
        const from = (base + idx[b * perBatch + i]!) * sliceSize;
        if (bulk) {
          (dst as Float32Array).set((src as Float32Array).subarray(from, from + sliceSize), o);
          o += sliceSize;
        } else {
          for (let j = 0; j < sliceSize; j++) dst[o++] = src[from + j] as never;
        }
      }
    }
  }
  return out;
}

/** `GatherV2` on wasm (every `Embedding` lookup): whole slices copied through heap views. */
export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: 'wasm',
  kernelFunc: gatherV2,
};
