// A training step (batch 64 × 100, the lesson's recipe) with tfjs-layers' binary cross-entropy and with
// @seqlab/wasm's fused loss kernel, alternating in one process: kernels per step and ms per step (median, min).
// Run after the build: node bench/fused-loss.mjs embedding-simple-rnn,lstm
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { useFusedLoss } from '../dist/_fused_loss.js';
import { createModel, rmsprop } from '../dist/index.node.js';

await initWasm();
const x = tf.randomUniform([64, 100], 0, 500, 'int32', 1);
const y = tf.cast(tf.greater(tf.randomUniform([64, 1], 0, 1, 'float32', 2), 0.5), 'float32');
for (const name of (process.argv[2] ?? 'embedding-simple-rnn,lstm').split(',')) {
  const model = createModel(name, { seed: 1 });
  model.compile({
    optimizer: rmsprop({ learningRate: 1e-4 }),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  const stock = model.lossFunctions;
  useFusedLoss(model);
  const fused = model.lossFunctions;
  const set = (f) => {
    model.lossFunctions = f ? fused : stock;
  };
  for (const f of [0, 1]) {
    set(f);
    for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
  }
  const kernels = {};
  for (const f of [0, 1]) {
    set(f);
    kernels[f ? 'fused' : 'stock'] = (
      await tf.profile(async () => {
        await model.trainOnBatch(x, y);
      })
    ).kernels.length;
  }
  const t = { 0: [], 1: [] };
  for (let r = 0; r < 20; r++)
    for (const f of [0, 1]) {
      set(f);
      const s = performance.now();
      for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
      t[f].push((performance.now() - s) / 5);
    }
  const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  console.log(
    JSON.stringify({
      name,
      kernels,
      stockMs: +med(t[0]).toFixed(3),
      fusedMs: +med(t[1]).toFixed(3),
      stockMin: +Math.min(...t[0]).toFixed(3),
      fusedMin: +Math.min(...t[1]).toFixed(3),
      load: (await import('node:os')).loadavg()[0],
    }),
  );
  model.dispose();
}
