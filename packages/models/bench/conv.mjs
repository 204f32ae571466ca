// Milliseconds per training step (batch 64, maxlen 100, RMSprop) of the zoo's conv1d and wavenet on wasm, with the
// convolution layers on @seqlab/wasm's fused kernel (`fused`: paired with their GlobalMaxPooling1D and WaveNet's
// gated blocks as one op each, as the zoo builds them; `paired`: WaveNet's filter/gate pairs only, one call per
// other convolution; `unpaired`: one fused call per layer) and on tfjs' ops (`stock`, `fused = false`, what ran
// before): alternating steps in one process (the order rotated every round), medians of wall-clock and of this process' CPU time (less sensitive
// to other processes on a loaded machine), the load average next to them.
// Usage (after `pnpm build`): node bench/conv.mjs [--models conv1d,wavenet] [--steps 21]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { CausalConv1D, createModel, rmsprop } from '../dist/index.node.js';
import { fuseConvLayers } from '../dist/layers/_conv_graph.js';

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
  const MODES =
    name === 'wavenet' ? ['fused', 'paired', 'unpaired', 'stock'] : ['fused', 'unpaired', 'stock'];
  const use = (mode) => {
    if (mode === 'fused' || mode === 'paired') fuseConvLayers(model);
    for (const l of convs) {
      l.fused = mode !== 'stock';
      if (l instanceof CausalConv1D && mode !== 'fused') l.block = null;
      if (mode === 'unpaired') {
        l.pooledBy = null;
        if (l instanceof CausalConv1D) l.gate = l.gateOf = null;
      }
    }
  };
  const times = Object.fromEntries(MODES.map((m) => [m, []]));
  const cpu = Object.fromEntries(MODES.map((m) => [m, []]));
  for (const mode of MODES) {
    use(mode);
    await model.trainOnBatch(x, y); // warm-up
  }
  const load = loadavg()[0];
  for (let i = 0; i < steps; i++) {
    // Each round in a rotated order: every mode follows every other equally often (a step pays for the garbage
    // of the step before it).
    for (const mode of MODES.map((_, j) => MODES[(i + j) % MODES.length])) {
      use(mode);
      const start = performance.now();
      const used = process.cpuUsage();
      await model.trainOnBatch(x, y);
      times[mode].push(performance.now() - start);
      const { user, system } = process.cpuUsage(used);
      cpu[mode].push((user + system) / 1000);
    }
  }
  const ms = Object.fromEntries(MODES.map((m) => [m, median(times[m])]));
  const each = (f) => Object.fromEntries(MODES.map((m) => [m, f(ms[m])]));
  const epoch = (m) => Number(((m * Math.ceil(20000 / 64)) / 1000).toFixed(2));
  console.log(
    JSON.stringify({
      model: name,
      msPerStep: each((m) => Number(m.toFixed(2))),
      cpuMsPerStep: Object.fromEntries(MODES.map((m) => [m, Number(median(cpu[m]).toFixed(2))])),
      epochSeconds: each(epoch),
      speedup: Number((ms.stock / ms.fused).toFixed(2)),
      load: [load, loadavg()[0]].map((n) => Number(n.toFixed(1))),
    }),
  );
  model.dispose();
}
tf.dispose([x, y]);
