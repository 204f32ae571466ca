import {
  type KernelConfig,
  type KernelFunc,
  StridedSlice,
  type StridedSliceAttrs,
  slice_util,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend, elementsOf, outputElements } from './_backend.js';
import { gatherBox } from './_gather-box.js';
import { WasmKernelError } from './errors.js';

// Port of tfjs-backend-cpu/src/kernels/StridedSlice.ts (itself after tensorflow/core/kernels/strided_slice_op.cc).
function stridedSlice(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const a = args.attrs as unknown as StridedSliceAttrs;
  assertNotComplex('StridedSlice', x);
  const info = slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  if (info.isIdentity) {
    // A no-op plus reshape: share the data, as the Reshape kernel does.
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: info.finalShape, dtype: x.dtype };
  }
  const total = info.finalShape.reduce((p, n) => p * n, 1);
  // The box in x's own rank (shrunk axes have size 1), written row-major: the same order as finalShape.
  const size = info.begin.map((b, d) => {
    const stride = info.strides[d]!;
    const interval = info.end[d]! - b;
    if (interval === 0 || interval < 0 !== stride < 0) return 0;
    return Math.ceil(interval / stride);
  });
  if (size.reduce((p, n) => p * n, 1) !== total) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      `StridedSlice on wasm: the slice box [${size.join(', ')}] does not match the output shape ` +
        `[${info.finalShape.join(', ')}] for an input of shape [${x.shape.join(', ')}].`,
    );
  }
  const out = backend.makeOutput(info.finalShape, x.dtype);
  const dst = outputElements(backend, out, total);
  gatherBox(elementsOf(backend, x), x.shape, info.begin, info.strides, size, dst);
  return out;
}

/**
 * `StridedSlice` on wasm through heap views; also keeps the input dtype where stock 4.22.0 returns float32 for
 * strided int32 slices.
 */
export const stridedSliceConfig: KernelConfig = {
  kernelName: StridedSlice,
  backendName: 'wasm',
  kernelFunc: stridedSlice,
};
