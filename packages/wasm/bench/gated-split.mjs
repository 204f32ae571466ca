// How well WaveNet's gated block kernels split over two threads, without tfjs around them: gatedBlockForward +
// gatedBlockBackward at the zoo's shape (batch 64 × 100 steps, 16 channels, filters and skip channels, kernel 2,
// dilation 4, with residual; --sparse: the last block behind a max over the steps) run whole on this thread, on
// half the batch on this thread, split over the two fused threads, and the helper's half alone (its fork-join
// included). The four alternate call by call; medians and 10th percentiles in ms. With --pause MS, each call
// follows MS of JavaScript work on this thread (as in a training step, where the helper sleeps between calls).
// Run after `pnpm build`: node bench/gated-split.mjs [--reps 400] [--sparse] [--pause 1]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fusedKernels, PARAMETER_ORDER } from '../dist/fused/_bindings.js';
import { arenaOf, fusedExports } from '../dist/fused/_module.js';
import { helperPool } from '../dist/fused/_threads.js';
import { initWasm } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '400' },
    sparse: { type: 'boolean', default: false },
    pause: { type: 'string', default: '0' },
  },
});
const reps = Number(values.reps);
const pause = Number(values.pause);
const sparse = values.sparse;
const info = await initWasm({ threads: 2 });
if (info.fusedThreads.threads !== 2) throw new Error(`two fused threads needed: ${info.fusedThreads.reason}`);
const mod = fusedExports();
const arena = arenaOf(mod);
const kernels = fusedKernels();
const pool = helperPool();

const B = 64;
const T = 100;
const CP = 16;
const K = 2;
const FP = 16;
const SP = 16;
const dil = 4;
const rows = B * T;
const sizes = {
  x: rows * CP,
  Wfg: K * CP * 2 * FP,
  bfg: 2 * FP,
  Ws: FP * SP,
  bs: SP,
  Wr: FP * CP,
  br: CP,
  Y: rows * 2 * FP,
  Z: rows * FP,
  S: rows * SP,
  N: rows * CP,
  dS: rows * SP,
  dN: rows * CP,
  dZ: rows * FP,
  dY: rows * 2 * FP,
  dx: rows * CP,
  dWfg: K * CP * 2 * FP,
  dbfg: 2 * FP,
  dWs: FP * SP,
  dbs: SP,
  dWr: FP * CP,
  dbr: CP,
  WR: K * 2 * FP * CP,
  WT: SP * FP,
  idx: rows,
};
const at = {};
for (const [name, n] of Object.entries(sizes)) at[name] = arena.allocPinned(n * 4).start;
const heap = () => new Float32Array(mod.memory.buffer);
let seed = 1;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32 - 0.5;
};
for (const name of ['x', 'Wfg', 'bfg', 'Ws', 'bs', 'Wr', 'br', 'dN']) {
  const h = heap();
  for (let i = 0; i < sizes[name]; i++) h[(at[name] >> 2) + i] = rand();
}
{
  // --sparse: about 16 nonzero steps per sequence and channel (a max over 100 steps reaches one per channel).
  const h = heap();
  for (let i = 0; i < sizes.dS; i++) {
    h[(at.dS >> 2) + i] = !sparse || (i % (SP * T) < SP * 16 && i % 7 === 0) ? rand() : 0;
  }
}
const residual = !sparse;
const r = (name) => (residual ? at[name] : 0);
const forward = (b) => ({
  ...{ B: b, T, CP, K, FP, SP, dil, residual, x: at.x, Wfg: at.Wfg, bfg: at.bfg, Ws: at.Ws, bs: at.bs },
  ...{ Wr: r('Wr'), br: r('br'), Y: at.Y, Z: at.Z, S: at.S, N: r('N') },
});
const backward = (b) => ({
  ...{
    B: b,
    T,
    CP,
    K,
    FP,
    SP,
    dil,
    residual,
    x: at.x,
    Wfg: at.Wfg,
    Ws: at.Ws,
    Wr: r('Wr'),
    Y: at.Y,
    Z: at.Z,
  },
  ...{ dS: at.dS, dN: r('dN'), dZ: at.dZ, dY: at.dY, dx: at.dx, dWfg: at.dWfg, dbfg: at.dbfg, dWs: at.dWs },
  ...{ dbs: at.dbs, dWr: r('dWr'), dbr: r('dbr'), WR: at.WR, WT: at.WT, idx: at.idx },
});
const positional = (name, args) =>
  PARAMETER_ORDER[name].map((key) => (args[key] === true ? 1 : args[key] === false ? 0 : args[key]));
const here = (b) => {
  mod.gatedBlockForward(...positional('gatedBlockForward', forward(b)));
  mod.gatedBlockBackward(...positional('gatedBlockBackward', backward(b)));
};
const runs = {
  whole: () => here(B),
  half: () => here(B / 2),
  split: () => {
    kernels.gatedBlockForward(forward(B));
    kernels.gatedBlockBackward(backward(B));
  },
  helper: () => {
    pool.run('gatedBlockForward', positional('gatedBlockForward', forward(B / 2)), () => {});
    pool.run('gatedBlockBackward', positional('gatedBlockBackward', backward(B / 2)), () => {});
  },
};
const busy = (ms) => {
  const t = performance.now();
  while (performance.now() - t < ms);
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
const times = { whole: [], half: [], split: [], helper: [] };
for (let i = 0; i < reps; i++) {
  for (const [name, run] of Object.entries(runs)) {
    if (pause > 0) busy(pause);
    const t0 = performance.now();
    run();
    times[name].push(performance.now() - t0);
  }
}
const q = (xs, f) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length * f)];
console.log(
  `gatedBlock forward + backward kernels, batch ${B} × ${T}, ${CP} channels, ${sparse ? 'last block, sparse skip gradient' : 'with residual'}` +
    `${pause > 0 ? `, ${pause} ms of JavaScript before each call` : ''} (${reps} reps; load ${loadBefore} before, ${load()} after):`,
);
for (const [name, ts] of Object.entries(times)) {
  console.log(`  ${name.padEnd(6)} median ${q(ts, 0.5).toFixed(3)} ms   p10 ${q(ts, 0.1).toFixed(3)} ms`);
}
console.log(
  `  split speed-up (whole / split): median ${(q(times.whole, 0.5) / q(times.split, 0.5)).toFixed(2)}×`,
);
process.exit(0);
