import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { addressOf, heapKernels } from './_heap.js';
import { WasmKernelError } from './errors.js';

/**
 * Port of tfjs-backend-cpu/src/kernels/Conv2DBackpropFilter.ts: `dW[wR, wC, d1, d2] = sum over b, yR, yC of
 * x[b, wR + yR * strideH - top, wC + yC * strideW - left, d1] * dy[b, yR, yC, d2]`, NHWC or NCHW, strides, padding
 * 'same' / 'valid' / number / explicit, dimRoundingMode. Like the CPU kernel (and tfjs-core's Conv2D gradient, which
 * rejects dilations > 1) there are no dilations. Sums in double precision, so results match the CPU kernel to
 * float32 rounding; the loops run batch and position outermost so the inner loop reads both inputs contiguously.
 */
function conv2DBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const dy = args.inputs['dy'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    args.attrs as unknown as Conv2DBackpropFilterAttrs;
  assertNotComplex('Conv2DBackpropFilter', x, dy);
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      `Conv2DBackpropFilter on wasm: expected rank-4 x and dy, got x of shape [${x.shape.join(', ')}] and dy of ` +
        `shape [${dy.shape.join(', ')}].`,
    );
  }
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const { strideHeight, strideWidth, filterHeight, filterWidth, inChannels, outChannels, batchSize } = info;
  const { inHeight, inWidth, outHeight, outWidth } = info;
  const expectedDy =
    info.dataFormat === 'channelsLast'
      ? [batchSize, outHeight, outWidth, outChannels]
      : [batchSize, outChannels, outHeight, outWidth];
  if (expectedDy.some((n, i) => n !== dy.shape[i])) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      `Conv2DBackpropFilter on wasm: expected dy of shape [${expectedDy.join(', ')}] for x of shape ` +
        `[${x.shape.join(', ')}] and filter [${filterShape.join(', ')}], got [${dy.shape.join(', ')}].`,
    );
  }
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = backend.makeOutput(info.filterShape, 'float32');
  const size = filterHeight * filterWidth * inChannels * outChannels;
  const channelsLast = info.dataFormat === 'channelsLast';
  // Element strides of x and dy: batch, row, column, channel.
  const [xB, xR, xC, xD] = channelsLast
    ? [inHeight * inWidth * inChannels, inWidth * inChannels, inChannels, 1]
    : [inChannels * inHeight * inWidth, inWidth, 1, inHeight * inWidth];
  const [yB, yRs, yCs, yD] = channelsLast
    ? [outHeight * outWidth * outChannels, outWidth * outChannels, outChannels, 1]
    : [outChannels * outHeight * outWidth, outWidth, 1, outHeight * outWidth];
  const heap = heapKernels(backend);
  if (heap !== null && size > 0) {
    // The same double-precision sums in the same order, in WebAssembly on the backend's memory: a float64 scratch
    // of the filter's size, then 21 int32 dimensions.
    const scratch = backend.makeOutput([2 * size + 21], 'float32');
    try {
      const base = addressOf(backend, scratch);
      const dims = [batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight];
      dims.push(filterWidth, strideHeight, strideWidth, top, left, xB, xR, xC, xD, yB, yRs, yCs, yD);
      const heapI32 = backend.typedArrayFromHeap(scratch);
      new Int32Array(heapI32.buffer, base + 8 * size, 21).set(dims);
      heap.convFilterGrad(
        addressOf(backend, x),
        addressOf(backend, dy),
        base,
        addressOf(backend, out),
        base + 8 * size,
      );
    } finally {
      backend.disposeData(scratch.dataId, true);
    }
    return out;
  }
  const dW = new Float64Array(size);
  const xs = backend.typedArrayFromHeap(x);
  const dys = backend.typedArrayFromHeap(dy);
  for (let wR = 0; wR < filterHeight; ++wR) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / strideHeight));
    const yRMax = Math.min(outHeight, (inHeight + top - wR) / strideHeight);
    for (let wC = 0; wC < filterWidth; ++wC) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / strideWidth));
      const yCMax = Math.min(outWidth, (inWidth + left - wC) / strideWidth);
      const wBase = (wR * filterWidth + wC) * inChannels * outChannels;
      for (let b = 0; b < batchSize; ++b) {
        for (let yR = yRMin; yR < yRMax; ++yR) {
          const xRow = wR + yR * strideHeight - top;
          for (let yC = yCMin; yC < yCMax; ++yC) {
            const xCol = wC + yC * strideWidth - left;
            const xBase = b * xB + xRow * xR + xCol * xC;
            const dyBase = b * yB + yR * yRs + yC * yCs;
            for (let d1 = 0; d1 < inChannels; ++d1) {
              const xv = xs[xBase + d1 * xD]!;
              const row = wBase + d1 * outChannels;
              for (let d2 = 0; d2 < outChannels; ++d2) {
                const at = row + d2;
                dW[at] = dW[at]! + xv * dys[dyBase + d2 * yD]!;
              }
            }
          }
        }
      }
    }
  }
  (backend.typedArrayFromHeap(out) as Float32Array).set(dW);
  return out;
}

/** `Conv2DBackpropFilter` on wasm: the weight gradient of `Conv2D`, so of every `Conv1D` layer. */
export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
