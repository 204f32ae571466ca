import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, trainLesson } from '@seqlab/models';
import { padSequences, trainTestSplit } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imdbSource, LESSON_DEFAULTS, LessonError, type LessonEvent, runLesson } from '../src/index.js';
import { toySequences } from './_toy.js';

const NUM_WORDS = 40;
const MAXLEN = 16;

let root: string;
beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
  root = await mkdtemp(join(tmpdir(), 'seqlab-lesson-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const toy: { train: { x: number[][]; y: number[] }; test: { x: number[][]; y: number[] } } = {
  train: toySequences(160, 1),
  test: toySequences(64, 2),
};
const small = { numWords: NUM_WORDS, maxlen: MAXLEN, batchSize: 16 } as const;

/** Keras 3's EarlyStopping on a val_loss history (min mode, min_delta 0): the 0-based epoch it stops at, or -1. */
function kerasStopEpoch(valLoss: number[], patience: number): number {
  let best: number | undefined;
  let wait = 0;
  for (let epoch = 0; epoch < valLoss.length; epoch++) {
    const current = Math.fround(valLoss[epoch]!);
    wait += 1;
    if (best === undefined || current < best) {
      best = current;
      wait = 0;
      continue;
    }
    if (wait >= patience && epoch > 0) return epoch;
  }
  return -1;
}

describe('runLesson', () => {
  it('is the lesson recipe: the same curve as the steps done by hand, and reproducible', async () => {
    const before = tf.memory().numTensors;
    const events: LessonEvent[] = [];
    const result = await runLesson({
      data: toy,
      model: 'lstm',
      ...small,
      epochs: 3,
      seed: 5,
      onEvent: (e) => events.push(e),
    });
    expect(result.config).toMatchObject({
      model: 'lstm',
      numWords: NUM_WORDS,
      maxlen: MAXLEN,
      testSize: 0.2,
      randomState: 42,
      seed: 5,
      patience: 3,
      earlyStopping: true,
    });
    expect(result.data).toEqual({
      source: 'sequences',
      train: 128,
      validation: 32,
      test: 64,
      split: 'train_test_split',
      maxlen: MAXLEN,
      numWords: NUM_WORDS,
      limit: null,
      classNames: null,
      vocabularySize: null,
    });
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(Object.keys(result.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    expect(result.test?.acc).toBeGreaterThanOrEqual(0);

    // The same steps by hand: split, pad, build, train.
    const [xTrain, xVal, yTrain, yVal] = trainTestSplit(toy.train.x, Int32Array.from(toy.train.y), {
      testSize: 0.2,
      randomState: 42,
    }) as [number[][], number[][], Int32Array, Int32Array];
    const model = createModel('lstm', { numWords: NUM_WORDS, maxlen: MAXLEN, seed: 5 });
    const hand = await trainLesson({
      model,
      x: padSequences(xTrain, { maxlen: MAXLEN }),
      y: yTrain,
      validationData: { x: padSequences(xVal, { maxlen: MAXLEN }), y: yVal },
      epochs: 3,
      batchSize: 16,
      seed: 5,
    });
    expect(result.history.val_loss).toEqual(hand.history.val_loss);
    model.dispose();

    const again = await runLesson({ data: toy, model: 'lstm', ...small, epochs: 3, seed: 5 });
    expect(again.history.val_loss).toEqual(result.history.val_loss);
    again.model.dispose();

    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['data', 'trainBegin', 'epochBegin']);
    expect(types.filter((t) => t === 'batch')).toHaveLength(3 * 8);
    expect(types.filter((t) => t === 'epoch')).toHaveLength(3);
    expect(types.at(-1)).toBe('test');
    const lastBatch = events.filter((e) => e.type === 'batch').at(-1);
    expect(lastBatch).toMatchObject({ epoch: 3, batch: 8, batches: 8, eta: 0 });
    const epochEvents = events.filter((e) => e.type === 'epoch');
    expect(epochEvents[0]?.eta).toBeGreaterThan(0);
    // Each epoch event already knows EarlyStopping's best epoch, that epoch included.
    expect(epochEvents[0]?.bestEpoch).toBe(1);
    expect(epochEvents.at(-1)?.bestEpoch).toBe(result.bestEpoch);

    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("patience 0 stops at the first epoch that does not improve, as Keras' EarlyStopping does", async () => {
    // A large learning rate makes val_loss turn up within a few epochs.
    const result = await runLesson({
      data: toy,
      model: 'embedding-simple-rnn',
      ...small,
      learningRate: 0.05,
      patience: 0,
      epochs: 40,
      seed: 3,
    });
    const valLoss = result.history.val_loss!;
    const stop = kerasStopEpoch(valLoss, 0);
    expect(stop).toBeGreaterThan(0);
    expect(result.stoppedEarly).toBe(true);
    expect(valLoss).toHaveLength(stop + 1);
    // The best epoch is the last improvement, and its weights are the ones returned.
    const best = valLoss.reduce((b, v, i) => (Math.fround(v) < Math.fround(valLoss[b]!) ? i : b), 0);
    expect(result.bestEpoch).toBe(best + 1);
    expect(result.bestValLoss).toBe(valLoss[best]);
    result.model.dispose();
  });

  it('earlyStopping: false trains every epoch and still restores the best one', async () => {
    const result = await runLesson({
      data: toy,
      model: 'embedding-simple-rnn',
      ...small,
      learningRate: 0.05,
      patience: 0,
      earlyStopping: false,
      epochs: 8,
      seed: 3,
    });
    expect(result.epochs).toHaveLength(8);
    expect(result.stoppedEarly).toBe(false);
    const valLoss = result.history.val_loss!;
    const best = valLoss.reduce((b, v, i) => (Math.fround(v) < Math.fround(valLoss[b]!) ? i : b), 0);
    expect(result.bestEpoch).toBe(best + 1);
    // Restored: the returned model's validation loss is the best epoch's, not the last one's.
    const [xTrain, xVal, , yVal] = trainTestSplit(toy.train.x, Int32Array.from(toy.train.y), {
      testSize: 0.2,
      randomState: 42,
    }) as [number[][], number[][], Int32Array, Int32Array];
    expect(xTrain).toHaveLength(128);
    const x = tf.tensor2d(padSequences(xVal, { maxlen: MAXLEN }).data, [32, MAXLEN], 'int32');
    const y = tf.tensor2d(Float32Array.from(yVal), [32, 1]);
    const [loss] = result.model.evaluate(x, y, { batchSize: 16 }) as tf.Scalar[];
    expect(loss!.dataSync()[0]).toBeCloseTo(valLoss[best]!, 5);
    tf.dispose([x, y, loss!]);
    result.model.dispose();
  });

  it('an abort mid-epoch keeps the best validated weights and never checkpoints the unvalidated epoch', async () => {
    const controller = new AbortController();
    const dir = join(root, 'abort');
    const seen: number[] = [];
    const result = await runLesson({
      data: toy,
      model: 'lstm',
      ...small,
      epochs: 50,
      seed: 9,
      checkpoint: `file://${dir}`,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batch' && e.epoch === 3 && e.batch === 4) controller.abort();
        if (e.type === 'epoch') seen.push(e.epoch);
      },
    });
    expect(result.interrupted).toBe(true);
    expect(seen).toEqual([1, 2]);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(result.history.val_loss).toHaveLength(2);
    expect(result.checkpointSaved).toBe(true);
    // The checkpoint holds the best validated epoch: the same predictions as the restored model.
    const saved = await tfl.loadLayersModel(`file://${dir}/model.json`);
    const x = tf.tensor2d(padSequences(toy.test!.x, { maxlen: MAXLEN }).data, [64, MAXLEN], 'int32');
    const a = result.model.predict(x) as tf.Tensor;
    const b = saved.predict(x) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b]);
    saved.dispose();
    result.model.dispose();

    // Aborted inside epoch 1: nothing validated, so no checkpoint at all.
    const early = new AbortController();
    const dir1 = join(root, 'abort-1');
    const r1 = await runLesson({
      data: toy,
      model: 'lstm',
      ...small,
      epochs: 5,
      seed: 9,
      checkpoint: `file://${dir1}`,
      signal: early.signal,
      onEvent: (e) => {
        if (e.type === 'batch' && e.batch === 2) early.abort();
      },
    });
    expect([r1.interrupted, r1.epochs.length, r1.bestEpoch, r1.test, r1.checkpointSaved]).toEqual([
      true,
      0,
      null,
      null,
      false,
    ]);
    await expect(readdir(dir1)).rejects.toThrow();
    r1.model.dispose();
  });

  it('rejects bad data and options with what was expected', async () => {
    const bad = { train: { x: [[1, 2]], y: [2] } };
    await expect(runLesson({ data: bad, ...small })).rejects.toThrow(
      new LessonError(
        'INVALID_DATA',
        "runLesson: train.y[0] is 2; the lesson's labels are 0 (negative) or 1 (positive).",
      ),
    );
    const big = {
      train: {
        x: [
          [1, 2],
          [3, 99],
        ],
        y: [0, 1],
      },
    };
    await expect(runLesson({ data: big, ...small, testSize: 0.5 })).rejects.toThrow(
      /holds the id 99 .*ids must be integers in \[0, numWords\) = \[0, 40\)/,
    );
    await expect(runLesson({ data: toy, ...small, testSize: 1 })).rejects.toThrow(
      'runLesson: testSize must be a fraction in (0, 1), got 1.',
    );
    await expect(runLesson({ data: toy, ...small, patience: -1 })).rejects.toThrow(
      'runLesson: patience must be an integer ≥ 0, got -1.',
    );
  });

  it('exports the lesson defaults', () => {
    expect(LESSON_DEFAULTS).toEqual({
      epochs: 100,
      batchSize: 64,
      learningRate: 1e-4,
      patience: 3,
      numWords: 500,
      maxlen: 100,
      testSize: 0.2,
      randomState: 42,
      units: 8,
      embeddingDim: 16,
      dropout: 0.3,
    });
    expect(Object.isFrozen(LESSON_DEFAULTS)).toBe(true);
  });
});

describe.runIf(process.env.SEQLAB_DATA_DIR)('runLesson on the real IMDB data', () => {
  it('loads, splits and pads imdb.load_data(num_words=500) like the lesson', async () => {
    const path = join(process.env.SEQLAB_DATA_DIR!, 'imdb.npz');
    const result = await runLesson({
      data: imdbSource({ path, limit: 400 }),
      model: 'gru',
      epochs: 1,
      seed: 1,
    });
    expect(result.data).toEqual({
      source: `IMDB (${path})`,
      train: 320,
      validation: 80,
      test: 400,
      split: 'train_test_split',
      maxlen: 100,
      numWords: 500,
      limit: 400,
      classNames: null,
      vocabularySize: null,
    });
    expect(result.config.limit).toBe(400);
    expect(result.test?.acc).toBeGreaterThan(0.3);
    result.model.dispose();
  });
});
