// The kernels of a Conv1D training step (the zoo's conv1d: batch 64 × 100 steps × 16 channels → 32 filters, kernel
// 5): stock tfjs-backend-wasm 4.22.0 vs seqlab's heap-module kernels, median milliseconds of 31 calls (the machine
// may be shared: medians, and `uptime` printed next to them). Run after `pnpm build`: `node bench/conv.mjs`.
import { loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { initWasm, registerWasmKernels } from '../dist/index.js';

const WRAPPED = ['Equal', 'Conv2DBackpropInput'];
const stock = WRAPPED.map((name) => tf.getKernel(name, 'wasm'));
await initWasm();

function use(which) {
  if (which === 'stock') {
    for (const config of stock) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  } else {
    registerWasmKernels();
  }
}

function median(f, reps = 31) {
  f();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Number(times[reps >> 1].toFixed(2));
}

const load = loadavg().map((n) => Number(n.toFixed(1)));
const x = tf.randomNormal([64, 1, 100, 16]);
const dy = tf.randomNormal([64, 1, 96, 32]);
const w = tf.randomNormal([1, 5, 16, 32]);
const y = tf.relu(tf.randomNormal([64, 96, 32]));
const m = tf.max(y, 1, true);
const run = (name, inputs, attrs) => () => tf.dispose(tf.engine().runKernel(name, inputs, attrs));
const cases = [
  ['Equal [64,96,32] vs [64,1,32] (GlobalMaxPooling1D gradient)', run('Equal', { a: y, b: m }, {}), true],
  [
    'Conv2DBackpropInput dy [64,1,96,32] filter [1,5,16,32]',
    run(
      'Conv2DBackpropInput',
      { dy, filter: w },
      { inputShape: [64, 1, 100, 16], strides: 1, pad: 'valid', dataFormat: 'NHWC' },
    ),
    true,
  ],
  [
    'Conv2DBackpropFilter x [64,1,100,16] dy [64,1,96,32] (seqlab only; stock wasm has none)',
    run(
      'Conv2DBackpropFilter',
      { x, dy },
      { filterShape: [1, 5, 16, 32], strides: 1, pad: 'valid', dataFormat: 'NHWC' },
    ),
    false,
  ],
];
for (const [name, f, both] of cases) {
  const ms = {};
  if (both) {
    use('stock');
    ms.stock = median(f);
  }
  use('seqlab');
  ms.seqlab = median(f);
  console.log(
    JSON.stringify({
      name,
      ms,
      ...(both ? { speedup: Number((ms.stock / ms.seqlab).toFixed(1)) } : {}),
      load,
    }),
  );
}
tf.dispose([x, dy, w, y, m]);
