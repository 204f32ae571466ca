// #12: the web worker's training path, run in Node, trains exactly what a direct runLesson call trains.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { textDatasetFromDirectory } from '@seqlab/datasets';
import { imdbSource, runLesson, textData } from '@seqlab/lesson';
import { textVectorizationFromJSON } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { openOwnTexts } from './own-texts.js';
import type { TrainEvent } from './protocol.js';
import { LESSON_FORM_DEFAULTS } from './runs.js';
import { lessonOptions, trainRun } from './training.js';

test('the form maps onto runLesson: patience as Keras, early stopping its own switch, limit only when set', () => {
  const npz = new Uint8Array(4);
  const keras = lessonOptions(npz, { ...LESSON_FORM_DEFAULTS, patience: 0 });
  expect(keras).toMatchObject({
    patience: 0,
    earlyStopping: true,
    epochs: 100,
    testSize: 0.2,
    randomState: 42,
  });
  expect(lessonOptions(npz, { ...LESSON_FORM_DEFAULTS, earlyStopping: false }).earlyStopping).toBe(false);
  const data = keras.data as { limit: number | null };
  expect(data.limit).toBeNull();
  expect(
    (lessonOptions(npz, { ...LESSON_FORM_DEFAULTS, limit: 300 }).data as { limit: number | null }).limit,
  ).toBe(300);
});

const dir = process.env['SEQLAB_DATA_DIR'];
describe.runIf(dir)('the worker training path on the real imdb.npz', () => {
  beforeAll(async () => {
    await initWasm();
  });

  test('per-epoch val_loss equals a direct runLesson call with the same options', async () => {
    const path = join(dir!, 'imdb.npz');
    const npz = new Uint8Array(await readFile(path));
    const config = { ...LESSON_FORM_DEFAULTS, limit: 300, epochs: 3, patience: 0, seed: 7 };
    const events: TrainEvent[] = [];
    const before = tf.memory().numTensors;
    const web = await trainRun(npz, config, { onEvent: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before);

    const direct = await runLesson({
      data: imdbSource({ path, limit: 300 }),
      model: 'lstm',
      epochs: 3,
      patience: 0,
      seed: 7,
    });
    direct.model.dispose();
    expect(web.history['val_loss']).toEqual(direct.history['val_loss']);
    expect(web.history['val_loss']!.length).toBeGreaterThan(0);
    expect(web.bestEpoch).toBe(direct.bestEpoch);
    expect(web.test).toEqual(direct.test);
    expect(web.result.data).toMatchObject({ train: 240, validation: 60, test: 300 });
    // The page's progress comes from the same run: one epoch event per history entry, batches with an ETA.
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.logs['val_loss'])).toEqual(web.history['val_loss']);
    const batches = events.filter((e) => e.type === 'batch');
    expect(batches.length).toBe(epochs.length * Math.ceil(240 / 64));
    expect(batches.every((b) => b.eta >= 0 && b.seconds >= 0)).toBe(true);
    expect(events.filter((e) => e.type === 'test')).toEqual([{ type: 'test', ...web.test }]);
    expect(events[0]).toMatchObject({ type: 'data', vocabulary: null });
  }, 240_000);

  test('an abort sent as a task (a message from the page) stops training mid-run', async () => {
    const npz = new Uint8Array(await readFile(join(dir!, 'imdb.npz')));
    const config = { ...LESSON_FORM_DEFAULTS, limit: 300, epochs: 30, earlyStopping: false, seed: 7 };
    const stop = new AbortController();
    let batches = 0;
    const out = await trainRun(npz, config, {
      signal: stop.signal,
      onEvent: (e) => {
        // Like the worker's cancel message: a task, which runs only if training gives the event loop a turn.
        if (e.type === 'batch' && ++batches === 2) setTimeout(() => stop.abort(), 0);
      },
    });
    expect(out.interrupted).toBe(true);
    expect(out.history['val_loss']?.length ?? 0).toBeLessThan(30);
    expect(batches).toBeLessThan(30 * 4);
  }, 240_000);
});

describe('the worker training path on your own texts (e2e/fixtures/tickets, 3 classes)', () => {
  beforeAll(async () => {
    await initWasm();
  });

  test('equals a direct runLesson call on the Node folder source; returns the vectorizer and the classes', async () => {
    const tickets = fileURLToPath(new URL('../../e2e/fixtures/tickets', import.meta.url));
    const files = readdirSync(tickets).flatMap((cls) =>
      readdirSync(join(tickets, cls)).map((name) => ({
        path: `tickets/${cls}/${name}`,
        file: new Blob([readFileSync(join(tickets, cls, name))]),
      })),
    );
    const source = await openOwnTexts({ kind: 'folder', files });
    const config = {
      ...LESSON_FORM_DEFAULTS,
      numWords: 40,
      maxlen: 12,
      epochs: 2,
      batchSize: 8,
      learningRate: 0.01,
      seed: 3,
      texts: { name: 'tickets', unicode: true },
    };
    const events: TrainEvent[] = [];
    const before = tf.memory().numTensors;
    const web = await trainRun(source, config, { onEvent: (e) => events.push(e) });
    expect(tf.memory().numTensors).toBe(before);

    const direct = await runLesson({
      data: textData({
        train: await textDatasetFromDirectory(tickets, { shuffle: false }),
        vectorizer: { unicode: true },
      }),
      model: 'lstm',
      numWords: 40,
      maxlen: 12,
      epochs: 2,
      batchSize: 8,
      learningRate: 0.01,
      seed: 3,
    });
    direct.model.dispose();
    expect(web.history['val_loss']).toEqual(direct.history['val_loss']);
    expect(web.history['val_loss']!.length).toBe(2);
    expect(web.vocabulary?.classNames).toEqual(['billing', 'bug', 'praise']);
    // The saved vectorizer is the one the run adapted: it reads a Korean ticket into the same ids.
    const saved = textVectorizationFromJSON(web.vocabulary!.vectorizer);
    expect(saved.unicode).toBe(true);
    expect(Array.from(saved.call(['앱 오류 결제']).data)).toEqual(
      Array.from(direct.vectorizer!.call(['앱 오류 결제']).data),
    );
    expect(events.filter((e) => e.type === 'epoch').length).toBe(2);
    // The vocabulary comes first, with the data event, so the page can keep it even if the run is cut short.
    expect(events[0]).toMatchObject({ type: 'data', vocabulary: web.vocabulary });
  }, 240_000);
});
