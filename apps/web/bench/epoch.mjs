// The web app's training speed in Chromium next to Node's, in one run (issue #16: "Chromium within 1.3× of Node"):
// the same measure.js, on the same rows of the lesson's data (imdb.load_data(num_words=500), train_test_split,
// pad_sequences(maxlen=100) through @seqlab/lesson), in the app's kind of worker with the app's wasm set-up, and in
// this Node process. Chromium three ways: as the app is served (cross-origin isolated, src/wasm-runtime.ts picks the
// binary), isolated with the threaded-SIMD binary forced (what the app ran before), and not isolated (the SIMD
// binary). Each model is warmed up in the four runtimes, then their timed epochs alternate (the order rotates every
// repeat), so a load that changes during the run weighs on all of them alike. Needs Debian's chromium
// (CHROMIUM_PATH) and SEQLAB_DATA_DIR.
//
//   node apps/web/bench/epoch.mjs [--models lstm,conv1d] [--batches 30] [--repeats 3] [--json]
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { imdbSource, prepareLessonData } from '@seqlab/lesson';
import { listModels } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { median, openEpoch, secondsPerEpoch } from './measure.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string' },
    batches: { type: 'string', default: '30' },
    repeats: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const models = values.models ? values.models.split(',') : listModels().map((m) => m.name);
const batches = Number(values.batches);
const repeats = Number(values.repeats);
const maxlen = 100;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const log = (line) => process.stderr.write(`${line}\n`);
const describe = (runtime) =>
  `${runtime.threadedBinary ? 'threaded-SIMD' : 'SIMD'} binary × ${runtime.threads}` +
  (runtime.isolated ? ', isolated' : '');

if (!process.env.SEQLAB_DATA_DIR) throw new Error('SEQLAB_DATA_DIR must name the folder with imdb.npz');
if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

const load = [loadavg()[0]];
const data = await prepareLessonData(imdbSource({ path: join(process.env.SEQLAB_DATA_DIR, 'imdb.npz') }), {
  numWords: 500,
  maxlen,
  testSize: 0.2,
  randomState: 42,
});
const rows = batches * 64;
const x = Int32Array.from(data.train.x.data.subarray(0, rows * maxlen));
const y = Float32Array.from(data.train.y.subarray(0, rows));

// Chromium as the app is served (cross-origin isolated by server/plugin.ts's headers), isolated on the threaded
// binary, and without isolation.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const VARIANTS = [
  ['app', ISOLATION_HEADERS, {}],
  ['threaded', ISOLATION_HEADERS, { threaded: true }],
  ['oneThread', {}, {}],
];

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = await mkdtemp(join(tmpdir(), 'seqlab-web-bench-'));
const servers = [];
let browser;
try {
  log('building the bench page (vite)…');
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, chunkSizeWarningLimit: 8192 },
  });
  const bytes = new Uint8Array(rows * (maxlen + 1) * 4);
  bytes.set(new Uint8Array(x.buffer), 0);
  bytes.set(new Uint8Array(y.buffer), rows * maxlen * 4);
  await writeFile(join(outDir, 'data.bin'), bytes);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const browserVersion = browser.version();
  // One runtime: `runtime` says what it runs on; open(model) warms a model up, run() times one epoch.
  const runtimes = [];
  for (const [variant, headers, init] of VARIANTS) {
    const server = await preview({
      root,
      configFile: false,
      logLevel: 'silent',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false, headers },
    });
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.httpServer.address().port}/`);
    await page.waitForFunction(() => typeof window.benchCall === 'function');
    const call = (request) => page.evaluate((r) => window.benchCall(r), request);
    runtimes.push({
      name: variant,
      runtime: await call({ op: 'init', maxlen, ...init }),
      open: (model) => call({ op: 'open', model }),
      run: () => call({ op: 'run' }),
      close: () => call({ op: 'close' }),
    });
  }
  const nodeRuntime = await initWasm();
  let nodeSession;
  runtimes.push({
    name: 'node',
    runtime: { backend: nodeRuntime.backend, simd: nodeRuntime.simd, threads: nodeRuntime.threads },
    open: async (model) => {
      nodeSession = await openEpoch(model, x, y, maxlen);
      return { warmupMs: nodeSession.warmupMs };
    },
    run: async () => ({ ms: await nodeSession.run() }),
    close: async () => nodeSession?.close(),
  });
  const byName = Object.fromEntries(runtimes.map((r) => [r.name, r]));
  log(
    `chromium ${browserVersion} (app: ${describe(byName.app.runtime)}; threaded: ` +
      `${describe(byName.threaded.runtime)}; not isolated: ${describe(byName.oneThread.runtime)}) and node ` +
      `${process.version}: ${models.join(', ')} (${batches} batches × ${repeats}, alternating)…`,
  );

  const table = [];
  for (const model of models) {
    const samples = Object.fromEntries(runtimes.map((r) => [r.name, []]));
    const warmupMs = {};
    for (const r of runtimes) warmupMs[r.name] = (await r.open(model)).warmupMs;
    for (let i = 0; i < repeats; i++) {
      for (let k = 0; k < runtimes.length; k++) {
        const r = runtimes[(i + k) % runtimes.length];
        samples[r.name].push(await r.run());
      }
    }
    for (const r of runtimes) await r.close();
    load.push(loadavg()[0]);
    const seconds = (name) =>
      secondsPerEpoch(
        samples[name].map((s) => s.ms),
        rows,
      );
    const n = seconds('node');
    const c = seconds('app');
    const one = seconds('oneThread');
    const threaded = seconds('threaded');
    const row = {
      model,
      nodeSeconds: n,
      chromiumSeconds: c,
      ratio: c / n,
      withinTarget: c / n <= 1.3,
      chromiumThreadedSeconds: threaded,
      threadedRatio: threaded / n,
      chromiumOneThreadSeconds: one,
      oneThreadRatio: one / n,
      // The app worker's yields to its event loop per timed epoch: tfjs' nextFrame (requestAnimationFrame, task
      // turns in the app's worker) and timers, with the milliseconds the frames waited.
      chromiumFramesPerEpoch: median(samples.app.map((s) => s.frames)),
      chromiumFrameMsPerEpoch: median(samples.app.map((s) => s.frameMs)),
      chromiumTimeoutsPerEpoch: median(samples.app.map((s) => s.timeouts)),
      // The first epoch (kernels compiled, heaps grown, code tiered up), in ms over the rows.
      warmupMs,
      samplesMs: Object.fromEntries(runtimes.map((r) => [r.name, samples[r.name].map((s) => s.ms)])),
    };
    table.push(row);
    log(`  ${model}: node ${n.toFixed(2)} s, chromium ${c.toFixed(2)} s (${row.ratio.toFixed(2)}×)`);
  }

  const report = {
    rows,
    repeats,
    load,
    node: { version: process.version, ...byName.node.runtime },
    chromium: {
      version: browserVersion,
      ...byName.app.runtime,
      oneThreadThreads: byName.oneThread.runtime.threads,
      threaded: byName.threaded.runtime,
    },
    table,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    console.log(
      `s per 20,000-row epoch (from ${batches} batches of 64, median of ${repeats}, runtimes alternating); load ` +
        `average ${load.map((l) => l.toFixed(1)).join(' → ')}; node ${byName.node.runtime.threads} thread; ` +
        `chromium ${browserVersion}: as the app is served ${describe(byName.app.runtime)}, threaded binary ` +
        `${describe(byName.threaded.runtime)}, not isolated ${describe(byName.oneThread.runtime)}`,
    );
    console.log(
      '| model | Node | Chromium (app) | ratio | ≤ 1.3× | threaded binary | ratio | not isolated | ratio |',
    );
    console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
    for (const r of table)
      console.log(
        `| ${r.model} | ${r.nodeSeconds.toFixed(2)} | ${r.chromiumSeconds.toFixed(2)} | ${r.ratio.toFixed(2)} | ` +
          `${r.withinTarget ? 'yes' : 'no'} | ${r.chromiumThreadedSeconds.toFixed(2)} | ` +
          `${r.threadedRatio.toFixed(2)} | ${r.chromiumOneThreadSeconds.toFixed(2)} | ${r.oneThreadRatio.toFixed(2)} |`,
      );
  }
} finally {
  await browser?.close();
  for (const server of servers) await server.close();
  await rm(outDir, { recursive: true, force: true });
}
