// Keras files in the page: open a Keras 2 .h5 and a Keras 3 .keras, probe them word by word, export the pretrained
// model as .keras/.h5 and check in Node that the downloaded file predicts what the page showed.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imdb } from '@seqlab/datasets';
import { inspectKerasModel, loadKerasModel } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { prefixMatrix, tokenizeReview } from '../src/lib/probe.js';
import { axeViolations, probe, root, type Session, startSession } from './_browser.js';

const dataDir = process.env['SEQLAB_DATA_DIR'];
const SHARED = join(root, '../../../shared/keras-models'); // the repo root's sibling ../shared/keras-models
const FIXTURES = join(root, '../../packages/models/test/fixtures/keras');
const REVIEW = 'This movie was wonderful, the acting was great and I loved it.';

/** What a Keras file predicts in Node for REVIEW (the page's last prefix row, one-hot rows when it takes them). */
async function nodePredict(
  bytes: Uint8Array,
  wordIndex: Map<string, number>,
  maxlen?: number,
): Promise<number> {
  const info = await inspectKerasModel(bytes);
  info.maxlen ??= maxlen;
  const model = await loadKerasModel(bytes);
  const tokens = tokenizeReview(REVIEW, wordIndex, { numWords: info.numWords! });
  const { data } = prefixMatrix(tokens, info.maxlen!);
  const last = data.subarray(data.length - info.maxlen!);
  const p = tf.tidy(() => {
    const ids = tf.tensor2d(last, [1, info.maxlen!], 'int32');
    const x = info.inputKind === 'one-hot' ? tf.cast(tf.oneHot(ids, info.numWords!), 'float32') : ids;
    return (model.predict(x) as tf.Tensor).dataSync()[0]!;
  });
  model.dispose();
  return p;
}

async function openKeras(page: Page, path: string): Promise<void> {
  await page.locator('#model-import-keras').setInputFiles(path);
  await expect
    .poll(
      async () =>
        (await page.locator('#models-error').getAttribute('data-msg')) ??
        (await page.locator('#models-status').getAttribute('data-msg')),
      { timeout: 60_000 },
    )
    .not.toBe('models.opening');
}

const selectedLabel = (page: Page) => page.locator('#probe-model option:checked').textContent();

describe.runIf(dataDir)('Keras files in chromium', () => {
  let s: Session;
  let page: Page;
  let wordIndex: Map<string, number>;
  let tmp: string;
  beforeAll(async () => {
    await initWasm();
    wordIndex = await imdb.getWordIndex(new Uint8Array(readFileSync(join(dataDir!, 'imdb_word_index.json'))));
    tmp = await mkdtemp(join(tmpdir(), 'seqlab-keras-e2e-'));
    s = await startSession();
    page = s.page;
  });
  afterAll(async () => {
    await s?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('opens a Keras 2.15 .h5 and a Keras 3.13 .keras and probes each word by word, as Keras would predict', async () => {
    for (const [file, numWords, maxlen] of [
      ['01-imdb-lstm-k2.15.h5', 5000, 500],
      ['13-movie-lstm-k3.13.keras', 10000, 200],
    ] as const) {
      const path = join(SHARED, file);
      await openKeras(page, path);
      expect(await page.locator('#models-error').isHidden()).toBe(true);
      expect(await page.locator('#models-status').getAttribute('data-msg')).toBe('models.importedKeras');
      const status = await page.locator('#models-status').textContent();
      expect(status).toContain(file);
      expect(status).toContain(`maxlen ${maxlen}`);
      expect(status?.replace(/\D/g, '')).toContain(String(numWords));
      expect(await selectedLabel(page)).toBe(`Imported: ${file.replace(/\.(h5|keras)$/, '')}`);
      const p = await probe(page, REVIEW);
      expect(await page.locator('#probe-words li').count()).toBe(12);
      expect(await page.locator('#probe-result').getAttribute('data-msg')).toBe('probe.result');
      expect(
        Math.abs(p - (await nodePredict(new Uint8Array(readFileSync(path)), wordIndex))),
      ).toBeLessThanOrEqual(1e-5);
    }
  });

  test('a one-hot model (like the lesson’s Ex2.h5), dropped onto the button, gets one-hot rows', async () => {
    const path = join(FIXTURES, 'k2-simple-rnn-onehot.h5');
    // dropped onto the button rather than chosen
    await page.evaluate(
      ({ b64, name }) => {
        const data = new DataTransfer();
        data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
        const init = { dataTransfer: data, bubbles: true, cancelable: true };
        document.getElementById('model-import-keras')!.dispatchEvent(new DragEvent('drop', init));
      },
      { b64: readFileSync(path).toString('base64'), name: 'k2-simple-rnn-onehot.h5' },
    );
    await expect
      .poll(() => page.locator('#models-status').getAttribute('data-msg'), { timeout: 60_000 })
      .toBe('models.importedKeras');
    expect(await selectedLabel(page)).toBe('Imported: k2-simple-rnn-onehot');
    expect(await page.locator('#models-status').textContent()).toContain('one-hot rows');
    const p = await probe(page, REVIEW);
    expect(await page.locator('#probe-words li').count()).toBe(12);
    expect(
      Math.abs(p - (await nodePredict(new Uint8Array(readFileSync(path)), wordIndex))),
    ).toBeLessThanOrEqual(1e-5);
  });

  test('a model without maxlen asks for it; a broken file is refused with a clear, translated message', async () => {
    const before = await page.locator('#probe-model option').count();
    const gru = join(SHARED, '03-imdb-gru-resetafter0-hardsig-k2.2.4.h5');
    await openKeras(page, gru);
    expect(await page.locator('#models-error').getAttribute('data-msg')).toBe('error.kerasMaxlen');
    expect(await page.locator('#models-error').textContent()).toContain('[[null,null]]');
    expect(await page.locator('#models-status').textContent()).toBe('');
    expect(await page.locator('#keras-ask').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#keras-maxlen').fill('100');
    await page.locator('#keras-ask-open').click();
    await expect
      .poll(() => page.locator('#models-status').getAttribute('data-msg'), { timeout: 60_000 })
      .toBe('models.importedKeras');
    expect(await page.locator('#keras-ask').isHidden()).toBe(true);
    expect(await page.locator('#models-error').isHidden()).toBe(true);
    expect(await selectedLabel(page)).toBe('Imported: 03-imdb-gru-resetafter0-hardsig-k2.2.4');
    const p = await probe(page, REVIEW);
    expect(
      Math.abs(p - (await nodePredict(new Uint8Array(readFileSync(gru)), wordIndex, 100))),
    ).toBeLessThanOrEqual(1e-5);

    const bad = join(tmp, 'not-a-model.h5');
    await writeFile(bad, 'this is not HDF5');
    await openKeras(page, bad);
    expect(await page.locator('#models-error').getAttribute('data-msg')).toBe('error.keras');
    expect(await page.locator('#models-error').textContent()).toMatch(
      /^“not-a-model\.h5” could not be opened/,
    );
    await page.locator('#language').selectOption('ko');
    expect(await page.locator('#models-error').textContent()).toMatch(
      /^“not-a-model\.h5”을\(를\) Keras 모델로 열 수 없습니다/,
    );
    await page.locator('#language').selectOption('en');
    expect(await page.locator('#models-status').textContent()).toBe('');
    expect(await page.locator('#keras-ask').isHidden()).toBe(true);
    expect(await page.locator('#probe-model option').count()).toBe(before + 1);
  });

  test('exports the pretrained model as .keras and .h5 that predict in Node what the page showed', async () => {
    await page.locator('#probe-model').selectOption({ index: 0 });
    const p = await probe(page, REVIEW);
    for (const format of ['keras', 'h5'] as const) {
      const download = page.waitForEvent('download');
      await page.locator(`#model-export-${format}`).click();
      const d = await download;
      expect(d.suggestedFilename()).toMatch(new RegExp(`^seqlab-pretrained-lstm-\\d{8}-\\d{6}\\.${format}$`));
      await expect
        .poll(() => page.locator('#models-status').getAttribute('data-msg'))
        .toBe('models.exportedKeras');
      const bytes = new Uint8Array(readFileSync(await d.path()));
      expect((await inspectKerasModel(bytes)).format).toBe(format);
      expect(Math.abs(p - (await nodePredict(bytes, wordIndex)))).toBeLessThanOrEqual(1e-5);
    }
  });

  test('opened Keras models stay after a reload and can be removed', async () => {
    page = await s.reopen();
    const imported = async () =>
      (await page.locator('#probe-model option').allTextContents()).filter((l) => l.startsWith('Imported: '));
    // the models panel lists IndexedDB's models once the page has read them
    await expect.poll(async () => (await imported()).length, { timeout: 30_000 }).toBe(4);
    // the maxlen the user gave a [null, null] model is kept with it
    const gru = (await imported()).find((l) => l.startsWith('Imported: 03-imdb-gru'));
    await page.locator('#probe-model').selectOption({ label: gru! });
    const q = await probe(page, REVIEW);
    const gruBytes = new Uint8Array(readFileSync(join(SHARED, '03-imdb-gru-resetafter0-hardsig-k2.2.4.h5')));
    expect(Math.abs(q - (await nodePredict(gruBytes, wordIndex, 100)))).toBeLessThanOrEqual(1e-5);
    const movie = (await imported()).find((l) => l.startsWith('Imported: 13-movie-lstm-k3.13'));
    expect(movie).toBeDefined();
    await page.locator('#probe-model').selectOption({ label: movie! });
    const p = await probe(page, REVIEW);
    const path = join(SHARED, '13-movie-lstm-k3.13.keras');
    expect(
      Math.abs(p - (await nodePredict(new Uint8Array(readFileSync(path)), wordIndex))),
    ).toBeLessThanOrEqual(1e-5);
    await page.locator('#model-remove').click();
    await expect.poll(() => page.locator('#models-status').getAttribute('data-msg')).toBe('models.removed');
    expect(await page.locator('#probe-model option').allTextContents()).not.toContain(movie);
  });

  test('logged no console errors', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
