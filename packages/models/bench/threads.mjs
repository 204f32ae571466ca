// Seconds per training epoch of 20,000 × 100 ids (batch 64, the lesson's recipe) with trainLesson at 1 and 2
// threads (recurrent models: the batch split inside the fused kernels; others: data-parallel worker threads),
// alternating 1, 2, 1, 2, … in this one process; medians, the speed-up, and the load average before and
// after. Each run trains 2 epochs and keeps the second (warm) one; the threads' start-up (~1 s) is reported apart.
// On a machine shared with other jobs, the 10th percentile of the step times says what the steps cost when the
// cores were free.
// With --compare, each round also runs 2 threads by the other mechanism (kernel split and data-parallel both, for
// any model: a model without split kernels just runs its kernels whole on the kernel "split"), alternating 1, 2 by
// kernels, 2 data-parallel, …
// Usage (after `pnpm build`): node bench/threads.mjs [--models lstm,gru,embedding-simple-rnn,stacked-lstm]
// [--rounds 3] [--rows 20000] [--compare] [--json]   (wavenet and conv1d: --models wavenet,conv1d)
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import { forceThreadMechanism, threadMechanism } from '../dist/_threads.js';
import { createModel, trainLesson } from '../dist/index.node.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'lstm,gru,embedding-simple-rnn,stacked-lstm' },
    rounds: { type: 'string', default: '3' },
    rows: { type: 'string', default: '20000' },
    json: { type: 'boolean', default: false },
    compare: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const rows = Number(values.rows);
const MAXLEN = 100;
await initWasm({ threads: 1 });

// Seeded ids in [1, 500) and 0/1 labels: the compute per step does not depend on what the ids mean.
let s = 7;
const rand = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return s / 2 ** 32;
};
const x = {
  data: Int32Array.from({ length: rows * MAXLEN }, () => 1 + Math.floor(rand() * 499)),
  shape: [rows, MAXLEN],
};
const y = Float32Array.from({ length: rows }, () => (rand() < 0.5 ? 0 : 1));

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

/**
 * One run: the second epoch's seconds, the start-up (call to first epoch) in seconds, and the second epoch's step
 * times in ms (from one batch's end to the next), for the quietest-steps figure.
 */
async function epochSeconds(name, threads, mechanism = null) {
  forceThreadMechanism(mechanism);
  const model = createModel(name, { seed: 1 });
  const marks = [];
  const steps = [];
  let last = 0;
  const called = performance.now();
  await trainLesson({
    model,
    x,
    y,
    epochs: 2,
    seed: 1,
    threads,
    callbacks: {
      onEpochBegin: async () => {
        marks.push(performance.now());
        last = performance.now();
      },
      onBatchEnd: async () => {
        const now = performance.now();
        if (marks.length === 3) steps.push(now - last);
        last = now;
      },
      onEpochEnd: async () => marks.push(performance.now()),
    },
  });
  model.dispose();
  forceThreadMechanism(null);
  return [(marks[3] - marks[2]) / 1000, (marks[0] - called) / 1000, steps];
}

/** The 10th percentile: on a machine shared with other jobs, the steps that ran with the cores to themselves. */
const p10 = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 10)];

/** 'kernels' or 'data': how trainLesson splits this model's batches. */
function mechanismOf(name) {
  const probe = createModel(name, { seed: 1 });
  const mechanism = threadMechanism(probe);
  probe.dispose();
  return mechanism;
}

const loadBefore = load();
const results = [];
for (const name of values.models.split(',')) {
  const mechanism = mechanismOf(name);
  const other = mechanism === 'kernels' ? 'data' : 'kernels';
  // 1 thread, 2 by the model's mechanism, and with --compare 2 by the other one ('other').
  const variants = values.compare ? [1, 2, 'other'] : [1, 2];
  const times = { 1: [], 2: [], other: [] };
  const startup = { 1: [], 2: [], other: [] };
  const steps = { 1: [], 2: [], other: [] };
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const [epoch, start, stepMs] =
        v === 'other' ? await epochSeconds(name, 2, other) : await epochSeconds(name, v);
      times[v].push(epoch);
      startup[v].push(start);
      steps[v].push(...stepMs);
    }
  }
  const compared = values.compare
    ? {
        [other === 'data' ? 'dataParallel' : 'kernelSplit']: {
          twoThreads: median(times.other),
          speedUp: median(times[1]) / median(times.other),
          quietStepMs: p10(steps.other),
        },
      }
    : {};
  results.push({
    model: name,
    mechanism,
    oneThread: median(times[1]),
    twoThreads: median(times[2]),
    speedUp: median(times[1]) / median(times[2]),
    startUp: median(startup[2]) - median(startup[1]),
    quietStepMs: { 1: p10(steps[1]), 2: p10(steps[2]) },
    ...compared,
    runs: times,
  });
}
const loadAfter = load();
if (values.json) {
  console.log(
    JSON.stringify({
      rows,
      maxlen: MAXLEN,
      batch: 64,
      rounds,
      cores: availableParallelism(),
      loadBefore,
      loadAfter,
      results,
    }),
  );
} else {
  console.log(
    `trainLesson epoch of ${rows} × ${MAXLEN}, batch 64 (medians of ${rounds} alternating runs; ` +
      `${availableParallelism()} cores, load ${loadBefore} before, ${loadAfter} after):`,
  );
  for (const r of results) {
    console.log(
      `  ${r.model.padEnd(8)} (${r.mechanism}) 1 thread ${r.oneThread.toFixed(2)} s   2 threads ${r.twoThreads.toFixed(2)} s   ` +
        `speed-up ${r.speedUp.toFixed(2)}×   (threads' start-up ${r.startUp.toFixed(2)} s)\n` +
        `           quietest steps (10th percentile): 1 thread ${r.quietStepMs[1].toFixed(2)} ms, ` +
        `2 threads ${r.quietStepMs[2].toFixed(2)} ms (${(r.quietStepMs[1] / r.quietStepMs[2]).toFixed(2)}×)`,
    );
    for (const key of ['dataParallel', 'kernelSplit']) {
      const c = r[key];
      if (c === undefined) continue;
      console.log(
        `           2 threads ${key === 'dataParallel' ? 'data-parallel' : 'kernel split'} instead: ` +
          `${c.twoThreads.toFixed(2)} s, speed-up ${c.speedUp.toFixed(2)}×, quietest steps ${c.quietStepMs.toFixed(2)} ms`,
      );
    }
  }
}
