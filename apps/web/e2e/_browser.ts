// Shared by the end-to-end tests: the built app (dist/) served by `vite preview`, and Debian's chromium.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type PreviewServer, preview } from 'vite';

export const root = fileURLToPath(new URL('..', import.meta.url));
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

// Before the page's own scripts: layout shifts (CLS as Lighthouse sums them) and IndexedDB writes, by key.
const INIT = `
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
  window.__puts = [];
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (value, key) {
    window.__puts.push(String(key));
    return put.call(this, value, key);
  };
`;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now, as "rule: selectors". */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Saves a screenshot for the README when SEQLAB_SCREENSHOTS names a folder. */
export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  const dir = process.env['SEQLAB_SCREENSHOTS'];
  if (!dir) return;
  const target = selector ? page.locator(selector) : page;
  await target.screenshot({ path: join(dir, `${name}.png`) });
}

export interface Session {
  base: string;
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  /** Closes the browser and opens it again on the same profile (a reload with this browser's storage). */
  reopen(options?: { locale?: string; width?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startSession(options: { locale?: string; width?: number } = {}): Promise<Session> {
  const server: PreviewServer = await preview({
    root,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const address = server.httpServer.address() as AddressInfo;
  const base = `http://127.0.0.1:${address.port}/`;
  const profile = await mkdtemp(join(tmpdir(), 'seqlab-web-'));
  const consoleErrors: string[] = [];
  const session = {
    base,
    consoleErrors,
    async reopen(o: { locale?: string; width?: number } = options) {
      await session.context?.close();
      session.context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        args: ARGS,
        headless: true,
        locale: o.locale ?? 'en-US',
        viewport: { width: o.width ?? 1280, height: 900 },
        acceptDownloads: true,
      });
      await session.context.addInitScript(INIT);
      const p = session.context.pages()[0] ?? (await session.context.newPage());
      p.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      p.on('pageerror', (e) => consoleErrors.push(String(e)));
      await p.goto(base);
      session.page = p;
      return p;
    },
    async close() {
      await session.context?.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  } as Session;
  await session.reopen(options);
  return session;
}

/** Types a review, presses Predict and waits for the final probability. */
export async function probe(page: Page, review: string): Promise<number> {
  await page.locator('#probe-text').fill(review);
  await page.locator('#probe-run').click();
  await page.waitForFunction(
    () => {
      const r = document.getElementById('probe-result');
      return (
        r?.dataset['probability'] !== undefined &&
        !(document.getElementById('probe-run') as HTMLButtonElement).disabled
      );
    },
    undefined,
    { timeout: 60_000 },
  );
  return Number(await page.locator('#probe-result').getAttribute('data-probability'));
}
