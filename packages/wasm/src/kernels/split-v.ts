import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  SplitV,
  type SplitVAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { sliceView } from './slice.js';

function splitV(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const x = args.inputs['x'] as TensorInfo;
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
  assertNotComplex('SplitV', x);
  const axis_ = util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, axis_);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis_] = s;
    const part = sliceView(backend, x, begin.slice(), size);
    begin[axis_] = begin[axis_]! + s;
    return part;
  });
}

/** `SplitV` (`tf.split`, the LSTM/GRU gate split) on wasm through view-based slices. */
export const splitVConfig: KernelConfig = { kernelName: SplitV, backendName: 'wasm', kernelFunc: splitV };
