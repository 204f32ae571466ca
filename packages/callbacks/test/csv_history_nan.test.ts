import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallbackError, csvLogger, type HistoryEvent, history, terminateOnNaN } from '../src/index.js';

interface CsvCase {
  separator: string;
  appendHeader: boolean;
  epochs: Record<string, number | string>[];
  text: string;
}
const { csvs } = JSON.parse(readFileSync(new URL('./fixtures/formatting.json', import.meta.url), 'utf8')) as {
  csvs: CsvCase[];
};
const toNumber = (v: number | string): number =>
  typeof v === 'number' ? v : v === 'nan' ? Number.NaN : Number(v);

async function drive(callback: tfl.Callback, epochs: Record<string, number | string>[]): Promise<void> {
  await callback.onTrainBegin();
  for (const [epoch, logs] of epochs.entries()) {
    const numeric = Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, toNumber(v)]));
    await callback.onEpochEnd(epoch, numeric);
  }
  await callback.onTrainEnd();
}

beforeAll(async () => {
  await initWasm();
});

describe('csvLogger writes what Keras’ CSVLogger writes', () => {
  it.each(csvs.map((c) => [c.separator, c.appendHeader, c] as const))(
    'separator %j, header %s: byte for byte through a TextWriter',
    async (separator, appendHeader, c) => {
      let text = appendHeader ? '' : 'epoch.acc.loss.val_acc.val_loss\r\n';
      const logger = csvLogger(
        {
          hasContent: () => text.length > 0,
          write: (t) => {
            text += t;
          },
        },
        {
          separator,
          append: !appendHeader,
        },
      );
      await drive(logger, c.epochs);
      expect(text).toBe((appendHeader ? '' : 'epoch.acc.loss.val_acc.val_loss\r\n') + c.text);
    },
  );

  it('writes a file in Node, overwrites by default, and appends without a second header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqlab-csv-'));
    const file = join(dir, 'training.log');
    writeFileSync(file, 'stale\n');
    const first = csvs[0]!;
    await drive(csvLogger(file), first.epochs);
    expect(readFileSync(file, 'utf8')).toBe(first.text);
    await drive(csvLogger(file, { append: true }), first.epochs);
    const body = first.text.slice(first.text.indexOf('\r\n') + 2);
    expect(readFileSync(file, 'utf8')).toBe(first.text + body);
    const fresh = join(dir, 'fresh.log');
    await drive(csvLogger(fresh, { append: true }), first.epochs);
    expect(readFileSync(fresh, 'utf8')).toBe(first.text);
  });

  it('rejects a bad separator or writer', () => {
    expect(() => csvLogger('x.csv', { separator: ';;' })).toThrow(
      'CSVLogger: separator must be a 1-character string, got ";;".',
    );
    expect(() => csvLogger(42 as unknown as string)).toThrow(CallbackError);
  });
});

describe('history() recorder', () => {
  it('records epochs and batches in a real fit and notifies subscribers until they unsubscribe', async () => {
    const before = tf.memory().numTensors;
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const y = tf.tensor2d([1, 2, 3, 4], [4, 1]);
    const recorder = history({ batches: true });
    const seen: HistoryEvent['type'][] = [];
    const stop = recorder.subscribe((e) => seen.push(e.type));
    let lateEpochs = 0;
    const late = recorder.subscribe((e) => {
      if (e.type === 'epochEnd') lateEpochs += 1;
    });
    recorder.subscribe(() => {
      throw new Error('a broken chart must not stop training');
    });
    const errors: unknown[] = [];
    const originalError = console.error;
    console.error = (e: unknown) => errors.push(e);
    try {
      const h = await model.fit(x, y, { epochs: 2, batchSize: 2, callbacks: [recorder], verbose: 0 });
      late();
      await model.fit(x, y, { epochs: 1, batchSize: 4, callbacks: [recorder], verbose: 0 });
      expect(recorder.history['loss']!.slice(0, 2)).toEqual(h.history['loss']);
    } finally {
      console.error = originalError;
    }
    stop();
    expect(seen).toEqual([
      'trainBegin',
      'epochBegin',
      'batchEnd',
      'batchEnd',
      'epochEnd',
      'epochBegin',
      'batchEnd',
      'batchEnd',
      'epochEnd',
      'trainEnd',
      'trainBegin',
      'epochBegin',
      'batchEnd',
      'epochEnd',
      'trainEnd',
    ]);
    expect(lateEpochs).toBe(2);
    expect(errors).toHaveLength(15);
    expect(recorder.epochs).toEqual([0, 1, 0]);
    expect(recorder.history['loss']).toHaveLength(3);
    expect(recorder.batches.map((b) => [b.epoch, b.batch, b.logs['size']])).toEqual([
      [0, 0, 2],
      [0, 1, 2],
      [1, 0, 2],
      [1, 1, 2],
      [0, 0, 4],
    ]);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('terminateOnNaN', () => {
  it('stops a real fit at the first NaN batch loss', async () => {
    const before = tf.memory().numTensors;
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1], [Number.NaN], [1], [1]]);
    const y = tf.tensor2d([[1], [1], [1], [1]]);
    const messages: string[] = [];
    const h = await model.fit(x, y, {
      epochs: 5,
      batchSize: 1,
      shuffle: false,
      callbacks: [terminateOnNaN({ onMessage: (m) => messages.push(m) })],
      verbose: 0,
    });
    expect(messages).toEqual(['Batch 1: Invalid loss, terminating training']);
    expect(h.epoch).toEqual([0]);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('throws a typed error with raiseError', async () => {
    const callback = terminateOnNaN({ raiseError: true });
    await expect(callback.onBatchEnd(3, { loss: Number.POSITIVE_INFINITY })).rejects.toMatchObject({
      code: 'NAN_LOSS',
      message: 'NaN or Inf loss encountered at batch 3. Loss value: inf. Terminating training immediately.',
    });
  });
});
