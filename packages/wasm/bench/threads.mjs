// Whether two threads beat one inside the fused recurrent kernels: `setFusedThreads(2)` splits each call's batch in
// halves (rows [0, B/2) on this thread, [B/2, B) on the helper thread, on one shared WebAssembly memory) against
// `setFusedThreads(1)`. Lesson shapes: batch 64, 100 steps, 16 features, 8 units; forward + backward through
// `tf.grads` (the op as training calls it), LSTM, GRU and SimpleRNN, and WaveNet's gated block (16 channels,
// filters and skip channels, kernel 2, dilation 4, with residual); 1 and 2 threads alternating in blocks of 10
// (the first of each block not timed: the helper starts when a block of 2 begins), medians in ms.
// Run after `pnpm build`: `node bench/threads.mjs [--reps N] [--json]` (`pnpm bench` runs it with --json).
import { availableParallelism, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import {
  fusedGatedBlock,
  fusedGru,
  fusedLstm,
  fusedSimpleRnn,
  initWasm,
  setFusedThreads,
} from '../dist/index.js';

const B = 64;
const T = 100;
const F = 16;
const U = 8;
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 100;
const BLOCK = 10;
await initWasm({ threads: 1 });

const rand = (shape, seed) => tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
const x = rand([B, T, F], 1);
const ops = {
  lstm: { gates: 4, f: (xx, k, r, b) => fusedLstm(xx, k, r, b) },
  gru: { gates: 3, f: (xx, k, r, b) => fusedGru(xx, k, r, b, { resetAfter: false }) },
  simpleRnn: { gates: 1, f: (xx, k, r, b) => fusedSimpleRnn(xx, k, r, b) },
};
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
const results = [];
/** An op's differentiated inputs after x, and its forward + backward. */
function recurrent(op) {
  const weights = [rand([F, op.gates * U], 2), rand([U, op.gates * U], 3), rand([op.gates * U], 4)];
  return { weights, step: tf.grads((xx, kk, rr, bb) => tf.sum(op.f(xx, kk, rr, bb))) };
}
function gatedBlock() {
  // WaveNet's block: the filter, gate, skip and residual kernels and biases (F = 16 channels throughout).
  const weights = [
    rand([2, F, F], 2),
    rand([F], 3),
    rand([2, F, F], 4),
    rand([F], 5),
    rand([1, F, F], 6),
    rand([F], 7),
    rand([1, F, F], 8),
    rand([F], 9),
  ];
  const block = (h, fk, fb, gk, gb, sk, sb, rk, rb) => {
    const w = { filterKernel: fk, filterBias: fb, gateKernel: gk, gateBias: gb };
    const { skip, next } = fusedGatedBlock(
      h,
      { ...w, skipKernel: sk, skipBias: sb, residualKernel: rk, residualBias: rb },
      { dilationRate: 4 },
    );
    return tf.add(tf.sum(skip), tf.sum(next));
  };
  return { weights, step: tf.grads(block) };
}
const cases = [
  ...Object.entries(ops).map(([name, op]) => [name, () => recurrent(op)]),
  ['gatedBlock', gatedBlock],
];
for (const [name, make] of cases) {
  const { weights, step } = make();
  const times = { 1: [], 2: [] };
  for (let i = 0; i < reps; i += BLOCK) {
    for (const threads of [1, 2]) {
      await setFusedThreads(threads);
      tf.dispose(step([x, ...weights]));
      for (let j = 0; j < BLOCK; j++) {
        const t0 = performance.now();
        tf.dispose(step([x, ...weights]));
        times[threads].push(performance.now() - t0);
      }
    }
  }
  tf.dispose(weights);
  results.push({ op: name, oneThreadMs: median(times[1]), twoThreadsMs: median(times[2]) });
}
await setFusedThreads(1);
const loadAfter = load();
if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({
      batch: B,
      steps: T,
      features: F,
      units: U,
      reps,
      // The LSTM's: the fields the root bench (bench/src/_bench.ts) reads.
      oneThreadMs: results[0].oneThreadMs,
      twoThreadsMs: results[0].twoThreadsMs,
      loadBefore,
      loadAfter,
      results,
    }),
  );
} else {
  console.log(
    `fused forward + backward, batch ${B} × ${T} steps, ${F} features, ${U} units (${reps} alternating reps, ` +
      `medians; ${availableParallelism()} cores, load ${loadBefore} before, ${loadAfter} after):`,
  );
  for (const r of results) {
    console.log(
      `  ${r.op.padEnd(10)} 1 thread ${r.oneThreadMs.toFixed(3)} ms   2 threads ${r.twoThreadsMs.toFixed(3)} ms   ` +
        `speed-up ${(r.oneThreadMs / r.twoThreadsMs).toFixed(2)}×`,
    );
  }
}
