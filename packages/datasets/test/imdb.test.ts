import { describe, expect, it } from 'vitest';
import { imdb } from '../src/index.js';
import { expected, fixture, fixtureBytes } from './_helpers.js';
import { fakeImdbWith, npy, objectArrayPickle } from './_hostile.js';

const camel = (kwargs: Record<string, number | null>): imdb.LoadDataOptions =>
  Object.fromEntries(
    Object.entries(kwargs).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]),
  );

describe('imdb.loadData', () => {
  it.each(expected.cases)('matches Keras load_data($kwargs)', async (c) => {
    const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData({
      path: fixture('fake_imdb.npz'),
      ...camel(c.kwargs),
    });
    expect(xTrain).toEqual(c.x_train);
    expect(Array.from(yTrain)).toEqual(c.y_train);
    expect(xTest).toEqual(c.x_test);
    expect(Array.from(yTest)).toEqual(c.y_test);
  });

  it.each(expected.cases)('loadDataPacked gives the same ids, packed ($kwargs)', async (c) => {
    const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadDataPacked({
      path: fixture('fake_imdb.npz'),
      ...camel(c.kwargs),
    });
    expect(xTrain.ids).toBeInstanceOf(Int32Array);
    expect(xTrain.offsets[0]).toBe(0);
    expect(xTrain.offsets.at(-1)).toBe(xTrain.ids.length);
    expect(imdb.unpackSequences(xTrain)).toEqual(c.x_train);
    expect(Array.from(yTrain)).toEqual(c.y_train);
    expect(imdb.unpackSequences(xTest)).toEqual(c.x_test);
    expect(Array.from(yTest)).toEqual(c.y_test);
  });

  it('gives the same result from bytes, an ArrayBuffer, a Blob and every pickle protocol', async () => {
    const want = await imdb.loadData({ path: fixture('fake_imdb.npz'), numWords: 20 });
    const bytes = fixtureBytes('fake_imdb.npz');
    for (const path of [
      bytes,
      bytes.slice().buffer,
      new Blob([bytes]),
      fixtureBytes('fake_imdb_protocols.npz'),
    ]) {
      expect(await imdb.loadData({ path, numWords: 20 })).toEqual(want);
    }
  });

  it("gives the packed reader's ids when a review list is reused in the pickle (read again, not streamed)", async () => {
    // x_train with review 1 a memo copy of review 0 (numpy never writes this; a pickle may)
    const raw = expected.raw.x_train;
    const ops: number[] = [0x5d, 0x28];
    raw.forEach((review, i) => {
      if (i === 1) ops.push(0x68, 0);
      else {
        ops.push(0x5d, ...(i === 0 ? [0x71, 0] : []), 0x28);
        for (const w of review) ops.push(0x4b, w);
        ops.push(0x65);
      }
    });
    ops.push(0x65);
    const path = fakeImdbWith({ 'x_train.npy': npy('|O', [raw.length], objectArrayPickle(raw.length, ops)) });
    for (const options of [{}, { numWords: 20 }, { oovChar: null, maxlen: 20 }]) {
      const [[xTrain, yTrain], [xTest]] = await imdb.loadData({ path, ...options });
      const [[packed, yPacked], [packedTest]] = await imdb.loadDataPacked({ path, ...options });
      expect(xTrain).toEqual(imdb.unpackSequences(packed));
      expect(yTrain).toEqual(yPacked);
      expect(xTest).toEqual(imdb.unpackSequences(packedTest));
    }
    const [[xTrain]] = await imdb.loadData({ path, seed: 1, startChar: null, indexFrom: 0 });
    expect(xTrain.filter((x) => JSON.stringify(x) === JSON.stringify(raw[0]))).toHaveLength(2);
  });

  it('raises like Keras when maxlen keeps nothing, and on bad arguments', async () => {
    await expect(imdb.loadData({ path: fixture('fake_imdb.npz'), maxlen: 2 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: expect.stringContaining('no sequence was kept. Increase maxlen.'),
    });
    await expect(imdb.loadData({ path: fixture('fake_imdb.npz'), numWords: 2.5 })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: 'imdb.loadData: numWords must be an integer or null; received 2.5',
    });
  });

  it('reports a missing local file', async () => {
    await expect(imdb.loadData({ path: './no/such/imdb.npz' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('imdb text helpers', () => {
  const wordIndex = new Map([
    ['the', 1],
    ['film', 2],
    ["isn't", 3],
    ['great', 4],
  ]);
  it('encodes text like the Keras sequences were made, and decodes back', () => {
    expect(imdb.textToWords("GREAT film, isn't it?<br />The\tend")).toEqual([
      'great',
      'film',
      "isn't",
      'it',
      'br',
      'the',
      'end',
    ]);
    const ids = imdb.encode("GREAT film, isn't it? The end.", wordIndex);
    expect(ids).toEqual([1, 7, 5, 6, 4]);
    expect(imdb.encode("GREAT film, isn't it? The end.", wordIndex, { numWords: 6, skipTop: 4 })).toEqual([
      2, 2, 5, 2, 4,
    ]);
    expect(imdb.decode([0, 0, ...ids, 2, 99], wordIndex)).toBe("[START] great film isn't the [OOV] [UNK]");
  });

  it('reads a word index from bytes', async () => {
    const bytes = new TextEncoder().encode('{"the":1,"and":2,"constructor":3}');
    const index = await imdb.getWordIndex(bytes);
    expect([...index]).toEqual([
      ['the', 1],
      ['and', 2],
      ['constructor', 3],
    ]);
  });
});
