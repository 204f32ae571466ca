// Fine-tuning a head over a frozen embedding and recurrent layer: the fused kernels' memory and tfjs' tensor count
// stay flat over 1,000 training steps (no dependence on garbage collection).
import { fusedMemoryStats, initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, rmsprop } from '../src/index.js';

const BATCH = 16;
const MAXLEN = 20;
const STEPS = 1000;

beforeAll(async () => {
  await initWasm();
});

describe.each(['lstm', 'gru', 'embedding-simple-rnn'] as const)('frozen %s, trainable head', (name) => {
  it(`${STEPS} training steps keep the fused memory and the tensor count flat`, async () => {
    const model = createModel(name, { numWords: 100, maxlen: MAXLEN, seed: 7 });
    for (const layer of model.layers) if (layer.name !== 'output') layer.trainable = false;
    model.compile({ optimizer: rmsprop({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
    const frozenBefore = model.getLayer('embedding').getWeights()[0]!.dataSync().slice();
    const headBefore = model.getLayer('output').getWeights()[0]!.dataSync().slice();
    const x = tf.tensor2d(
      Array.from({ length: BATCH * MAXLEN }, (_, i) => 3 + ((i * 37) % 97)),
      [BATCH, MAXLEN],
      'int32',
    );
    const y = tf.tensor2d(
      Array.from({ length: BATCH }, (_, i) => i % 2),
      [BATCH, 1],
    );
    let early: { memory: ReturnType<typeof fusedMemoryStats>; tensors: number } | undefined;
    for (let step = 1; step <= STEPS; step++) {
      await model.trainOnBatch(x, y);
      if (step === 10) early = { memory: fusedMemoryStats(), tensors: tf.memory().numTensors };
    }
    expect(fusedMemoryStats()).toEqual(early!.memory);
    expect(early!.memory.heldForwards).toBe(0);
    expect(tf.memory().numTensors).toBe(early!.tensors);
    // The head trained; the frozen layers did not.
    expect(model.getLayer('embedding').getWeights()[0]!.dataSync()).toEqual(frozenBefore);
    expect(model.getLayer('output').getWeights()[0]!.dataSync()).not.toEqual(headBefore);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  }, 300_000);
});
