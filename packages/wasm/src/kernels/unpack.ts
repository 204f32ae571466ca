import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Unpack,
  type UnpackAttrs,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { WasmKernelError } from './errors.js';
import { sliceView } from './slice.js';

function unpack(args: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = asWasmBackend(args.backend);
  const value = args.inputs['value'] as TensorInfo;
  const rank = value.shape.length;
  let { axis } = args.attrs as unknown as UnpackAttrs;
  assertNotComplex('Unpack', value);
  if (axis < 0) axis += rank;
  if (!(Number.isInteger(axis) && axis >= 0 && axis < rank)) {
    throw new WasmKernelError(
      'INVALID_ARGUMENT',
      `Unpack on wasm: axis must be an integer in [-${rank}, ${rank}) for a tensor of shape ` +
        `[${value.shape.join(', ')}], got ${String((args.attrs as unknown as UnpackAttrs).axis)}.`,
    );
  }
  const count = value.shape[axis]!;
  const outShape = value.shape.filter((_, d) => d !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = value.shape.slice();
  size[axis] = 1;
  const outs: TensorInfo[] = [];
  for (let i = 0; i < count; i++) {
    begin[axis] = i;
    outs.push(sliceView(backend, value, begin, size, outShape));
  }
  return outs;
}

/** `Unpack` (`tf.unstack`) on wasm: one view-based slice per output instead of one heap copy per output. */
export const unpackConfig: KernelConfig = { kernelName: Unpack, backendName: 'wasm', kernelFunc: unpack };
