import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { padSequences, Tokenizer, toCategorical, trainTestSplit } from '../src/index.js';
import { readTarGz } from './_tar.js';

const dataDir = process.env.SEQLAB_DATA_DIR;
const expected = JSON.parse(readFileSync(new URL('./fixtures/imdb.json', import.meta.url), 'utf8'));

const sha = (a: ArrayLike<number>, Ctor: Int32ArrayConstructor | Float32ArrayConstructor = Int32Array) =>
  createHash('sha256')
    .update(Buffer.from(Ctor.from(a).buffer))
    .digest('hex');

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe.runIf(dataDir)('real IMDB reviews: the lesson pipeline equals Keras + scikit-learn', () => {
  const files = dataDir
    ? readTarGz(join(dataDir, 'aclImdb_v1-train-test.tar.gz'), (n) =>
        /^aclImdb\/train\/(pos|neg)\/[^/]+\.txt$/.test(n),
      )
    : new Map<string, string>();
  const half = expected.n / 2;
  const pos = [...files.keys()]
    .filter((k) => k.includes('/pos/'))
    .sort(byName)
    .slice(0, half);
  const neg = [...files.keys()]
    .filter((k) => k.includes('/neg/'))
    .sort(byName)
    .slice(0, half);
  const names = [...pos, ...neg];
  const docs = names.map((k) => files.get(k)!);
  const labels = [...pos.map(() => 1), ...neg.map(() => 0)];

  const tok = new Tokenizer({ numWords: 500, oovToken: '<OOV>' });
  tok.fitOnTexts(docs);
  const seqs = tok.textsToSequences(docs);

  it('reads the same reviews', () => {
    expect(files.size).toBe(25000);
    expect([names[0], names.at(-1)]).toEqual(expected.files);
  });

  it('Tokenizer: same vocabulary, sequences and JSON as Keras', () => {
    expect([...tok.wordIndex].slice(0, 15)).toEqual(expected.wordIndexHead);
    expect(tok.wordIndex.size).toBe(expected.vocabulary);
    expect(createHash('sha256').update(tok.toJSON()).digest('hex')).toBe(expected.jsonSha256);
    expect(sha(seqs.map((s) => s.length))).toBe(expected.sequenceLengths);
    expect(sha(seqs.flat())).toBe(expected.sequencesSha256);
  });

  it('padSequences, trainTestSplit and toCategorical: same arrays as Keras and scikit-learn', () => {
    const x = padSequences(seqs, { maxlen: 100 });
    expect(sha(x.data)).toBe(expected.padded);
    expect(sha(padSequences(seqs, { maxlen: 100, padding: 'post', truncating: 'post' }).data)).toBe(
      expected.paddedPost,
    );
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, labels, { randomState: 42, testSize: 0.2 });
    expect(sha(xTrain.data)).toBe(expected.xTrain);
    expect(sha(xTest.data)).toBe(expected.xTest);
    expect(sha(yTrain)).toBe(expected.yTrain);
    expect(sha(yTest)).toBe(expected.yTest);
    const idx = Int32Array.from({ length: expected.n }, (_, i) => i);
    const [sTrain, sTest] = trainTestSplit(idx, { randomState: 42, testSize: 0.2, stratify: labels });
    expect(sha(sTrain)).toBe(expected.stratifiedTrain);
    expect(sha(sTest)).toBe(expected.stratifiedTest);
    const onehot = toCategorical({ data: xTrain.data.subarray(0, 800), shape: [8, 100] }, 500);
    expect(onehot.shape).toEqual(expected.oneHotShape);
    expect(sha(onehot.data, Float32Array)).toBe(expected.oneHotSha256);
  });
});
