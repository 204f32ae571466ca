// The fused Conv1D (seqlab's module) against tfjs-backend-wasm's conv1d + activation (with seqlab's heap kernels
// for its gradients), forward + backward of one training step, for the zoo's conv1d layer (64 × 100 × 16 → 32
// filters, kernel 5, relu, then GlobalMaxPooling1D) and a WaveNet block's causal convolution (64 × 100 × 16 → 16,
// kernel 2, dilation 4, tanh). Medians of alternating runs in one process, `uptime` printed next to them.
// Run after `pnpm build`: `node bench/fused-conv.mjs`.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { fusedConv1d, initWasm } from '../dist/index.js';

await initWasm();

function causalStock(x, k, b, dil, act) {
  const K = k.shape[0];
  const [B, T, C] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [(K - 1) * dil, 0],
    [0, 0],
  ]);
  const taps = [];
  for (let i = 0; i < K; i++) taps.push(tf.slice(padded, [0, i * dil, 0], [B, T, C]));
  const y = tf.reshape(
    tf.matMul(tf.reshape(tf.concat(taps, 2), [B * T, K * C]), tf.reshape(k, [K * C, k.shape[2]])),
    [B, T, k.shape[2]],
  );
  return act(tf.add(y, b));
}

const cases = [
  {
    name: 'conv1d: [64,100,16] → 32 filters, kernel 5, relu, GlobalMaxPooling1D',
    shapes: [[64, 100, 16], [5, 16, 32], [32]],
    fused: (x, k, b) => fusedConv1d(x, k, b, { activation: 'relu', globalMaxPool: true }),
    stock: (x, k, b) => tf.max(tf.relu(tf.add(tf.conv1d(x, k, 1, 'valid'), b)), 1),
    fusedUnpooled: (x, k, b) => tf.max(fusedConv1d(x, k, b, { activation: 'relu' }), 1),
  },
  {
    name: 'wavenet block conv: [64,100,16] → 16, kernel 2, dilation 4, causal, tanh',
    shapes: [[64, 100, 16], [2, 16, 16], [16]],
    fused: (x, k, b) => fusedConv1d(x, k, b, { activation: 'tanh', padding: 'causal', dilationRate: 4 }),
    stock: (x, k, b) => causalStock(x, k, b, 4, tf.tanh),
  },
];

const load = loadavg().map((n) => Number(n.toFixed(1)));
for (const c of cases) {
  const inputs = c.shapes.map((s) => tf.randomNormal(s, 0, 0.5));
  const variants = {
    fused: c.fused,
    stock: c.stock,
    ...(c.fusedUnpooled ? { fusedUnpooled: c.fusedUnpooled } : {}),
  };
  const step = (f) => () =>
    tf.tidy(() => {
      const g = tf.grads((...xs) => tf.sum(f(...xs)))(inputs);
      for (const t of g) t.dataSync();
    });
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const f of Object.values(variants)) step(f)();
  for (let rep = 0; rep < 31; rep++) {
    for (const [k, f] of Object.entries(variants)) {
      const t0 = performance.now();
      step(f)();
      times[k].push(performance.now() - t0);
    }
  }
  const ms = Object.fromEntries(
    Object.entries(times).map(([k, v]) => [k, Number(v.sort((a, b) => a - b)[v.length >> 1].toFixed(2))]),
  );
  console.log(JSON.stringify({ name: c.name, ms, speedup: Number((ms.stock / ms.fused).toFixed(1)), load }));
  tf.dispose(inputs);
}
