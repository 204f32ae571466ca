// Per-step cost of small zoo models on the trainLesson path (fitDataset, the lesson's compile, the fused loss): the
// median of 3 epochs of `rows` random rows as wall ms and CPU ms (user + system, which a loaded machine inflates
// less) per step, and with --kernels the tfjs kernels of one step (count, and ms by name under tf.profile).
// Usage (after the build): node bench/step-profile.mjs [--models conv1d,embedding-simple-rnn] [--rows 6400] [--kernels]
// For a before/after, run it alternately in two checkouts and compare medians, with the load average it prints.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, trainLesson } from '../dist/index.node.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'conv1d,embedding-simple-rnn' },
    rows: { type: 'string', default: '6400' },
    kernels: { type: 'boolean', default: false },
  },
});
await initWasm();
const rows = Number(values.rows);
let s = 7;
const rand = () => {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  return s / 2 ** 32;
};
const x = {
  data: Int32Array.from({ length: rows * 100 }, () => 1 + Math.floor(rand() * 499)),
  shape: [rows, 100],
};
const y = Float32Array.from({ length: rows }, () => (rand() < 0.5 ? 0 : 1));
for (const name of values.models.split(',')) {
  const model = createModel(name, { seed: 1 });
  await trainLesson({ model, x, y, epochs: 1, seed: 1 }); // compile + warm-up
  const times = [];
  const stamps = [];
  const cpu = [];
  const cpuStamps = [];
  const load = loadavg()[0];
  await trainLesson({
    model,
    x,
    y,
    epochs: 3,
    seed: 1,
    compile: false,
    callbacks: {
      onEpochBegin: async () => {
        stamps.push(performance.now());
        cpuStamps.push(process.cpuUsage());
      },
      onEpochEnd: async () => {
        times.push(performance.now() - stamps.at(-1));
        const c = process.cpuUsage(cpuStamps.at(-1));
        cpu.push((c.user + c.system) / 1000);
      },
    },
  });
  const steps = Math.ceil(rows / 64);
  const ms = times.map((t) => t / steps).sort((a, b) => a - b)[1];
  const cpuMs = cpu.map((t) => t / steps).sort((a, b) => a - b)[1];
  const out = {
    model: name,
    msPerStep: +ms.toFixed(3),
    cpuMsPerStep: +cpuMs.toFixed(3),
    epochSeconds: +((ms * 313) / 1000).toFixed(3),
    load: [load, loadavg()[0]].map((n) => +n.toFixed(2)),
  };
  if (values.kernels) {
    const info = await tf.profile(async () => {
      await trainLesson({
        model,
        x: { data: x.data.subarray(0, 6400), shape: [64, 100] },
        y: y.subarray(0, 64),
        epochs: 1,
        compile: false,
      });
    });
    const byName = {};
    for (const k of info.kernels) {
      byName[k.name] ??= { n: 0, ms: 0 };
      const e = byName[k.name];
      e.n++;
      e.ms += k.kernelTimeMs;
    }
    out.kernels = info.kernels.length;
    out.byName = Object.fromEntries(
      Object.entries(byName)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => [k, `${v.n}×${v.ms.toFixed(3)}`]),
    );
  }
  console.log(JSON.stringify(out));
  model.dispose();
}
