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
