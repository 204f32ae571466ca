// imdb.loadData() on the real 17 MB imdb.npz: wall time and peak RSS, each run in a fresh child process
// (peak RSS = the child's process.resourceUsage().maxRSS, so nothing else in this process counts).
// Targets (issue #16): ≤ 0.6 s and ≤ 250 MB peak RSS for loadData({ numWords: 500 }) and loadData().
// Run after `pnpm build`: SEQLAB_DATA_DIR=/path/to/imdb pnpm --filter @seqlab/datasets bench [runs]
// Before/after: `… bench [runs] --against /other/checkout/packages/datasets` alternates the runs of this build
// and that one's (A B A B …, so both see the same machine load) and prints both medians per case.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CHILD = `
const { imdb } = await import(process.argv[2]);
const options = JSON.parse(process.argv[1]);
const fn = options.packed ? imdb.loadDataPacked : imdb.loadData;
delete options.packed;
if (fn === undefined) { console.log('null'); process.exit(0); } // an older build without it
const start = performance.now();
const cpu0 = process.cpuUsage();
const [[xTrain], [xTest]] = await fn(options);
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
// machine speed right now: 12M writes of a plain typed-array loop (small, so it adds nothing to maxRSS)
const maxRssMB = process.resourceUsage().maxRSS / 1024;
const a = new Int32Array(1e6);
const c0 = performance.now();
for (let k = 0; k < 12; k++) for (let i = 0; i < a.length; i++) a[i] = ((i + k) & 1023) + 3 < 500 ? i : 2;
const calibrationMs = performance.now() - c0;
const count = (x) => (Array.isArray(x) ? x.length : x.offsets.length - 1);
console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, calibrationMs, maxRssMB, train: count(xTrain), test: count(xTest) }));
`;

if (!process.env.SEQLAB_DATA_DIR) {
  console.error('set SEQLAB_DATA_DIR to the folder holding imdb.npz');
  process.exit(1);
}
const args = process.argv.slice(2);
const at = args.indexOf('--against');
const against = at >= 0 ? resolve(args.splice(at, 2)[1]) : undefined;
const runs = Number(args[0] ?? 5);
const builds = [
  { build: 'this', dir: fileURLToPath(new URL('..', import.meta.url)) },
  ...(against === undefined ? [] : [{ build: against, dir: against }]),
];
const cases = [
  { name: 'loadData({ numWords: 500 })', options: { numWords: 500 } },
  { name: 'loadData()', options: {} },
  { name: 'loadDataPacked({ numWords: 500 })', options: { numWords: 500, packed: true } },
  { name: 'loadDataPacked()', options: { packed: true } },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const { name, options } of cases) {
  const samples = builds.map(() => []);
  const load = loadavg()[0];
  for (let i = 0; i < runs; i++) {
    builds.forEach(({ dir }, b) => {
      const entry = pathToFileURL(resolve(dir, 'dist/index.js')).href;
      const out = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', CHILD, JSON.stringify(options), entry],
        { cwd: dir, encoding: 'utf8' },
      );
      samples[b].push(JSON.parse(out));
    });
  }
  builds.forEach(({ build }, b) => {
    const s = samples[b];
    if (s[0] === null) return;
    console.log(
      JSON.stringify({
        case: name,
        ...(builds.length > 1 ? { build } : {}),
        runs,
        medianMs: Math.round(median(s.map((x) => x.ms))),
        minMs: Math.round(Math.min(...s.map((x) => x.ms))),
        medianCpuMs: Math.round(median(s.map((x) => x.cpuMs))),
        medianCalibrationMs: Math.round(median(s.map((x) => x.calibrationMs))),
        peakRssMB: Math.round(Math.max(...s.map((x) => x.maxRssMB))),
        medianPeakRssMB: Math.round(median(s.map((x) => x.maxRssMB))),
        sequences: [s[0].train, s[0].test],
        loadAverage1m: Number(load.toFixed(2)),
        loadAverage1mAfter: Number(loadavg()[0].toFixed(2)),
        targets: { ms: 600, rssMB: 250 },
      }),
    );
  });
}
