import {
  type KernelConfig,
  type KernelFunc,
  OneHot,
  type OneHotAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { assertNotComplex, asWasmBackend } from './_backend.js';
import { WasmKernelError } from './errors.js';

/**
 * Port of tfjs-backend-cpu/src/kernels/OneHot.ts: `out[..., i] = onValue` where `i` is the index (when in
 * `[0, depth)`), `offValue` elsewhere, in the requested dtype. Stock tfjs-backend-wasm 4.22.0 writes int32 bits
 * whatever the dtype, so `tf.oneHot(ids, depth, 1, 0, 'float32')` reads back as denormals (1.4e-45) there.
 */
function oneHot(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = asWasmBackend(args.backend);
  const indices = args.inputs['indices'] as TensorInfo;
  const { dtype, depth, onValue, offValue } = args.attrs as unknown as OneHotAttrs;
  assertNotComplex('OneHot', indices);
  if (indices.dtype !== 'int32') {
    throw new WasmKernelError(
      'UNSUPPORTED_DTYPE',
      `OneHot on wasm: indices must be int32, got ${indices.dtype} of shape [${indices.shape.join(', ')}].`,
    );
  }
  if (dtype === 'string' || dtype === 'complex64') {
    throw new WasmKernelError(
      'UNSUPPORTED_DTYPE',
      `OneHot on wasm: dtype must be float32, int32 or bool, got ${dtype}.`,
    );
  }
  const out = backend.makeOutput([...indices.shape, depth], dtype);
  const events = util.sizeFromShape(indices.shape);
  if (events === 0 || depth === 0) return out;
  // Views after the only allocation: makeOutput may grow (and move) the heap.
  const ids = backend.typedArrayFromHeap(indices);
  const values = backend.typedArrayFromHeap(out);
  values.fill(offValue);
  for (let e = 0; e < events; e++) {
    const id = ids[e]!;
    if (id >= 0 && id < depth) values[e * depth + id] = onValue;
  }
  return out;
}

export const oneHotConfig: KernelConfig = {
  kernelName: OneHot,
  backendName: 'wasm',
  kernelFunc: oneHot as unknown as KernelFunc,
};
