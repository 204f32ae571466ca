import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { addressOf, heapKernels } from './_heap.js';
import { WasmKernelError } from './errors.js';

/**
 * `Conv2DBackpropInput` on wasm — the input gradient of `Conv2D`, so of every `Conv1D` layer — for channels-last
 * tensors in the heap module: port of tfjs-backend-cpu/src/kernels/Conv2DBackpropInput.ts (strides, padding 'same' /
 * 'valid' / number / explicit, dimRoundingMode; no dilations, as tfjs-core's Conv2D gradient), float32 sums with 4
 * output channels at a time. Stock tfjs-backend-wasm 4.22.0 takes about 8× longer for the zoo's Conv1D(32, 5).
 * Channels-first tensors, and the threaded build (no heap module), go to the stock kernel.
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
