import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar } from '../src/_tar.js';
import {
  aclImdbSource,
  collectTexts,
  textDatasetFacts,
  textDatasetFromDirectory,
  textDatasetFromTable,
  textLengths,
} from '../src/index.js';
import { fixture } from './_helpers.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seqlab-sources-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('textDatasetFacts', () => {
  it('size, classes and their counts, bytes, and length percentiles as numpy.percentile gives them', async () => {
    // word counts 0 1 1 2 3 5 8 13 21 34 55 (the Fibonacci numbers), labels by parity
    const fib = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    const lines = fib.map((n, i) =>
      JSON.stringify({ text: Array(n).fill('w').join(' '), label: i % 2 ? 'odd' : 'even' }),
    );
    const path = join(tmp, 'fib.jsonl');
    await writeFile(path, lines.join('\n'));
    const facts = await textDatasetFacts(await textDatasetFromTable(path));
    // np.percentile(fib, [0, 25, 50, 75, 90, 95, 99, 100]) and np.mean(fib)
    expect(facts.words).toEqual({
      min: 0,
      p25: 1.5,
      p50: 5,
      p75: 17,
      p90: 34,
      p95: 44.5,
      p99: 52.900000000000006,
      max: 55,
      mean: 13,
    });
    expect(facts.size).toBe(11);
    expect(facts.classes).toEqual([
      { name: 'even', count: 6 },
      { name: 'odd', count: 5 },
    ]);
    // n words of 'w' joined by spaces: 2n - 1 characters (0 for none)
    expect(facts.chars.max).toBe(109);
    expect(facts.bytes).toBe(fib.reduce((s, n) => s + Math.max(0, 2 * n - 1), 0));
  });

  it('counts code points, whitespace-separated words and UTF-8 bytes', () => {
    expect(textLengths('한국어 리뷰 😀\tend\n')).toEqual({
      chars: 13,
      words: 4,
      bytes: 3 * 5 + 4 + 2 + 1 + 3 + 1,
    });
    expect(textLengths('')).toEqual({ chars: 0, words: 0, bytes: 0 });
    expect(textLengths('  a  b ')).toEqual({ chars: 7, words: 2, bytes: 7 });
  });
});

describe('aclImdbSource', () => {
  let extracted: string;
  beforeAll(async () => {
    extracted = join(tmp, 'acl');
    const stream = createReadStream(fixture('acl_small.tar.gz')).pipe(createGunzip());
    for await (const entry of readTar(stream as AsyncIterable<Uint8Array>, 'acl_small.tar.gz')) {
      await mkdir(dirname(join(extracted, entry.path)), { recursive: true });
      await writeFile(join(extracted, entry.path), entry.data);
    }
    await rm(join(extracted, 'aclImdb', 'train', 'unsup'), { recursive: true }); // as the Keras tutorial does
  });

  it('gives the files, order and split textDatasetFromDirectory gives on the extracted folder', async () => {
    const path = fixture('acl_small.tar.gz');
    for (const subset of ['train', 'test'] as const) {
      const folder = join(extracted, 'aclImdb', subset);
      const plain = await aclImdbSource({ path, subset, shuffle: false });
      expect(plain.classNames).toEqual(['neg', 'pos']);
      expect(plain.classCounts).toEqual([2, 3]);
      const records = [];
      for await (const record of plain) records.push(record);
      expect(records.map((r) => r.path)).toEqual([
        'neg/10_2.txt',
        'neg/3_1.txt',
        'pos/10_7.txt',
        'pos/1_10.txt',
        'pos/2_9.txt',
      ]);
      expect(records.map((r) => [r.id, r.rating, r.label])).toEqual([
        [10, 2, 0],
        [3, 1, 0],
        [10, 7, 1],
        [1, 10, 1],
        [2, 9, 1],
      ]);
      for (const seed of [1337, 7]) {
        const [train, val] = await aclImdbSource({
          path,
          subset,
          seed,
          validationSplit: 0.4,
          validationSubset: 'both',
        });
        const [dirTrain, dirVal] = await textDatasetFromDirectory(folder, {
          seed,
          validationSplit: 0.4,
          subset: 'both',
        });
        expect(await collectTexts(train)).toEqual(await collectTexts(dirTrain));
        expect(await collectTexts(val)).toEqual(await collectTexts(dirVal));
      }
    }
  });

  it('labels from the star ratings, one class per rating or per group', async () => {
    const path = fixture('acl_small.tar.gz');
    const each = await aclImdbSource({ path, subset: 'train', shuffle: false, labelFrom: 'rating' });
    expect(each.classNames).toEqual(['1', '2', '7', '9', '10']);
    expect((await collectTexts(each)).labels).toEqual(Int32Array.from([1, 0, 2, 4, 3]));
    const bins = await aclImdbSource({
      path,
      subset: 'train',
      shuffle: false,
      labelFrom: 'rating',
      ratingBins: [
        [1, 2],
        [7, 8],
        [9, 10],
      ],
    });
    expect(bins.classNames).toEqual(['1-2', '7-8', '9-10']);
    expect(bins.classCounts).toEqual([2, 1, 2]);
    expect((await collectTexts(bins)).labels).toEqual(Int32Array.from([0, 0, 1, 2, 2]));
    const extremes = await aclImdbSource({
      path,
      subset: 'test',
      shuffle: false,
      labelFrom: 'rating',
      ratingBins: [[1], [10]],
    });
    expect(extremes.size).toBe(2);
    expect((await collectTexts(extremes)).texts).toEqual(['Awful — the end.', 'Best. Ever.']);
    await expect(
      aclImdbSource({
        path,
        subset: 'train',
        labelFrom: 'rating',
        ratingBins: [
          [1, 2],
          [2, 3],
        ],
      }),
    ).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
      message: 'ratingBins puts rating 2 in two groups; expected disjoint groups',
    });
  });
});

const dir = process.env['SEQLAB_DATA_DIR'];
describe.runIf(dir)('aclImdbSource on the real archive (SEQLAB_DATA_DIR)', () => {
  it('25,000 reviews per subset, 12,500 per polarity; 4 classes from the ratings', async () => {
    const path = join(dir!, 'aclImdb_v1-train-test.tar.gz');
    const train = await aclImdbSource({
      path,
      subset: 'train',
      seed: 1337,
      labelFrom: 'rating',
      ratingBins: [
        [1, 2],
        [3, 4],
        [7, 8],
        [9, 10],
      ],
    });
    expect(train.size).toBe(25000);
    expect(train.classNames).toEqual(['1-2', '3-4', '7-8', '9-10']);
    expect(train.classCounts.reduce((a, b) => a + b)).toBe(25000);
    const facts = await textDatasetFacts(train);
    expect(facts.classes.map((c) => c.count)).toEqual(train.classCounts);
    const test = await aclImdbSource({ path, subset: 'test', shuffle: false });
    expect(test.classCounts).toEqual([12500, 12500]);
  });
});
