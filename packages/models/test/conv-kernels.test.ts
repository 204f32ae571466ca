import { initWasm, isWasmKernelRegistered, registerWasmKernels } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../src/index.node.js';
import { expectCurvesClose, toyCurve } from './_toy.js';

// Importing @seqlab/wasm registers stock tfjs-backend-wasm's kernels; initWasm then replaces these two with
// seqlab's heap-module kernels. Keep the stock ones to train the same models on them.
const WRAPPED = ['Equal', 'Conv2DBackpropInput'] as const;
const stock = WRAPPED.map((name) => tf.getKernel(name, 'wasm'));

const MAXLEN = 12;

beforeAll(async () => {
  expect(stock.every((k) => k !== undefined)).toBe(true);
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
});

function useStock(): void {
  for (const config of stock) {
    tf.unregisterKernel(config!.kernelName, 'wasm');
    tf.registerKernel(config!);
  }
  for (const name of WRAPPED) expect(isWasmKernelRegistered(name)).toBe(false);
}

function useSeqlab(): void {
  registerWasmKernels();
  for (const name of WRAPPED) expect(isWasmKernelRegistered(name)).toBe(true);
}

describe.each(['conv1d', 'wavenet'] as const)('%s: seqlab and stock wasm kernels', (name) => {
  it('trace the same training curve for a fixed seed, with no tensor leaked', {
    timeout: 120_000,
  }, async () => {
    const curve = async (kernels: 'stock' | 'seqlab') => {
      if (kernels === 'stock') useStock();
      else useSeqlab();
      const before = tf.memory().numTensors;
      const model = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 21 });
      const run = await toyCurve(model, MAXLEN);
      expect(tf.memory().numTensors).toBe(before);
      return run;
    };
    const ours = await curve('seqlab');
    const theirs = await curve('stock');
    useSeqlab();
    // Conv2DBackpropInput sums in another order (Equal is exact): close, not bit-equal.
    expectCurvesClose(ours, theirs, { curve: 1e-4, weights: 1e-3 });
  });
});
