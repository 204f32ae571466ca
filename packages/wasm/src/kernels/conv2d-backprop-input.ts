import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { addressOf, heapKernels } from './_heap.js';
import { WasmKernelError } from './errors.js';

/**
 * `Conv2DBackpropInput` on wasm — the input gradient of `Conv2D`, so of every `Conv1D` layer — for channels-last
 * tensors. Stride 1 (every Conv1D of the zoo): the stock XNNPACK `Conv2D` of dy, padded by (filter − 1 − the forward
 * pad) before and by what makes the output the input's size after, with the filter flipped in both spatial axes and
 * its channel axes swapped — dx[xR, xC, d1] = Σ dy[xR + top − wR, xC + left − wC, d2] · W[wR, wC, d1, d2]. Other
 * strides: the heap module, a port of tfjs-backend-cpu/src/kernels/Conv2DBackpropInput.ts (padding 'same' / 'valid'
 * / number / explicit, dimRoundingMode), float32 sums with 4 output channels at a time. No dilations, as tfjs-core's
 * Conv2D gradient. Stock tfjs-backend-wasm 4.22.0 loops over every element; channels-first tensors, and the threaded
 * build without a heap module at a stride above 1, still go to it.
 */
export function conv2DBackpropInputConfig(stock: KernelConfig): KernelConfig {
  const run = stock.kernelFunc;
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const backend = asWasmBackend(args.backend);
    const dy = args.inputs['dy'] as TensorInfo;
    const filter = args.inputs['filter'] as TensorInfo;
    const { inputShape, strides, pad, dataFormat, dimRoundingMode } =
      args.attrs as unknown as Conv2DBackpropInputAttrs;
    const heap = heapKernels(backend);
    if (heap === null || backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
      return run(args) as TensorInfo;
    }
    assertNotComplex('Conv2DBackpropInput', dy, filter);
    if (dy.shape.length !== 4 || filter.shape.length !== 4 || inputShape.length !== 4) {
      throw new WasmKernelError(
        'INVALID_ARGUMENT',
        `Conv2DBackpropInput on wasm: expected rank-4 dy, filter and inputShape, got dy of shape ` +
          `[${dy.shape.join(', ')}], filter of shape [${filter.shape.join(', ')}] and inputShape ` +
          `[${inputShape.join(', ')}].`,
      );
    }
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const expectedDy = [batchSize, outHeight, outWidth, outChannels];
    if (expectedDy.some((n, i) => n !== dy.shape[i]) || filter.shape[2] !== inChannels) {
      throw new WasmKernelError(
        'INVALID_ARGUMENT',
        `Conv2DBackpropInput on wasm: expected dy of shape [${expectedDy.join(', ')}] and a filter with ` +
          `${inChannels} input channels for inputShape [${inputShape.join(', ')}], got dy [${dy.shape.join(', ')}] ` +
          `and filter [${filter.shape.join(', ')}].`,
      );
    }
    const out = backend.makeOutput([...info.inShape], 'float32');
    if (batchSize * inHeight * inWidth * inChannels === 0) return out;
    if (outChannels === 0 || outHeight * outWidth === 0) {
      backend.typedArrayFromHeap(out).fill(0);
      return out;
    }
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = inHeight - outHeight + top;
    const right = inWidth - outWidth + left;
    const conv2d = getKernel('Conv2D', 'wasm');
    if (
      strideHeight === 1 &&
      strideWidth === 1 &&
      conv2d !== undefined &&
      top < filterHeight &&
      left < filterWidth &&
      bottom >= 0 &&
      right >= 0
    ) {
      backend.disposeData(out.dataId, true);
      // flipped[r, c, d2, d1] = W[fH − 1 − r, fW − 1 − c, d1, d2]
      const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, inChannels], 'float32');
      try {
        const from = backend.typedArrayFromHeap(filter);
        const to = backend.typedArrayFromHeap(flipped);
        for (let r = 0; r < filterHeight; r++) {
          for (let c = 0; c < filterWidth; c++) {
            const src =
              ((filterHeight - 1 - r) * filterWidth + (filterWidth - 1 - c)) * inChannels * outChannels;
            const dst = (r * filterWidth + c) * outChannels * inChannels;
            for (let d1 = 0; d1 < inChannels; d1++) {
              for (let d2 = 0; d2 < outChannels; d2++) {
                to[dst + d2 * inChannels + d1] = from[src + d1 * outChannels + d2]!;
              }
            }
          }
        }
        return conv2d.kernelFunc({
          inputs: { x: dy, filter: flipped },
          backend: args.backend,
          attrs: {
            strides: 1,
            dilations: 1,
            pad: [
              [0, 0],
              [filterHeight - 1 - top, bottom],
              [filterWidth - 1 - left, right],
              [0, 0],
            ],
            dataFormat: 'NHWC',
          },
        }) as TensorInfo;
      } finally {
        backend.disposeData(flipped.dataId, true);
      }
    }
    const scratch = backend.makeOutput([13], 'int32');
    try {
      const dims = [batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight];
      dims.push(filterWidth, strideHeight, strideWidth);
      dims.push(filterHeight - 1 - info.padInfo.top, filterWidth - 1 - info.padInfo.left);
      backend.typedArrayFromHeap(scratch).set(dims);
      heap.convInputGrad(
        addressOf(backend, dy),
        addressOf(backend, filter),
        addressOf(backend, out),
        addressOf(backend, scratch),
      );
    } finally {
      backend.disposeData(scratch.dataId, true);
    }
    return out;
  };
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
