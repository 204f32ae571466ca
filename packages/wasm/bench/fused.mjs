// Fused recurrent ops (one WebAssembly SIMD call per sequence) vs stock tfjs-layers layers (one kernel call per op
// per step) on the wasm backend, at the lesson's shapes: batch 64, 100 steps, 8 units, embedding 16, 500 words.
// Run after `pnpm build`: `node bench/fused.mjs [--quick] [--json out.json]`. Medians over repeats.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fusedGru, fusedLstm, fusedSimpleRnn, initWasm } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const jsonAt = process.argv.indexOf('--json');
const jsonPath = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
const REPS = quick ? 5 : 21;
const STOCK_REPS = quick ? 1 : 3;
const B = 64;
const T = 100;
const U = 8;
const E = 16;
const WORDS = 500;
const BATCHES_PER_EPOCH = Math.ceil(20000 / B);

const info = await initWasm();

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

function timeMs(f, reps) {
  tf.dispose(f());
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = f();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    times.push(performance.now() - t0);
    tf.dispose(out);
  }
  return median(times);
}

function maxDiff(a, b) {
  const x = a.dataSync();
  const y = b.dataSync();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

const oneHot = tf.tidy(() => tf.oneHot(tf.randomUniform([B, T], 0, WORDS, 'int32'), WORDS).toFloat());
const embedded = tf.randomNormal([B, T, E], 0, 0.5);
const rows = [];

/** Times fused forward, fused forward+backward, and the stock layer's forward+backward, on the same weights. */
function compare(name, x, layer, fused, inputGradient = true) {
  const y = layer.apply(x);
  tf.dispose(y);
  const weights = layer.trainableWeights.map((w) => w.read());
  const xs = inputGradient ? [x, ...weights] : weights;
  const loss = (...args) => {
    const ws = inputGradient ? args.slice(1) : args;
    const input = inputGradient ? args[0] : x;
    return tf.sum(fused(input, ws));
  };
  const diff = tf.tidy(() => maxDiff(fused(x, weights), layer.apply(x)));
  const fwd = timeMs(() => fused(x, weights), REPS);
  const fwdBwd = timeMs(() => tf.grads(loss)(xs), REPS);
  const stockFwd = timeMs(() => layer.apply(x), STOCK_REPS);
  const stockFwdBwd = timeMs(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x)));
    return [value, ...Object.values(grads)];
  }, STOCK_REPS);
  const row = {
    name,
    fusedForwardMs: round(fwd),
    fusedForwardBackwardMs: round(fwdBwd),
    stockForwardMs: round(stockFwd),
    stockForwardBackwardMs: round(stockFwdBwd),
    speedup: round(stockFwdBwd / fwdBwd),
    fusedRecurrentSecondsPerEpoch: round((fwdBwd * BATCHES_PER_EPOCH) / 1000),
    maxForwardDiff: diff,
  };
  rows.push(row);
  return row;
}

function round(v) {
  return Number(v.toFixed(3));
}

compare(
  'simple-rnn-onehot SimpleRNN(8) [64,100,500]',
  oneHot,
  tfl.layers.simpleRNN({ units: U }),
  (x, [k, r, b]) => fusedSimpleRnn(x, k, r, b, { inputGradient: false }),
  false,
);
compare(
  'embedding-simple-rnn SimpleRNN(8) [64,100,16]',
  embedded,
  tfl.layers.simpleRNN({ units: U }),
  (x, [k, r, b]) => fusedSimpleRnn(x, k, r, b),
);
compare(
  'lstm LSTM(8) [64,100,16]',
  embedded,
  tfl.layers.lstm({ units: U, recurrentActivation: 'sigmoid' }),
  (x, [k, r, b]) => fusedLstm(x, k, r, b),
);
compare(
  'gru GRU(8, reset_after=false) [64,100,16]',
  embedded,
  tfl.layers.gru({ units: U, recurrentActivation: 'sigmoid' }),
  (x, [k, r, b]) => fusedGru(x, k, r, b, { resetAfter: false }),
);

// Variants stock tfjs-layers lacks: fused only.
const extra = {};
tf.tidy(() => {
  const k = tf.randomNormal([E, 4 * U], 0, 0.3);
  const r = tf.randomNormal([U, 4 * U], 0, 0.3);
  const b = tf.zeros([4 * U]);
  const p = { i: tf.randomNormal([U]), f: tf.randomNormal([U]), o: tf.randomNormal([U]) };
  extra.peepholeLstmForwardBackwardMs = round(
    timeMs(
      () =>
        tf.grads((x, ...w) => tf.sum(fusedLstm(x, w[0], w[1], w[2], { peepholes: p })))([embedded, k, r, b]),
      REPS,
    ),
  );
  const gk = tf.randomNormal([E, 3 * U], 0, 0.3);
  const gr = tf.randomNormal([U, 3 * U], 0, 0.3);
  const gb = tf.zeros([2, 3 * U]);
  extra.gruResetAfterForwardBackwardMs = round(
    timeMs(() => tf.grads((x, ...w) => tf.sum(fusedGru(x, w[0], w[1], w[2])))([embedded, gk, gr, gb]), REPS),
  );
  // Stacked LSTM: LSTM(8, return_sequences) → LSTM(8).
  const k2 = tf.randomNormal([U, 4 * U], 0, 0.3);
  extra.stackedLstmForwardBackwardMs = round(
    timeMs(
      () =>
        tf.grads((x, ...w) =>
          tf.sum(fusedLstm(fusedLstm(x, w[0], w[1], w[2], { returnSequences: true }), w[3], w[1], w[2])),
        )([embedded, k, r, b, k2]),
      REPS,
    ),
  );
  // Half a batch: what one of two worker threads would do if the batch were split.
  const half = embedded.slice([0, 0, 0], [B / 2, T, E]);
  extra.lstmHalfBatchForwardBackwardMs = round(
    timeMs(() => tf.grads((x, ...w) => tf.sum(fusedLstm(x, w[0], w[1], w[2])))([half, k, r, b]), REPS),
  );
  const review = embedded.slice([0, 0, 0], [1, T, E]);
  extra.lstmSingleReviewForwardMs = round(timeMs(() => fusedLstm(review, k, r, b), quick ? 20 : 200));
});

const result = { backend: info.backend, simd: info.simd, batch: B, steps: T, units: U, rows, extra };
console.table(rows);
console.log(extra);
if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
