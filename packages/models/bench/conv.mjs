// Milliseconds per training step (batch 64, maxlen 100, RMSprop) of the zoo's conv1d and wavenet on wasm, with the
// convolution layers on @seqlab/wasm's fused kernel and on tfjs' ops (`fused = false`, what ran before it):
// alternating steps in one process, medians, the load average next to them.
// Usage (after `pnpm build`): node bench/conv.mjs [--models conv1d,wavenet] [--steps 21]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { CausalConv1D, createModel, rmsprop } from '../dist/index.node.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'conv1d,wavenet' },
    steps: { type: 'string', default: '21' },
  },
});
const steps = Number(values.steps);
await initWasm();
const x = tf.randomUniform([64, 100], 0, 500, 'int32', 1);
const y = tf.cast(tf.greater(tf.randomUniform([64, 1], 0, 1, 'float32', 2), 0.5), 'float32');
const median = (v) => v.sort((a, b) => a - b)[v.length >> 1];
for (const name of values.models.split(',')) {
  const model = createModel(name, { seed: 1 });
  model.compile({ optimizer: rmsprop({ learningRate: 1e-4 }), loss: 'binaryCrossentropy' });
  const convs = model.layers.filter((l) => l instanceof CausalConv1D || l.getClassName() === 'Conv1D');
  const setFused = (on) => {
    for (const l of convs) l.fused = on;
  };
  const times = { fused: [], stock: [] };
  for (const mode of ['fused', 'stock']) {
    setFused(mode === 'fused');
    await model.trainOnBatch(x, y); // warm-up
  }
  const load = loadavg()[0];
  for (let i = 0; i < steps; i++) {
    for (const mode of ['fused', 'stock']) {
      setFused(mode === 'fused');
      const start = performance.now();
      await model.trainOnBatch(x, y);
      times[mode].push(performance.now() - start);
    }
  }
  const ms = { fused: median(times.fused), stock: median(times.stock) };
  const epoch = (m) => Number(((m * Math.ceil(20000 / 64)) / 1000).toFixed(2));
  console.log(
    JSON.stringify({
      model: name,
      msPerStep: { fused: Number(ms.fused.toFixed(2)), stock: Number(ms.stock.toFixed(2)) },
      epochSeconds: { fused: epoch(ms.fused), stock: epoch(ms.stock) },
      speedup: Number((ms.stock / ms.fused).toFixed(2)),
      load: [load, loadavg()[0]].map((n) => Number(n.toFixed(1))),
    }),
  );
  model.dispose();
}
tf.dispose([x, y]);
