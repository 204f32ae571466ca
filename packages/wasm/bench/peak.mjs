// The one-core ceiling of f32x4 multiply-adds on this machine, to compare the kernels' G MAC/s with (a MAC is one
// lane's multiply and add, so one f32x4 multiply-add is 4). Two loop shapes, each timed with 2 to 12 independent
// accumulators (the best count is printed):
// - `registers`: acc_i += v · w_(i mod 4), v a splat loaded every iteration, w in registers (the arithmetic alone);
// - `loads`: acc_i += v · m[i], m a row of i vectors loaded every iteration from a 16 KB buffer (the shape of the
//   kernels' Mac.run: one splat and one vector load per 4 MACs).
// Each as f32x4.mul + f32x4.add and, when the runtime validates it, as one f32x4.relaxed_madd (FMA; Node 20 needs
// V8's --experimental-wasm-relaxed-simd, set below before any compile; Chromium has it). The modules are written
// here byte by byte: nothing of this ships in @seqlab/wasm.
// Usage: node bench/peak.mjs [--ms 20] [--rounds 25]. Prints one JSON line per shape and the load average.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';

const { values } = parseArgs({
  options: {
    ms: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '25' },
  },
});
const targetMs = Number(values.ms);
const rounds = Number(values.rounds);

// Harmless where relaxed SIMD is already on (or the flag is gone): validation below decides. No Liftoff: one long
// call never leaves the baseline tier (wasm has no on-stack replacement), so every module goes straight to TurboFan.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
v8.setFlagsFromString('--no-liftoff');

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const section = (id, body) => [id, ...uleb(body.length), ...body];
const simd = (op, ...imm) => [0xfd, ...uleb(op), ...imm];
const OP = {
  load: 0x00,
  load32Splat: 0x09,
  splat: 0x13,
  extractLane: 0x1f,
  add: 0xe4,
  mul: 0xe6,
  relaxedMadd: 0x105,
};
const local = {
  get: (i) => [0x20, ...uleb(i)],
  set: (i) => [0x21, ...uleb(i)],
};
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/**
 * A module with memory (1 page, exported) and `run(n: i32): f32`: n iterations of `accs` multiply-adds in the given
 * shape, returning lane 0 of the sum of the accumulators (so nothing is dead code).
 */
function peakModule(shape, accs, fma) {
  // Locals after the parameter n (0): p (1) the splat's address, q (2) the row's, then accs, w0..w3 and v (v128).
  const P = 1;
  const Q = 2;
  const ACC = 3;
  const W = ACC + accs;
  const V = W + 4;
  const body = [];
  for (let i = 0; i < 4; i++) {
    body.push(
      0x43,
      ...new Uint8Array(new Float32Array([1 + i / 1024]).buffer),
      ...simd(OP.splat),
      ...local.set(W + i),
    );
  }
  // loop: v = splat(mem[p]); acc_i += v · w; p = (p + 4) & 1023; q = (q + 128) & 16383; n -= 1; br_if n
  body.push(0x03, 0x40);
  body.push(...local.get(P), ...simd(OP.load32Splat, 2, 0), ...local.set(V));
  for (let i = 0; i < accs; i++) {
    const operand =
      shape === 'registers'
        ? local.get(W + (i % 4))
        : [...local.get(Q), ...simd(OP.load, 4, ...uleb(16 * i))];
    if (fma) {
      body.push(...local.get(V), ...operand, ...local.get(ACC + i), ...simd(OP.relaxedMadd));
    } else {
      body.push(...local.get(ACC + i), ...local.get(V), ...operand, ...simd(OP.mul), ...simd(OP.add));
    }
    body.push(...local.set(ACC + i));
  }
  body.push(...local.get(P), 0x41, 4, 0x6a, 0x41, ...sleb(1023), 0x71, ...local.set(P));
  body.push(
    ...local.get(Q),
    0x41,
    ...sleb(128 * ((accs + 7) >> 3)),
    0x6a,
    0x41,
    ...sleb(16383),
    0x71,
    ...local.set(Q),
  );
  body.push(...local.get(0), 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b);
  // Sum of the accumulators, lane 0.
  body.push(...local.get(ACC));
  for (let i = 1; i < accs; i++) body.push(...local.get(ACC + i), ...simd(OP.add));
  body.push(...simd(OP.extractLane, 0), 0x0b);
  const locals = [2, 2, I32, ...uleb(accs + 5), V128];
  const func = [...locals, ...body];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 1, I32, 1, F32]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, 3, ...[0x72, 0x75, 0x6e], 0x00, 0, 3, ...[0x6d, 0x65, 0x6d], 0x02, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ];
  return new Uint8Array(bytes);
}

/** Signed LEB128 of a small non-negative i32 constant. */
function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if (n === 0 && (b & 0x40) === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/**
 * G MAC/s of one module: calls of about targetMs, the fastest of `rounds` by this process' CPU time (a loaded machine
 * takes the core away for whole time slices, which wall time would count).
 */
function rate(bytes, accs) {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  new Float32Array(exports.mem.buffer, 0, 4096).fill(1e-3);
  let n = 1 << 16;
  for (;;) {
    const t0 = performance.now();
    exports.run(n);
    const ms = performance.now() - t0;
    if (ms > targetMs / 4 || n > 1 << 30) {
      n = Math.max(1, Math.round((n * targetMs) / Math.max(ms, 1e-3)));
      break;
    }
    n *= 4;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    exports.run(n);
    const { user, system } = process.cpuUsage(c0);
    best = Math.min(best, (user + system) / 1000);
  }
  return (n * accs * 4) / (best * 1e6);
}

const fmaAvailable = WebAssembly.validate(peakModule('registers', 2, true));
const ACCS = [2, 4, 6, 8, 10, 12];
for (const shape of ['registers', 'loads']) {
  for (const fma of fmaAvailable ? [false, true] : [false]) {
    const load = loadavg()[0];
    const byAccs = {};
    for (const accs of ACCS) byAccs[accs] = Number(rate(peakModule(shape, accs, fma), accs).toFixed(2));
    const best = Math.max(...Object.values(byAccs));
    const op = fma ? 'f32x4.relaxed_madd' : 'f32x4.mul+add';
    console.log(
      JSON.stringify({
        shape,
        op,
        gMacPerS: best,
        byAccumulators: byAccs,
        load: [load, loadavg()[0]].map((l) => Number(l.toFixed(2))),
      }),
    );
  }
}
if (!fmaAvailable)
  console.log(JSON.stringify({ op: 'f32x4.relaxed_madd', available: false, node: process.version }));
