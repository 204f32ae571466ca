import { initWasm, isWasmKernelRegistered, registerWasmKernels } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, trainLesson } from '../src/index.node.js';
import { toyData } from './_toy.js';

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
      const history = await trainLesson({
        model,
        ...toyData(48, 3, MAXLEN),
        validationData: toyData(16, 4, MAXLEN),
        epochs: 4,
        batchSize: 16,
        learningRate: 1e-2,
        seed: 6,
      });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
      return {
        loss: history.history['loss'] as number[],
        val: history.history['val_loss'] as number[],
        weights,
      };
    };
    const ours = await curve('seqlab');
    const theirs = await curve('stock');
    useSeqlab();
    // Conv2DBackpropInput sums in another order (Equal is exact): close, not bit-equal.
    ours.loss.forEach((l, i) => {
      expect(Math.abs(l - theirs.loss[i]!), `loss ${i}`).toBeLessThan(1e-4);
      expect(Math.abs(ours.val[i]! - theirs.val[i]!), `val_loss ${i}`).toBeLessThan(1e-4);
    });
    expect(ours.loss[3]).toBeLessThan(ours.loss[0]!);
    ours.weights.forEach((w, i) => {
      w.forEach((v, j) => {
        expect(Math.abs(v - theirs.weights[i]![j]!)).toBeLessThan(1e-3);
      });
    });
  });
});
