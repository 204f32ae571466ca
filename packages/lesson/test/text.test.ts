import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LessonError, runLesson, textData } from '../src/index.js';

beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
});

/** Reviews whose class is carried by one word ("loved" / "hated") among filler words. */
function reviews(n: number, seed: number): { texts: string[]; labels: number[] } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const filler = ['the', 'film', 'plot', 'actor', 'scene', 'story', 'music', 'and', 'a', 'was', 'it', 'this'];
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 0;
    const words = Array.from({ length: 6 + Math.floor(rand() * 10) }, () => filler[Math.floor(rand() * 12)]);
    words.splice(Math.floor(rand() * words.length), 0, positive ? 'Loved!' : 'HATED.');
    texts.push(words.join(' '));
    labels.push(positive ? 1 : 0);
  }
  return { texts, labels };
}

describe('runLesson on your own texts', () => {
  it('adapts TextVectorization on the training split only and learns the task', async () => {
    const before = tf.memory().numTensors;
    const train = { ...reviews(200, 1), classNames: ['neg', 'pos'] };
    const test = { ...reviews(60, 2), classNames: ['neg', 'pos'] };
    const result = await runLesson({
      data: textData({ train, test, description: 'toy reviews' }),
      model: 'gru',
      numWords: 30,
      maxlen: 20,
      batchSize: 16,
      learningRate: 0.01,
      epochs: 12,
      seed: 4,
    });
    expect(result.data).toMatchObject({
      source: 'toy reviews',
      train: 160,
      validation: 40,
      test: 60,
      classNames: ['neg', 'pos'],
      vocabularySize: 16, // '', [UNK], 12 filler words, loved, hated
    });
    expect(result.classNames).toEqual(['neg', 'pos']);
    const vocabulary = result.vectorizer?.getVocabulary() ?? [];
    expect(vocabulary.slice(0, 2)).toEqual(['', '[UNK]']);
    // Keras' standardization: lower case, punctuation stripped.
    expect(vocabulary).toContain('loved');
    expect(vocabulary).toContain('hated');
    expect(result.test?.acc).toBeGreaterThan(0.9);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps validation-only words out of the vocabulary', async () => {
    const base = reviews(40, 3);
    // train_test_split(test_size=0.2, random_state=42) of 40 rows puts these rows in validation.
    const { trainTestSplit } = await import('@seqlab/sequence');
    const [, valRows] = trainTestSplit(
      Int32Array.from({ length: 40 }, (_, i) => i),
      {
        testSize: 0.2,
        randomState: 42,
      },
    ) as [Int32Array, Int32Array];
    const texts = base.texts.map((t, i) => (valRows.includes(i) ? `${t} zyzzyva` : t));
    const result = await runLesson({
      data: textData({ train: { texts, labels: base.labels, classNames: ['neg', 'pos'] } }),
      model: 'embedding-simple-rnn',
      numWords: 50,
      maxlen: 12,
      epochs: 1,
      seed: 1,
    });
    expect(result.vectorizer?.getVocabulary()).not.toContain('zyzzyva');
    expect(result.data.vocabularySize).toBe(16);
    result.model.dispose();
  });

  it('refuses a test set with other classes', async () => {
    const train = { ...reviews(20, 1), classNames: ['neg', 'pos'] };
    const test = { ...reviews(10, 2), classNames: ['bad', 'good'] };
    await expect(runLesson({ data: textData({ train, test }), epochs: 1 })).rejects.toThrow(
      new LessonError(
        'INVALID_DATA',
        `runLesson: the test set's classes ["bad","good"] differ from the training set's ["neg","pos"]; expected ` +
          'the same classes in the same order.',
      ),
    );
  });
});

describe('more than two classes', () => {
  it('trains a softmax head with sparse categorical cross-entropy on 4 classes', async () => {
    const words = ['awful', 'meh', 'good', 'superb'];
    const texts: string[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 240; i++) {
      const c = i % 4;
      texts.push(`the film was ${words[c]} ${i % 3 === 0 ? 'and long' : 'indeed'}`);
      labels.push(c);
    }
    const result = await runLesson({
      data: textData({ train: { texts, labels, classNames: ['1-2', '3-4', '7-8', '9-10'] } }),
      model: 'conv1d',
      maxlen: 8,
      batchSize: 16,
      learningRate: 0.01,
      epochs: 12,
      seed: 2,
    });
    expect(result.classNames).toEqual(['1-2', '3-4', '7-8', '9-10']);
    expect(result.model.outputs[0]?.shape).toEqual([null, 4]);
    expect(result.history.val_acc?.at(-1)).toBeGreaterThan(0.6);
    result.model.dispose();
  });

  it.runIf(process.env.SEQLAB_DATA_DIR)(
    'trains on 4 star-rating classes of the raw aclImdb reviews',
    async () => {
      const { aclImdbSource } = await import('@seqlab/datasets');
      const { join } = await import('node:path');
      const path = join(process.env.SEQLAB_DATA_DIR!, 'aclImdb_v1-train-test.tar.gz');
      const bins = {
        labelFrom: 'rating',
        ratingBins: [
          [1, 2],
          [3, 4],
          [7, 8],
          [9, 10],
        ],
      } as const;
      // 10% of each split (Keras' validation_split machinery picks the files), to keep the test short.
      const part = { validationSplit: 0.9, validationSubset: 'training', seed: 1, path } as const;
      const train = await aclImdbSource({ subset: 'train', ...bins, ...part });
      const test = await aclImdbSource({ subset: 'test', ...bins, ...part });
      const result = await runLesson({ data: textData({ train, test }), model: 'gru', epochs: 2, seed: 3 });
      expect(result.classNames).toEqual(['1-2', '3-4', '7-8', '9-10']);
      expect(result.model.outputs[0]?.shape).toEqual([null, 4]);
      expect(result.test?.acc).toBeGreaterThan(0.25);
      result.model.dispose();
    },
  );
});
