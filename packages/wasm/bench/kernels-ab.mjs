// The fused module's hot kernels called directly, this build against another checkout's (a before/after without the
// model layers around them): WaveNet's four gated blocks (forward + backward), a Conv1D(32, 5) forward + backward,
// and LSTM and GRU forward + backward, at the zoo's shapes on one thread's half batch (32 × 100). Both modules get
// the same inputs; the calls alternate, and each figure is the median CPU time of one call (less sensitive to other
// processes than wall time), with the multiply-adds per second where the count is simple, and the load average.
// Usage (after `pnpm build` in both): node bench/kernels-ab.mjs --base /work/base/packages/wasm [--rounds 40]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '40' },
  },
});
if (values.base === undefined) {
  throw new Error(
    'kernels-ab: pass --base <another checkout>/packages/wasm (built), the module to compare with.',
  );
}
const rounds = Number(values.rounds);

async function instantiate(dir) {
  const { FUSED_WASM_BASE64 } = await import(join(dir, 'dist', 'fused', '_generated', 'fused-wasm.js'));
  const { instance } = await WebAssembly.instantiate(Buffer.from(FUSED_WASM_BASE64, 'base64'), {});
  return instance.exports;
}
const modules = {
  base: await instantiate(values.base),
  this: await instantiate(join(import.meta.dirname, '..')),
};

// 25 regions of 1 MiB, each larger than any array below; the same pseudo-random values in both modules.
const REGION = 1 << 20;
const REGIONS = 25;
for (const e of Object.values(modules)) {
  const need = e.heapBase() + REGION * REGIONS - e.memory.buffer.byteLength;
  if (need > 0) e.memory.grow(Math.ceil(need / 65536));
  const f = new Float32Array(e.memory.buffer, e.heapBase(), (REGION * REGIONS) / 4);
  let s = 1;
  for (let i = 0; i < f.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    f[i] = (s / 2 ** 32) * 0.2 - 0.1;
  }
}

const B = 32;
const T = 100;
const cases = [
  {
    // WaveNet's defaults: 16 channels, 16 filters (32 filter + gate columns), 16 skip channels, kernel 2; dense
    // gradients (the skip outputs' dense path, where the zoo's pooled ones take the sparse one).
    name: 'wavenet gated blocks (d = 1, 2, 4, 8)',
    macs: B * T * (4 * (2 * 16 * 32 + 16 * 16) + 3 * 16 * 16) * 3,
    run: (e, p) => {
      for (const dil of [1, 2, 4, 8]) {
        const residual = dil === 8 ? 0 : 1;
        e.gatedBlockForward(
          B,
          T,
          16,
          2,
          16,
          16,
          dil,
          residual,
          p(0),
          p(1),
          p(2),
          p(3),
          p(4),
          p(5),
          p(6),
          p(7),
          p(8),
          p(9),
          p(10),
        );
        e.gatedBlockBackward(
          B,
          T,
          16,
          2,
          16,
          16,
          dil,
          1,
          p(0),
          p(1),
          p(3),
          p(5),
          p(7),
          p(8),
          p(11),
          p(12),
          p(13),
          p(14),
          p(15),
          p(16),
          p(17),
          p(18),
          p(19),
          p(20),
          p(21),
          p(22),
          p(23),
          p(24),
        );
      }
    },
  },
  {
    name: 'conv1d 16 → 32, kernel 5, relu',
    macs: B * (T - 4) * 5 * 16 * 32 * 3,
    run: (e, p) => {
      e.conv1dForward(B, T, 16, 5, 32, 1, 0, T - 4, 1, p(0), p(1), p(2), p(3));
      e.conv1dBackward(B, T, 16, 5, 32, 1, 0, T - 4, 1, p(0), p(1), p(3), p(4), p(5), p(6), p(7), p(8), 1);
    },
  },
  ...[8, 32].map((U) => ({
    name: `lstm 16 → ${U}`,
    run: (e, p) => {
      e.lstmForward(B, T, 16, U, U, p(0), p(1), p(2), p(3), 0, 0, 0, p(5), p(6), p(7), p(8));
      e.lstmBackward(
        B,
        T,
        16,
        U,
        U,
        p(0),
        p(1),
        p(3),
        0,
        0,
        0,
        p(5),
        p(6),
        p(7),
        p(9),
        0,
        p(10),
        p(11),
        p(12),
        p(13),
        p(14),
        p(15),
        p(16),
        p(17),
        0,
        p(18),
        p(19),
      );
    },
  })),
  ...[8, 32].map((U) => ({
    name: `gru 16 → ${U}`,
    run: (e, p) => {
      e.gruForward(B, T, 16, U, U, p(0), p(1), p(2), p(3), p(4), 0, 0, 1, p(5), p(6), p(7), p(8), p(9));
      e.gruBackward(
        B,
        T,
        16,
        U,
        U,
        p(0),
        p(1),
        p(4),
        0,
        0,
        1,
        p(5),
        p(6),
        p(7),
        p(10),
        0,
        p(11),
        p(12),
        p(13),
        p(14),
        p(15),
        p(16),
        p(17),
        p(18),
        p(19),
        0,
        p(20),
        p(21),
      );
    },
  })),
];

const median = (v) => v.sort((a, b) => a - b)[v.length >> 1];
for (const c of cases) {
  const load = loadavg()[0];
  const ms = { base: [], this: [] };
  const call = (which) => {
    const e = modules[which];
    c.run(e, (i) => e.heapBase() + i * REGION);
  };
  for (const which of ['base', 'this']) for (let i = 0; i < 3; i++) call(which);
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 === 0 ? ['base', 'this'] : ['this', 'base']) {
      const used = process.cpuUsage();
      call(which);
      const { user, system } = process.cpuUsage(used);
      ms[which].push((user + system) / 1000);
    }
  }
  const base = median(ms.base);
  const now = median(ms.this);
  const out = {
    kernel: c.name,
    cpuMs: { base: +base.toFixed(3), this: +now.toFixed(3) },
    ratio: +(now / base).toFixed(2),
  };
  // Forward + two backward products per weight: about 3 × the forward's multiply-adds.
  if (c.macs !== undefined) {
    out.gMacPerS = { base: +(c.macs / base / 1e6).toFixed(1), this: +(c.macs / now / 1e6).toFixed(1) };
  }
  out.load = [load, loadavg()[0]].map((l) => +l.toFixed(2));
  console.log(JSON.stringify(out));
}
