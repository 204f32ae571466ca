// Data, training, runs and models in chromium: the flows of issue #18 that need imdb.npz.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, root, type Session, screenshot, startSession } from './_browser.js';

const dataDir = process.env['SEQLAB_DATA_DIR'];

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values))
    await page.locator(`#train-form [name=${name}]`).fill(value);
}
const state = (page: Page) => page.locator('#train-status').getAttribute('data-state');
const rows = (page: Page) => page.locator('#runs tbody tr');
const modelOptions = (page: Page) =>
  page
    .locator('#probe-model option')
    .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
const tfjsModels = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const req = indexedDB.open('tensorflowjs');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('model_info_store')) return resolve([]);
          const keys = db.transaction('model_info_store').objectStore('model_info_store').getAllKeys();
          keys.onsuccess = () => resolve(keys.result.map(String));
        };
      }),
  );

describe.runIf(dataDir)('data, training and runs in chromium', () => {
  let s: Session;
  let page: Page;
  beforeAll(async () => {
    s = await startSession();
    page = s.page;
  });
  afterAll(async () => s?.close());

  test('#18.2: loads imdb.npz from the server; the status says so in one language', async () => {
    await page.locator('#data-server').click();
    await expect
      .poll(() => page.locator('#facts').getAttribute('data-train-size'), { timeout: 90_000 })
      .toBe('25000');
    expect(await page.locator('#facts').getAttribute('data-source')).toBe('server');
    expect(await page.locator('#data-status').textContent()).toBe('Data ready (from this server).');
    await expect
      .poll(() => page.locator('#facts dd.sample').textContent(), { timeout: 30_000 })
      .toMatch(/^\[START\] /);
    await page.locator('#language').selectOption('ko');
    expect(await page.locator('#data-status').textContent()).toBe('데이터 준비 완료 (이 서버에서).');
    await page.locator('#language').selectOption('en');
  });

  test('#18.2: the OOV fact follows num_words', async () => {
    const oov500 = await page.locator('#facts dd.oov').textContent();
    await page.locator('#train-form [name=numWords]').fill('10000');
    await page.locator('#train-form [name=numWords]').dispatchEvent('change');
    await expect
      .poll(() => page.locator('#facts').getAttribute('data-num-words'), { timeout: 60_000 })
      .toBe('10000');
    expect(await page.locator('#facts dt', { hasText: 'Words outside' }).textContent()).toBe(
      'Words outside the top 10000',
    );
    expect(await page.locator('#facts dd.oov').textContent()).not.toBe(oov500);
    await page.locator('#train-form [name=numWords]').fill('500');
  });

  test('#18.6: num_words 2 is refused before training, nothing stuck', async () => {
    await fill(page, { numWords: '2' });
    await page.locator('#train-start').click();
    expect(await page.locator('#train-error').getAttribute('data-msg')).toBe('error.numWords');
    expect(await state(page)).toBe('idle');
    expect(await rows(page).count()).toBe(0);
    await fill(page, { numWords: '500' });
  });

  test('#18.9: trains, reports per-batch loss, time, the best epoch and the test set; the probe stays put', async () => {
    await fill(page, { limit: '300', epochs: '2' });
    await page.locator('#train-start').click();
    await expect.poll(() => state(page), { timeout: 180_000 }).toBe('finished');
    expect(await page.locator('#train-status').getAttribute('data-msg')).toBe('train.finished');
    expect(await page.locator('#train-test').textContent()).toMatch(
      /^Test reviews \(300\), best model: loss [\d.]+, accuracy [\d.]+ %$/,
    );
    expect(Number(await page.locator('#batch-chart').getAttribute('data-points'))).toBe(8); // 2 epochs × ceil(240 / 64)
    expect(await page.locator('#loss-chart').getAttribute('data-points')).toBe('5'); // loss, val_loss, best epoch
    expect(await rows(page).count()).toBe(1);
    expect(await rows(page).first().locator('td').nth(5).textContent()).toMatch(/^[\d.]+ \/ [\d.]+$/);
    expect(await rows(page).first().locator('td').nth(6).textContent()).toMatch(/ s$/);
    expect(await page.locator('#probe-model').inputValue()).toBe('/models/lstm/model.json');
    const labels = (await modelOptions(page)).map(([, label]) => label);
    expect(labels).toEqual([
      "Pretrained LSTM (the lesson's model, 80.6 % test accuracy)",
      expect.stringMatching(/^Run #1 lstm: best epoch [12]$/),
    ]);
    expect(await page.locator('body').textContent()).not.toContain('indexeddb://');
    await screenshot(page, 'train', '#train');
  }, 400_000);

  test('#18.4: Stop mid-epoch: status, table and chart count the same complete epochs', async () => {
    await fill(page, { limit: '1500', epochs: '20' });
    await page.locator('#train-start').click();
    // Pressed from inside the page, on the status change itself (a poll per display frame can miss a few fast
    // batches), mid-epoch 2; training stops after the batch under way when the worker hears it.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const check = (): void => {
            const status = document.getElementById('train-status')?.textContent ?? '';
            if (!/^Epoch 2 of 20 · batch ([2-9]|1[0-7]) of 19/.test(status)) return;
            observer.disconnect();
            document.getElementById('train-stop')?.click();
            resolve();
          };
          const observer = new MutationObserver(check);
          observer.observe(document.body, { subtree: true, childList: true, characterData: true });
          check();
        }),
    );
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe('stopped');
    const epochs = Number(await rows(page).nth(1).locator('td').nth(2).textContent());
    expect(epochs).toBeGreaterThanOrEqual(1);
    expect(epochs).toBeLessThan(20);
    expect(await page.locator('#train-status').textContent()).toMatch(
      new RegExp(`^Stopped after ${epochs} complete epoch\\(s\\)`),
    );
    // loss and val_loss with one point per complete epoch, plus the best-epoch marker: no half epoch plotted
    expect(await page.locator('#loss-chart').getAttribute('data-points')).toBe(String(2 * epochs + 1));
  }, 400_000);

  test('#18.9: runs can be opened, renamed and exported under a name that says what they are', async () => {
    await rows(page)
      .first()
      .getByRole('button', { name: /Show curves of run/ })
      .click();
    expect(await page.locator('#loss-caption').textContent()).toBe('Loss per epoch — #1 lstm');
    const name = rows(page).first().locator('input');
    await name.fill('first try');
    await name.dispatchEvent('change');
    expect(await page.locator('#loss-caption').textContent()).toBe('Loss per epoch — first try');
    const [value] = (await modelOptions(page)).find(([, label]) => label?.startsWith('Run first try')) ?? [];
    await page.locator('#probe-model').selectOption(value!);
    const download = page.waitForEvent('download');
    await page.locator('#model-export').click();
    expect((await download).suggestedFilename()).toMatch(/^seqlab-run-first-try-\d{8}-\d{6}\.json$/);
  });

  test('#18.3 and #18.10: a reload mid-training keeps the checkpoint; the cached npz is not written again', async () => {
    await fill(page, { limit: '600', epochs: '50' });
    await page.locator('#train-form [name=earlyStopping]').uncheck();
    await page.locator('#train-start').click();
    await page.waitForFunction(
      () => document.querySelectorAll('#runs tbody tr')[2]?.querySelectorAll('td')[2]?.textContent === '1',
      undefined,
      { polling: 'raf', timeout: 240_000 },
    );
    page = await s.reopen();
    await expect
      .poll(() => page.locator('#facts').getAttribute('data-source'), { timeout: 90_000 })
      .toBe('cache');
    expect(await page.evaluate(() => (window as unknown as { __puts: string[] }).__puts)).not.toContain(
      'imdb.npz',
    );
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await rows(page).nth(2).locator('td').nth(7).textContent()).toBe('stopped');
    expect(await rows(page).first().locator('input').inputValue()).toBe('first try');
    const id = await rows(page).nth(2).getAttribute('data-run-id');
    expect((await modelOptions(page)).map(([v]) => v)).toContain(`indexeddb://seqlab-${id}`);
    expect(await tfjsModels(page)).toContain(`seqlab-${id}`);
    await rows(page)
      .nth(2)
      .getByRole('button', { name: /^Delete/ })
      .click();
    await expect.poll(() => rows(page).count()).toBe(2);
    expect((await modelOptions(page)).map(([v]) => v)).not.toContain(`indexeddb://seqlab-${id}`);
    expect(await tfjsModels(page)).not.toContain(`seqlab-${id}`);
  }, 400_000);

  test('#18.9: an imported model can be probed and removed', async () => {
    const dir = join(root, 'public/models/lstm');
    await page.locator('#model-import').setInputFiles([join(dir, 'model.json'), join(dir, 'weights.bin')]);
    await expect
      .poll(() => page.locator('#models-status').getAttribute('data-msg'), { timeout: 30_000 })
      .toBe('models.imported');
    expect(await page.locator('#probe-model option:checked').textContent()).toBe('Imported: model');
    await page.locator('#model-remove').click();
    await expect.poll(() => page.locator('#models-status').getAttribute('data-msg')).toBe('models.removed');
    expect((await modelOptions(page)).some(([, label]) => label?.startsWith('Imported'))).toBe(false);
    expect((await tfjsModels(page)).some((k) => k.startsWith('seqlab-imported-'))).toBe(false);
  });

  test('axe finds no serious accessibility problem with runs and charts on screen', async () => {
    await rows(page)
      .first()
      .getByRole('button', { name: /Show curves of run/ })
      .click();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'runs', '#runs-section');
  });

  test('#18.2: a file opened from disk says so', async () => {
    await page.locator('#data-file').setInputFiles(join(dataDir!, 'imdb.npz'));
    await expect
      .poll(() => page.locator('#facts').getAttribute('data-source'), { timeout: 90_000 })
      .toBe('file');
    expect(await page.locator('#data-status').textContent()).toBe('Data ready (from your file).');
  });

  test('logged no console errors', () => {
    expect(s.consoleErrors).toEqual([]);
  });
});
