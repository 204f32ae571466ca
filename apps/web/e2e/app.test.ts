// End to end, in Debian's chromium: the built app (dist/, from `vite build`) served by `vite preview`.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.runIf(process.env['SEQLAB_DATA_DIR'])('the built app in chromium', () => {
  let server: PreviewServer;
  let base: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];

  async function open(): Promise<Page> {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    const p = context.pages()[0] ?? (await context.newPage());
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    p.on('pageerror', (e) => consoleErrors.push(String(e)));
    await p.goto(base);
    return p;
  }

  beforeAll(async () => {
    server = await preview({
      root,
      logLevel: 'silent',
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    const address = server.httpServer.address() as AddressInfo;
    base = `http://127.0.0.1:${address.port}/`;
    profile = await mkdtemp(join(tmpdir(), 'seqlab-web-'));
    page = await open();
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  test('starts TensorFlow.js on wasm with SIMD in the page and the worker', async () => {
    const runtime = page.locator('#runtime');
    await expect.poll(() => runtime.getAttribute('data-backend'), { timeout: 30_000 }).toBe('wasm');
    expect(await runtime.getAttribute('data-simd')).toBe('true');
    await expect.poll(() => runtime.getAttribute('data-worker-backend'), { timeout: 30_000 }).toBe('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(Number(await runtime.getAttribute('data-threads'))).toBeGreaterThanOrEqual(1);
  });

  test('loads imdb.npz from the server and shows the dataset facts', async () => {
    await page.locator('#data-server').click();
    await expect
      .poll(() => page.locator('#facts').getAttribute('data-train-size'), { timeout: 60_000 })
      .toBe('25000');
    await expect.poll(() => page.locator('#facts dd.sample').count(), { timeout: 30_000 }).toBe(1);
    const sample = await page.locator('#facts dd.sample').textContent();
    expect(sample?.startsWith('[START] ')).toBe(true);
  });

  test('trains a few batches in the worker while the chart updates and the page responds', async () => {
    await page.locator('input[name=limit]').fill('512');
    await page.locator('input[name=epochs]').fill('1');
    await page.locator('input[name=patience]').fill('1');
    await page.locator('#train-start').click();
    await expect
      .poll(() => page.locator('#train-progress').getAttribute('data-batches'), { timeout: 60_000 })
      .not.toBeNull();
    // The main thread answers while the worker trains.
    const state = await page.evaluate(() => document.getElementById('train-status')?.dataset['state']);
    const clicked = await page.evaluate(() => {
      let n = 0;
      const b = document.createElement('button');
      b.onclick = () => n++;
      b.click();
      return n;
    });
    expect(clicked).toBe(1);
    expect(state).toBe('running');
    await expect
      .poll(() => page.locator('#train-status').getAttribute('data-state'), { timeout: 90_000 })
      .toBe('finished');
    expect(Number(await page.locator('#train-progress').getAttribute('data-batches'))).toBe(7); // ceil(409.6 / 64)
    expect(await page.locator('#loss-chart').getAttribute('data-points')).toBe('2'); // loss + val_loss, 1 epoch
    expect(await page.locator('#loss-chart polyline').count()).toBe(2);
    await page.screenshot({ path: '/tmp/web-desktop.png', fullPage: true });
  });

  test('predicts a typed review with the pretrained model, word by word', async () => {
    await page.locator('#probe-model').selectOption({ index: 0 });
    await page
      .locator('#probe-text')
      .fill('This movie was wonderful, the acting was great and I loved it. Zxqv!');
    await page.locator('#probe-run').click();
    await expect
      .poll(() => page.locator('#probe-result').getAttribute('data-probability'), { timeout: 30_000 })
      .not.toBeNull();
    const p = Number(await page.locator('#probe-result').getAttribute('data-probability'));
    expect(p).toBeGreaterThan(0.5);
    expect(await page.locator('#probe-words .word').count()).toBe(13);
    expect(await page.locator('#probe-words .word.unknown').textContent()).toBe('zxqv');
    await page.setViewportSize({ width: 375, height: 800 });
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > 376 && e.closest('.table-wrap') === null)
        .slice(0, 5)
        .map((e) => `${e.tagName}#${e.id}.${e.getAttribute('class')}`),
    );
    expect(wide).toEqual([]);
    await page.screenshot({ path: '/tmp/web-narrow.png', fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('after a reload the cached data and the best checkpoint are still there', async () => {
    await context.close();
    page = await open();
    await expect
      .poll(() => page.locator('#facts').getAttribute('data-source'), { timeout: 60_000 })
      .toBe('cache');
    expect(await page.locator('#facts').getAttribute('data-train-size')).toBe('25000');
    const options = await page
      .locator('#probe-model option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const checkpoint = options.find((v) => v.startsWith('indexeddb://seqlab-run-'));
    expect(checkpoint).toBeDefined();
    await page.locator('#probe-model').selectOption(checkpoint!);
    await page.locator('#probe-text').fill('a dull and boring film');
    await page.locator('#probe-run').click();
    await expect
      .poll(() => page.locator('#probe-result').getAttribute('data-probability'), { timeout: 30_000 })
      .not.toBeNull();
    expect(await page.locator('#runs tbody tr').count()).toBe(1);
  });

  test('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
