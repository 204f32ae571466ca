// The probe, before any data is loaded: in English and Korean, at desktop and phone width, with axe and CLS checks.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { threadedBinaryThreads, useThreadedBinary } from '../src/lib/wasm-threads.js';
import { axeViolations, probe, type Session, screenshot, startSession } from './_browser.js';

const POSITIVE = 'This movie was wonderful, the acting was great and I loved it. Zxqv!';
const words = (el: Page) => el.locator('#probe-words li');

describe.runIf(process.env['SEQLAB_DATA_DIR'])('the probe in chromium', () => {
  let s: Session;
  let page: Page;
  beforeAll(async () => {
    s = await startSession();
    page = s.page;
  });
  afterAll(async () => s?.close());

  test('starts tfjs on wasm in the page and the worker without shifting the layout', async () => {
    const runtime = page.locator('#runtime');
    await expect.poll(() => runtime.getAttribute('data-backend'), { timeout: 30_000 }).toBe('wasm');
    expect(await runtime.getAttribute('data-simd')).toBe('true');
    await expect.poll(() => runtime.getAttribute('data-worker-backend'), { timeout: 30_000 }).toBe('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The threaded binary only where it computes with more than one thread (tfjs gives it half the logical cores).
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threaded = useThreadedBinary(true, cores);
    expect(await runtime.getAttribute('data-threaded-binary')).toBe(String(threaded));
    expect(await runtime.getAttribute('data-worker-threaded-binary')).toBe(String(threaded));
    expect(await runtime.getAttribute('data-worker-simd')).toBe('true');
    // tfjs' fit-loop yields in the built worker are task turns, not display frames (src/worker-frames.ts).
    expect(await runtime.getAttribute('data-worker-frames')).toBe('task');
    expect(await runtime.getAttribute('data-worker-threads')).toBe(
      String(threaded ? threadedBinaryThreads(cores) : 1),
    );
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __cls: number }).__cls)).toBeLessThan(0.01);
    // The probe is the first section.
    expect(await page.locator('main > section').first().getAttribute('id')).toBe('probe');
  });

  test('#18.8: predicts with the pretrained model before any data, each word value as text', async () => {
    expect(await page.locator('#facts').isHidden()).toBe(true);
    const p = await probe(page, POSITIVE);
    expect(p).toBeGreaterThan(0.5);
    expect(await words(page).count()).toBe(13);
    const texts = await words(page).allInnerTexts();
    expect(texts.every((t) => /\d\.\d+$|\d$/.test(t.trim()))).toBe(true);
    expect(await page.locator('#probe-words li.unknown .w').textContent()).toBe('zxqv');
    expect(await page.locator('#probe-words').getAttribute('aria-label')).toBe('Prediction after each word');
    expect(await page.locator('#probe-chart').getAttribute('data-points')).toBe('26'); // P over 13 words + the 0.5 line
    expect(await page.locator('#probe-window').getAttribute('data-msg')).toBe('probe.windowAll');
    await screenshot(page, 'probe', '#probe');
  });

  test('#18.1: a text without words, then an empty one, leave no old result behind', async () => {
    await probe(page, 'A great film.');
    await page.locator('#probe-text').fill('!!! ??? ...');
    await page.locator('#probe-run').click();
    await expect.poll(() => page.locator('#probe-error').getAttribute('data-msg')).toBe('probe.noWords');
    expect(await page.locator('#probe-result').textContent()).toBe('');
    expect(await page.locator('#probe-result').getAttribute('data-probability')).toBeNull();
    expect(await page.locator('#probe-details').isHidden()).toBe(true);
    await probe(page, 'A great film.');
    await page.locator('#probe-text').fill('   ');
    await page.locator('#probe-run').click();
    await expect.poll(() => page.locator('#probe-error').getAttribute('data-msg')).toBe('probe.empty');
    expect(await page.locator('#probe-result').textContent()).toBe('');
    expect(await words(page).count()).toBe(0);
  });

  test('#18.8: a clear warning when no word, or few words, are known', async () => {
    await probe(page, '정말 재미있는 영화였어요');
    expect(await page.locator('#probe-warning').getAttribute('data-msg')).toBe('probe.noneKnown');
    expect(await page.locator('#probe-warning').getAttribute('role')).toBe('alert');
    await probe(page, 'great qwzx blorf snarf');
    expect(await page.locator('#probe-warning').getAttribute('data-msg')).toBe('probe.fewKnown');
    await probe(page, POSITIVE);
    expect(await page.locator('#probe-warning').isHidden()).toBe(true);
  });

  test('#18.8: words before the last maxlen ids are marked as not counting', async () => {
    await probe(page, Array.from({ length: 75 }, () => 'great film').join(' '));
    expect(await words(page).count()).toBe(150);
    // 1 start id + 150 word ids: the model reads the last 100, words 51–150.
    expect(await page.locator('#probe-words li.outside').count()).toBe(50);
    expect(await page.locator('#probe-window').getAttribute('data-msg')).toBe('probe.window');
    expect(await axeViolations(page)).toEqual([]);
  });

  test('#18.8: a 5,000-word review is predicted in steps that reach the page', async () => {
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() =>
        seen.push(document.getElementById('probe-result')?.textContent ?? ''),
      ).observe(document.getElementById('probe-result')!, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const review = Array.from({ length: 1000 }, () => 'the plot was not good').join(' ');
    await probe(page, review);
    expect(await words(page).count()).toBe(5000);
    const progress = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    expect(progress.filter((t) => t.startsWith('Predicted ')).length).toBeGreaterThanOrEqual(5);
    await probe(page, POSITIVE);
  });

  test('axe finds no serious accessibility problem (English)', async () => {
    expect(await axeViolations(page)).toEqual([]);
  });

  test('#18.7: Korean everywhere, chart labels included, remembered after a reload', async () => {
    await page.locator('#language').selectOption('ko');
    expect(await page.locator('#probe-heading').textContent()).toBe('모델 살펴보기');
    await probe(page, POSITIVE);
    expect(await page.locator('#probe-result').textContent()).toMatch(/^P\(긍정\) = .* → 긍정$/);
    expect(await page.locator('#probe-chart svg').textContent()).toContain('단어');
    page = await s.reopen();
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('#language').inputValue()).toBe('ko');
    expect(await page.locator('#train-heading').textContent()).toBe('학습');
    await probe(page, POSITIVE);
    expect(await axeViolations(page)).toEqual([]);
  });

  test('#18.10: usable at 390 px, charts drawn at their real width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const [svgWidth, box] = await page.evaluate(() => {
      const c = document.getElementById('probe-chart')!;
      return [Number(c.querySelector('svg')?.getAttribute('width')), Math.round(c.clientWidth)];
    });
    expect(svgWidth).toBe(Math.max(280, box));
    await screenshot(page, 'probe-ko-phone', '#probe');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('#language').selectOption('en');
  });

  test('logged no console errors', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
