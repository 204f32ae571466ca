// Whether two cores beat one for the fused LSTM: the batch split in two halves, one per thread, on a shared
// WebAssembly memory (the same AssemblyScript kernels compiled with --sharedMemory), against the whole batch on one
// thread. Lesson shapes: batch 64, 100 steps, 16 features, 8 units; forward + backward (the weight gradients of the
// halves summed at the end). Measures only; the fused ops themselves run on one thread.
// Run after `pnpm build`: `node bench/threads.mjs [--reps N] [--json]`. Prints medians in ms and the speed-up (one
// JSON object with --json; `pnpm bench` runs it so).
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import asc from 'assemblyscript/asc';

const B = 64;
const T = 100;
const F = 16;
const U = 8;
const UP = 8;
const GW = 4 * UP;

/** Byte layout of one thread's buffers in the shared memory, for `rows` sequences from `first`. */
function layout(base) {
  let at = base;
  const take = (floats) => {
    const p = at;
    at += Math.ceil((floats * 4) / 16) * 16;
    return p;
  };
  return {
    W: take(F * GW),
    R: take(U * GW),
    bias: take(GW),
    x: take(B * T * F),
    G: take(B * T * GW),
    C: take(B * T * UP),
    H: take(B * T * UP),
    dY: take(B * UP),
    dx: take(B * T * F),
    // Per-thread outputs and scratch (two sets).
    own: [0, 1].map(() => ({
      dW: take(F * GW),
      dR: take(U * GW),
      db: take(GW),
      dh: take(UP),
      dc: take(UP),
      zeros: take(UP),
      RT: take(GW * UP),
      WT: take(GW * F),
    })),
    end: () => at,
  };
}

/** Forward then backward over sequences [first, first + rows) with thread `k`'s outputs and scratch. */
function step(m, L, k, first, rows) {
  const o = L.own[k];
  const x = L.x + first * T * F * 4;
  const G = L.G + first * T * GW * 4;
  const C = L.C + first * T * UP * 4;
  const H = L.H + first * T * UP * 4;
  m.lstmForward(rows, T, F, U, UP, x, L.W, L.bias, L.R, 0, 0, 0, G, C, H, o.zeros);
  m.lstmBackward(
    rows,
    T,
    F,
    U,
    UP,
    x,
    L.W,
    L.R,
    0,
    0,
    0,
    G,
    C,
    H,
    L.dY + first * UP * 4,
    0,
    L.dx + first * T * F * 4,
    o.dW,
    o.dR,
    o.db,
    0,
    o.dh,
    o.dc,
    o.zeros,
    1,
    o.RT,
    o.WT,
  );
}

if (isMainThread) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  let wasm;
  const { error, stderr } = await asc.main(
    [
      join(root, 'assembly', 'index.ts'),
      '--outFile',
      'out.wasm',
      '--enable',
      'simd,threads',
      '--optimizeLevel',
      '3',
      '--noAssert',
      '--runtime',
      'stub',
      '--importMemory',
      '--sharedMemory',
      '--initialMemory',
      '256',
      '--maximumMemory',
      '1024',
    ],
    {
      writeFile: (name, contents) => {
        if (name.endsWith('.wasm')) wasm = contents;
      },
    },
  );
  if (error) throw new Error(stderr.toString());
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 1024, shared: true });
  const module = new WebAssembly.Module(wasm);
  const m = new WebAssembly.Instance(module, { env: { memory, abort: () => {} } }).exports;
  const base = Math.ceil(m.heapBase() / 16) * 16;
  const L = layout(base + 64);
  const f32 = new Float32Array(memory.buffer);
  let s = 7;
  for (let i = L.W >> 2; i < L.own[0].dW >> 2; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f32[i] = ((s / 2 ** 32) * 2 - 1) * 0.5;
  }
  const flag = new Int32Array(memory.buffer, base, 4); // [go, done] counters
  const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 200;
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { module, memory, base } });
  await new Promise((resolve) => worker.once('message', resolve));

  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  const one = [];
  const two = [];
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    step(m, L, 0, 0, B);
    one.push(performance.now() - t0);
    t0 = performance.now();
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
    step(m, L, 0, 0, B / 2);
    const want = r + 1;
    while (Atomics.load(flag, 1) < want) Atomics.wait(flag, 1, want - 1, 50);
    // The halves' weight gradients summed: 680 floats.
    const a = L.own[0];
    const b = L.own[1];
    for (const [p, q, n] of [
      [a.dW, b.dW, F * GW],
      [a.dR, b.dR, U * GW],
      [a.db, b.db, GW],
    ]) {
      for (let i = 0; i < n; i++) f32[(p >> 2) + i] += f32[(q >> 2) + i];
    }
    two.push(performance.now() - t0);
  }
  Atomics.store(flag, 2, 1);
  Atomics.add(flag, 0, 1);
  Atomics.notify(flag, 0);
  await worker.terminate();
  const w1 = median(one);
  const w2 = median(two);
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ batch: B, steps: T, features: F, units: U, reps, oneThreadMs: w1, twoThreadsMs: w2 }),
    );
  } else {
    console.log(
      `fused LSTM forward + backward, batch ${B} × ${T} steps, ${F} features, ${U} units (${reps} reps, medians; ` +
        `${cpus().length} cores, load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}):\n` +
        `  one thread, whole batch:        ${w1.toFixed(3)} ms\n` +
        `  two threads, half batch each:   ${w2.toFixed(3)} ms (speed-up ${(w1 / w2).toFixed(2)}x)`,
    );
  }
} else {
  const { module, memory, base } = workerData;
  const m = new WebAssembly.Instance(module, { env: { memory, abort: () => {} } }).exports;
  const L = layout(base + 64);
  const flag = new Int32Array(memory.buffer, base, 4);
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(flag, 0, seen);
    seen = Atomics.load(flag, 0);
    if (Atomics.load(flag, 2) === 1) break;
    step(m, L, 1, B / 2, B / 2);
    Atomics.add(flag, 1, 1);
    Atomics.notify(flag, 1);
  }
}
