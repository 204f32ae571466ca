// The fused kernels on two threads in Chromium: a cross-origin isolated page starts a Worker (the training worker's
// place), which runs fusedLstm forward + backward on one thread and then with setFusedThreads(2) — the helper a
// Worker nested in it on the same shared memory — and compares: forward bit for bit, gradients within rounding.
// Also checks that the page's main thread (which may not block) keeps one thread and says why.
// Run after `pnpm build`, with Debian's chromium (CHROMIUM_PATH) and playwright-core from apps/web:
//   node bench/browser-threads.mjs
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const { chromium } = createRequire(join(root, '../../apps/web/package.json'))('playwright-core');
// Inside the package, so the bundler resolves tfjs from its node_modules.
mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
const dir = mkdtempSync(join(root, 'node_modules/.cache/browser-threads-'));
const entry = join(dir, 'worker-entry.js');
writeFileSync(
  entry,
  `
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { fusedLstm, loadFusedKernels, setFusedThreads } from ${JSON.stringify(join(root, 'dist/fused/index.js'))};
self.onmessage = async () => {
  try {
    await tf.setBackend('cpu');
    await loadFusedKernels();
    const rand = (shape, seed) => tf.randomUniform(shape, -0.5, 0.5, 'float32', seed);
    const [x, k, r, b] = [rand([65, 30, 16], 1), rand([16, 32], 2), rand([8, 32], 3), rand([32], 4)];
    const w = rand([65, 30, 8], 5);
    const f = (xx, kk, rr, bb) => tf.sum(tf.mul(fusedLstm(xx, kk, rr, bb, { returnSequences: true }), w));
    const run = () => [fusedLstm(x, k, r, b, { returnSequences: true }), ...tf.grads(f)([x, k, r, b])]
      .map((t) => Array.from(t.dataSync()));
    const one = run();
    const info = await setFusedThreads(2);
    const times = { 1: [], 2: [] };
    const two = run();
    const again = run();
    for (let i = 0; i < 10; i++) {
      for (const n of [1, 2]) {
        await setFusedThreads(n);
        const t0 = performance.now();
        run();
        times[n].push(performance.now() - t0);
      }
    }
    await setFusedThreads(1);
    let forwardSame = one[0].every((v, i) => Object.is(v, two[0][i]));
    let worst = 0;
    for (let g = 1; g < one.length; g++) {
      const scale = Math.max(...one[g].map(Math.abs));
      for (let i = 0; i < one[g].length; i++) worst = Math.max(worst, Math.abs(one[g][i] - two[g][i]) / (1 + scale));
    }
    const repeat = two.every((a, g) => a.every((v, i) => Object.is(v, again[g][i])));
    const median = (xs) => xs.sort((p, q) => p - q)[xs.length >> 1];
    postMessage({ info, forwardSame, worst, repeat, isolated: self.crossOriginIsolated, ms1: median(times[1]), ms2: median(times[2]) });
  } catch (error) {
    postMessage({ error: String(error && error.stack || error) });
  }
};
`,
);
const page = join(dir, 'page-entry.js');
writeFileSync(
  page,
  `
import { loadFusedKernels, setFusedThreads } from ${JSON.stringify(join(root, 'dist/fused/index.js'))};
window.mainThread = loadFusedKernels().then(() => setFusedThreads(2));
const worker = new Worker('worker.js');
window.result = new Promise((resolve) => { worker.onmessage = (e) => resolve(e.data); });
worker.postMessage('go');
`,
);
for (const [input, file] of [
  [entry, 'worker.js'],
  [page, 'page.js'],
]) {
  const bundle = await rolldown({ input, platform: 'browser', logLevel: 'silent' });
  await bundle.write({ file: join(dir, file), format: file === 'worker.js' ? 'iife' : 'esm' });
}
writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>');
const server = createServer((req, res) => {
  const name = (req.url ?? '/').slice(1) || 'index.html';
  try {
    const body = readFileSync(join(dir, name));
    res.writeHead(200, {
      'Content-Type': name.endsWith('.html') ? 'text/html' : 'text/javascript',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => console.error(`[page] ${m.text()}`));
  tab.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  const main = await tab.evaluate(() => window.mainThread);
  const result = await tab.evaluate(() => window.result);
  console.log(JSON.stringify({ mainThread: main, worker: result }, null, 2));
  const ok =
    main.threads === 1 &&
    result.info?.threads === 2 &&
    result.isolated &&
    result.forwardSame &&
    result.repeat &&
    result.worst <= 2e-6;
  console.log(ok ? 'browser threads: OK' : 'browser threads: FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
