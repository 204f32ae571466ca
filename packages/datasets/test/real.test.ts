import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aclImdb, imdb } from '../src/index.js';

const dir = process.env['SEQLAB_DATA_DIR'];

describe.runIf(dir)('the real IMDB data (SEQLAB_DATA_DIR)', () => {
  it("gives the lesson's numbers: load_data(num_words=500)", async () => {
    const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData({ numWords: 500 });
    expect([xTrain.length, yTrain.length, xTest.length, yTest.length]).toEqual([25000, 25000, 25000, 25000]);
    expect(xTrain[0]!.length).toBe(218);
    expect(xTrain[1]!.length).toBe(189);
    // the well-known start of Keras' x_train[0] with num_words=500 (530, 973, 1622, 1385 → OOV 2)
    expect(xTrain[0]!.slice(0, 12)).toEqual([1, 14, 22, 16, 43, 2, 2, 2, 2, 65, 458, 2]);
    expect(Array.from(yTrain.subarray(0, 10))).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 1, 0]);
    expect(Math.max(...xTrain.map((x) => Math.max(...x)))).toBe(499);
  });

  it('maps the raw text onto the npz sequences, and counts 12,500 reviews per folder', async () => {
    const { train, test } = await aclImdb.loadData({ path: join(dir!, 'aclImdb_v1-train-test.tar.gz') });
    for (const split of [train, test]) {
      expect(split.texts.length).toBe(25000);
      expect(split.labels.filter((l) => l === 1).length).toBe(12500);
    }
    const wordIndex = await imdb.getWordIndex();
    expect(wordIndex.size).toBe(88584);
    // unshuffled sequences: seed-free view of the npz through readNpz
    const { readNpz } = await import('../src/index.js');
    const { readFile } = await import('node:fs/promises');
    const arrays = await readNpz(await readFile(join(dir!, 'imdb.npz')), 'imdb.npz');
    const raw = arrays['x_train']!.data as number[][];
    for (const i of [0, 1, 2, 12500, 24999]) {
      const ids = imdb.encode(train.texts[i]!, wordIndex, { startChar: null, indexFrom: 0 });
      expect(ids).toEqual(raw[i]);
    }
    expect(imdb.decode(imdb.encode('This movie was great!', wordIndex), wordIndex)).toBe(
      '[START] this movie was great',
    );
  });
});
