// The web app's training speed in Chromium next to Node's, in one run (issue #16: "Chromium within 1.3× of Node"):
// the same measure.js, on the same rows of the lesson's data (imdb.load_data(num_words=500), train_test_split,
// pad_sequences(maxlen=100) through @seqlab/lesson), in the app's kind of worker with the app's wasm set-up, and in
// this Node process. Needs Debian's chromium (CHROMIUM_PATH) and SEQLAB_DATA_DIR.
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
import { measureEpoch } from './measure.js';

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

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = await mkdtemp(join(tmpdir(), 'seqlab-web-bench-'));
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

  // Chromium twice: as the app is served (cross-origin isolated by server/plugin.ts's headers, so initWasm picks
  // the threaded-SIMD binary with a thread per core) and without isolation (the one-thread SIMD binary).
  const ISOLATION_HEADERS = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const browserVersion = browser.version();
  const web = {};
  try {
    for (const [variant, headers] of [
      ['app', ISOLATION_HEADERS],
      ['oneThread', {}],
    ]) {
      const server = await preview({
        root,
        configFile: false,
        logLevel: 'silent',
        build: { outDir },
        preview: { host: '127.0.0.1', port: 0, strictPort: false, headers },
      });
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${server.httpServer.address().port}/`);
        await page.waitForFunction(() => typeof window.benchRun === 'function');
        log(
          `chromium ${browserVersion} (${variant}): ${models.join(', ')} (${batches} batches × ${repeats})…`,
        );
        web[variant] = await page.evaluate((job) => window.benchRun(job), { models, maxlen, repeats });
        await page.close();
      } finally {
        await server.close();
      }
      load.push(loadavg()[0]);
    }
  } finally {
    await browser.close();
  }

  log('node…');
  const runtime = await initWasm();
  const node = [];
  for (const name of models) node.push(await measureEpoch(name, x, y, maxlen, repeats));
  load.push(loadavg()[0]);

  const table = models.map((name, i) => {
    const n = node[i].secondsPerEpoch;
    const c = web.app.results[i].secondsPerEpoch;
    const one = web.oneThread.results[i].secondsPerEpoch;
    return {
      model: name,
      nodeSeconds: n,
      chromiumSeconds: c,
      ratio: c / n,
      withinTarget: c / n <= 1.3,
      chromiumOneThreadSeconds: one,
      oneThreadRatio: one / n,
    };
  });
  const report = {
    rows,
    repeats,
    load,
    node: {
      version: process.version,
      backend: runtime.backend,
      simd: runtime.simd,
      threads: runtime.threads,
    },
    chromium: {
      version: browserVersion,
      backend: web.app.runtime.backend,
      simd: web.app.runtime.simd,
      threads: web.app.runtime.threads,
      isolated: web.app.runtime.isolated,
      oneThreadThreads: web.oneThread.runtime.threads,
    },
    table,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    console.log(
      `s per 20,000-row epoch (from ${batches} batches of 64, median of ${repeats}); load average ${load
        .map((l) => l.toFixed(1))
        .join(' → ')}; node ${runtime.threads} thread; chromium as the app is served (isolated) ` +
        `${web.app.runtime.threads} thread(s), not isolated ${web.oneThread.runtime.threads}`,
    );
    console.log('| model | Node | Chromium (app) | ratio | ≤ 1.3× | Chromium (1 thread) | ratio |');
    console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: |');
    for (const r of table)
      console.log(
        `| ${r.model} | ${r.nodeSeconds.toFixed(2)} | ${r.chromiumSeconds.toFixed(2)} | ${r.ratio.toFixed(2)} | ` +
          `${r.withinTarget ? 'yes' : 'no'} | ${r.chromiumOneThreadSeconds.toFixed(2)} | ${r.oneThreadRatio.toFixed(2)} |`,
      );
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
