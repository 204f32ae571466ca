import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LessonError, runLesson } from '../src/index.js';
import { toySequences } from './_toy.js';

const NUM_WORDS = 40;
const MAXLEN = 16;

beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
});

const toy = {
  train: toySequences(200, 1, { numWords: NUM_WORDS, length: MAXLEN }),
  test: toySequences(64, 2, { numWords: NUM_WORDS, length: MAXLEN }),
};
const recipe = {
  data: toy,
  model: 'lstm',
  numWords: NUM_WORDS,
  maxlen: MAXLEN,
  batchSize: 32,
  seed: 5,
} as const;

describe('runLesson({ threads })', () => {
  it('follows the 1-thread run (dropout 0.3 included) and repeats exactly', async () => {
    const tensors = tf.memory().numTensors;
    const one = await runLesson({ ...recipe, epochs: 3 });
    const two = await runLesson({ ...recipe, epochs: 3, threads: 2 });
    const again = await runLesson({ ...recipe, epochs: 3, threads: 2 });
    for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) {
      const a = one.history[key]!;
      const b = two.history[key]!;
      expect(b).toHaveLength(3);
      // Measured: at most 1.2e-7 apart (float rounding of the shard-weighted mean gradient).
      b.forEach((v, i) => {
        expect(Math.abs(v - a[i]!)).toBeLessThan(1e-6);
      });
    }
    expect(again.history).toEqual(two.history);
    expect(again.test).toEqual(two.test);
    for (const r of [one, two, again]) r.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  }, 120_000);

  it('stops mid-epoch on abort with threads, keeping the validated epochs', async () => {
    const tensors = tf.memory().numTensors;
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await runLesson({
      ...recipe,
      epochs: 20,
      threads: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batch' && e.epoch === 2 && e.batch === 2) controller.abort();
        if (e.type === 'epoch') seen.push(e.epoch);
      },
    });
    expect(result.interrupted).toBe(true);
    expect(seen).toEqual([1]);
    expect(result.epochs.map((e) => e.epoch)).toEqual([1]);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('refuses a bad thread count before preparing the data', async () => {
    await expect(runLesson({ ...recipe, threads: 0 })).rejects.toThrow(
      new LessonError('INVALID_OPTION', "runLesson: threads must be 'auto' or an integer in [1, 64], got 0."),
    );
    await expect(runLesson({ ...recipe, threads: 'many' as never })).rejects.toThrow(
      new LessonError(
        'INVALID_OPTION',
        `runLesson: threads must be 'auto' or an integer in [1, 64], got "many".`,
      ),
    );
  });
});
