import { Cast, Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend } from './_backend.js';

/**
 * The input's own data under a new tensor (the backend counts the reference, as its `Reshape` does and as
 * tfjs-backend-cpu's `Identity` does) instead of a copy: tensors are immutable, so a second reference reads the same
 * values. tfjs' tape clones every tensor a gradient will need (`Engine.saveTensorsForBackwardMode`), so stock
 * tfjs-backend-wasm 4.22.0 copies every saved activation and weight on every training step.
 */
function share(args: Parameters<KernelFunc>[0], x: TensorInfo): TensorInfo {
  asWasmBackend(args.backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** `Identity` on wasm sharing the data (strings go to the stock kernel). */
export function identityConfig(stock: KernelConfig): KernelConfig {
  const run = stock.kernelFunc;
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const x = args.inputs['x'] as TensorInfo;
    return x.dtype === 'string' ? (run(args) as TensorInfo) : share(args, x);
  };
  return { kernelName: Identity, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}

/** `Cast` on wasm: to the input's own dtype it shares the data; every real conversion goes to the stock kernel. */
export function castConfig(stock: KernelConfig): KernelConfig {
  const run = stock.kernelFunc;
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const x = args.inputs['x'] as TensorInfo;
    const dtype = (args.attrs as { dtype?: string } | undefined)?.dtype;
    return x.dtype !== 'string' && dtype === x.dtype ? share(args, x) : (run(args) as TensorInfo);
  };
  return { kernelName: Cast, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc };
}
