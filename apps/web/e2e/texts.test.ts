// Your own texts in chromium (issue #14, item 6): drop a CSV of Korean and English reviews or choose a folder of
// tickets, see the facts, train, probe with the run's vectorizer, reopen; bad files say what is wrong in Korean too.
// The fixtures are in the repository (e2e/fixtures/gen_texts.py): no shared data is needed.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKerasModel } from '@seqlab/models';
import { padSequences, textVectorizationFromJSON } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, root, type Session, screenshot, startSession } from './_browser.js';

const FIXTURES = join(root, 'e2e/fixtures');

/** Drops a file made of `bytes` onto the own-texts drop zone, as a drag from the desktop does. */
async function dropFile(page: Page, name: string, bytes: Uint8Array | string): Promise<void> {
  const b64 = Buffer.from(bytes).toString('base64');
  await page.evaluate(
    ({ b64, name }) => {
      const data = new DataTransfer();
      data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
      const init = { dataTransfer: data, bubbles: true, cancelable: true };
      document.getElementById('texts-drop')!.dispatchEvent(new DragEvent('drop', init));
    },
    { b64, name },
  );
}

const errorKey = (page: Page) => page.locator('#texts-error').getAttribute('data-msg');
const factsSize = (page: Page) => page.locator('#texts-facts').getAttribute('data-size');
const trainState = (page: Page) => page.locator('#train-status').getAttribute('data-state');

async function train(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values))
    await page.locator(`#train-form [name=${name}]`).fill(value);
  const runs = await page.locator('#runs tbody tr').count();
  await page.locator('#train-start').click();
  await expect.poll(() => page.locator('#runs tbody tr').count(), { timeout: 30_000 }).toBe(runs + 1);
  await expect.poll(() => trainState(page), { timeout: 240_000 }).toBe('finished');
}

/** Selects the probe model whose label matches, predicts `text`, and returns the result's label and value. */
async function probeRun(page: Page, label: RegExp, text: string) {
  // After a reload the runs come back from IndexedDB a moment after the page.
  const find = async () => {
    const options = await page
      .locator('#probe-model option')
      .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? ''] as const));
    return options.find(([, l]) => label.test(l))?.[0];
  };
  await expect.poll(find, { timeout: 30_000 }).toBeDefined();
  const value = await find();
  await page.locator('#probe-model').selectOption(value!);
  await page.locator('#probe-text').fill(text);
  await page.locator('#probe-run').click();
  await page.waitForFunction(
    () =>
      document.getElementById('probe-result')?.dataset['probability'] !== undefined &&
      !(document.getElementById('probe-run') as HTMLButtonElement).disabled,
    undefined,
    { timeout: 60_000 },
  );
  return {
    label: await page.locator('#probe-result').getAttribute('data-label'),
    p: Number(await page.locator('#probe-result').getAttribute('data-probability')),
    text: await page.locator('#probe-result').textContent(),
    classes: await page
      .locator('#probe-classes li')
      .evaluateAll((lis) =>
        lis.map((li) => [li.textContent, Number((li as HTMLElement).dataset['p'])] as const),
      ),
    words: await page.locator('#probe-words li .w').allTextContents(),
  };
}

describe('your own texts in chromium', () => {
  let s: Session;
  let page: Page;
  beforeAll(async () => {
    await initWasm();
    s = await startSession();
    page = s.page;
  });
  afterAll(async () => s?.close());

  test('a dropped CSV: columns from its header, the facts, and it becomes the training data', async () => {
    expect(await page.locator('#train-data').getAttribute('data-msg')).toBe('train.dataNone');
    await dropFile(page, 'reviews.csv', readFileSync(join(FIXTURES, 'reviews.csv')));
    await expect.poll(() => factsSize(page), { timeout: 60_000 }).toBe('120');
    expect(await page.locator('#texts-columns').isVisible()).toBe(true);
    expect(await page.locator('#texts-text-column').inputValue()).toBe('review');
    expect(await page.locator('#texts-label-column').inputValue()).toBe('sentiment');
    expect(await page.locator('#texts-facts').getAttribute('data-classes')).toBe('[["neg",60],["pos",60]]');
    expect(await page.locator('#texts-facts dd.classes').textContent()).toBe(
      'neg: 60 (50 %) · pos: 60 (50 %)',
    );
    expect(await page.locator('#texts-status').textContent()).toBe(
      'reviews.csv is ready; the next run trains on it.',
    );
    expect(await page.locator('#train-data').textContent()).toBe(
      'Training data: your texts “reviews.csv” (120 texts, 2 classes).',
    );
    // The Unicode option reads the texts again (and the run will use it).
    await page.locator('#texts-unicode').check();
    await expect.poll(() => page.locator('#texts-status').getAttribute('data-msg')).toBe('texts.ready');
    expect(await axeViolations(page)).toEqual([]);
  });

  test('trains on the CSV in the worker (sigmoid head), then probes Korean text with the run’s vectorizer', async () => {
    await train(page, {
      epochs: '2',
      batchSize: '16',
      numWords: '60',
      maxlen: '12',
      learningRate: '0.01',
    });
    expect(await page.locator('#train-status').getAttribute('data-msg')).toBe('train.finished');
    expect(Number(await page.locator('#batch-chart').getAttribute('data-points'))).toBe(12); // 2 × ceil(96 / 16)
    const result = await probeRun(
      page,
      /^Run #1 lstm on “reviews\.csv”: best epoch [12]$/,
      '정말 감동적인 영화, 최고의 배우!',
    );
    expect(result.words).toEqual(['정말', '감동적인', '영화', '최고의', '배우']);
    expect(['neg', 'pos']).toContain(result.label);
    expect(result.p).toBeGreaterThan(0);
    expect(result.p).toBeLessThan(1);
    expect(result.text).toMatch(/^P\(pos\) = [\d.]+ → (neg|pos)$/);
    expect(result.classes.map(([t]) => t!.split(':')[0])).toEqual(['neg', 'pos']);
    expect(result.classes[1]![1]).toBeCloseTo(result.p, 4);
    await screenshot(page, 'texts', '#data');
    // Stored like every run: after a reload the run, its model and its vocabulary are still there.
    page = await s.reopen();
    const again = await probeRun(
      page,
      /^Run #1 lstm on “reviews\.csv”: best epoch [12]$/,
      '정말 감동적인 영화, 최고의 배우!',
    );
    expect(again.p).toBeCloseTo(result.p, 6);
  }, 400_000);

  test('a chosen folder of tickets: 3 classes, a softmax head, the class probabilities', async () => {
    await page.locator('#texts-folder').setInputFiles(join(FIXTURES, 'tickets'));
    await expect.poll(() => factsSize(page), { timeout: 60_000 }).toBe('36');
    expect(await page.locator('#texts-columns').isHidden()).toBe(true);
    expect(await page.locator('#texts-facts').getAttribute('data-classes')).toBe(
      '[["billing",12],["bug",12],["praise",12]]',
    );
    await page.locator('#texts-unicode').check();
    await expect.poll(() => page.locator('#texts-status').getAttribute('data-msg')).toBe('texts.ready');
    await train(page, { epochs: '2', batchSize: '8', numWords: '40', maxlen: '12', learningRate: '0.01' });
    const result = await probeRun(
      page,
      /^Run #2 lstm on “tickets”: best epoch [12]$/,
      'The app crash 오류 again',
    );
    expect(result.classes.map(([t]) => t!.split(':')[0])).toEqual(['billing', 'bug', 'praise']);
    const probs = result.classes.map(([, p]) => p);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(result.p).toBeCloseTo(Math.max(...probs), 4);
    expect(['billing', 'bug', 'praise']).toContain(result.label);
    expect(await page.locator('#probe-chart').getAttribute('data-points')).toBe(String(3 * 5)); // a line per class over 5 words
    expect(await axeViolations(page)).toEqual([]);
    // The facts, the class list and the columns fit a phone's width.
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Exported as .keras with its vocabulary, the run predicts in Node (Keras reader, saved vectorizer) what the
    // page showed for the same text.
    const downloads: Download[] = [];
    const listener = (d: Download) => downloads.push(d);
    page.on('download', listener);
    await page.locator('#model-export-keras').click();
    await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(3);
    page.off('download', listener);
    expect(await page.locator('#models-status').getAttribute('data-msg')).toBe('models.exportedTexts');
    const file = async (suffix: string) => {
      const d = downloads.find((x) => x.suggestedFilename().endsWith(suffix));
      expect(d?.suggestedFilename()).toMatch(/^seqlab-run-2-lstm-\d{8}-\d{6}\./);
      return readFileSync(await d!.path());
    };
    const model = await loadKerasModel(new Uint8Array(await file('.keras')));
    const vectorizer = textVectorizationFromJSON((await file('.vectorizer.json')).toString('utf8'));
    expect(JSON.parse((await file('.classes.json')).toString('utf8'))).toEqual(['billing', 'bug', 'praise']);
    const ids = Array.from(vectorizer.call(['The app crash 오류 again']).data);
    const x = padSequences([ids], { maxlen: 12 });
    const node = tf.tidy(() =>
      Array.from((model.predict(tf.tensor2d(x.data, [1, 12], 'int32')) as tf.Tensor).dataSync()),
    );
    model.dispose();
    for (let c = 0; c < 3; c++) expect(Math.abs(node[c]! - probs[c]!)).toBeLessThanOrEqual(1e-5);
  }, 400_000);

  test('bad input: each problem with its own sentence, in English and Korean; nothing stale is trained on', async () => {
    const cases: [string, string | Uint8Array, string][] = [
      ['empty.csv', '', 'error.texts.EMPTY'],
      ['one.csv', 'text,label\n좋은 영화,pos\n멋진 영화,pos\n', 'error.texts.ONE_CLASS'],
      ['blank.csv', 'text,label\nfine,pos\nbad, \n', 'error.texts.BAD_LABEL'],
      [
        'latin1.csv',
        new Uint8Array([...Buffer.from('text,label\ncaf'), 0xe9, ...Buffer.from(',pos\nbad,neg\n')]),
        'error.texts.BAD_UTF8',
      ],
      ['missing.jsonl', '{"text": "fine", "label": "pos"}\n{"text": "bad"}\n', 'error.texts.MISSING_COLUMN'],
    ];
    for (const [name, bytes, key] of cases) {
      await dropFile(page, name, bytes);
      await expect.poll(() => errorKey(page), { timeout: 30_000 }).toBe(key);
      expect(await page.locator('#texts-facts').isHidden()).toBe(true);
      expect(await page.locator('#train-data').getAttribute('data-msg')).toBe('train.dataNone');
    }
    expect(await page.locator('#texts-error').textContent()).toMatch(
      /^The chosen column is not in the file: .*no column "label" on line 2/,
    );
    // A folder without any .txt file.
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-texts-'));
    try {
      mkdirSync(join(dir, 'notes'));
      writeFileSync(join(dir, 'notes', 'readme.md'), '# nothing to learn\n');
      await page.locator('#texts-folder').setInputFiles(dir);
      await expect.poll(() => errorKey(page), { timeout: 30_000 }).toBe('error.texts.EMPTY');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.locator('#train-start').click();
    expect(await page.locator('#train-error').getAttribute('data-msg')).toBe('train.needData');
    await page.locator('#language').selectOption('ko');
    expect(await page.locator('#texts-error').textContent()).toMatch(
      /^읽을 텍스트가 없습니다 \(빈 파일 또는 빈 폴더\): /,
    );
    await dropFile(page, 'latin1.csv', cases[3]![1]);
    await expect.poll(() => errorKey(page), { timeout: 30_000 }).toBe('error.texts.BAD_UTF8');
    expect(await page.locator('#texts-error').textContent()).toMatch(
      /^이 파일은 올바른 UTF-8 텍스트가 아닙니다 \(UTF-8로 저장하세요\): /,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#language').selectOption('en');
    expect(s.consoleErrors).toEqual([]);
  }, 200_000);
});
