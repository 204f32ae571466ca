// Milliseconds per training step (batch 64, maxlen 100, the lesson's recipe) of each zoo model on wasm.
// Usage: pnpm --filter @seqlab/models bench [-- --models gru,lstm --steps 10]
import { parseArgs } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, MODEL_NAMES, rmsprop } from '../dist/index.node.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: MODEL_NAMES.join(',') },
    steps: { type: 'string', default: '10' },
  },
});
const steps = Number(values.steps);
const info = await initWasm();
console.log(`backend ${info.backend}, simd ${info.simd}, threads ${info.threads}`);
const x = tf.randomUniform([64, 100], 0, 500, 'int32', 1);
const y = tf.cast(tf.greater(tf.randomUniform([64, 1], 0, 1, 'float32', 2), 0.5), 'float32');
for (const name of values.models.split(',')) {
  const model = createModel(name, { seed: 1 });
  model.compile({ optimizer: rmsprop({ learningRate: 1e-4 }), loss: 'binaryCrossentropy' });
  await model.trainOnBatch(x, y); // warm-up
  const start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const ms = (performance.now() - start) / steps;
  const epoch = (ms * Math.ceil(20000 / 64)) / 1000;
  console.log(
    `${name.padEnd(22)} ${ms.toFixed(1).padStart(8)} ms/step  ≈ ${epoch.toFixed(0)} s per 20,000-row epoch`,
  );
  model.dispose();
}
tf.dispose([x, y]);
