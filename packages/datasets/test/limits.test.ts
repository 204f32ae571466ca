import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aclImdb, DatasetError, imdb, openNpz, readNpy, readNpz } from '../src/index.js';
import { inChild } from './_child.js';
import { expected, fixture } from './_helpers.js';
import {
  billionLaughs,
  bytesOf,
  deepList,
  deflatedZeros,
  fakeImdbWith,
  gzipOf,
  npy,
  objectArrayPickle,
  smallAclEntries,
  TAR_END,
  tarEntry,
} from './_hostile.js';

const thrown = (f: () => unknown): DatasetError => {
  try {
    f();
  } catch (e) {
    return e as DatasetError;
  }
  throw new Error('expected an error');
};
const temp = (name: string, bytes: Uint8Array): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'seqlab-limits-')), name);
  writeFileSync(path, bytes);
  return path;
};

describe('the pickle reader is bounded', () => {
  it('stops a billion-laughs pickle (shared nested lists) with PICKLE_LIMIT, naming no data', () => {
    const bomb = billionLaughs();
    expect(bomb.length).toBeLessThan(1300);
    const error = thrown(() => readNpy(bomb, 'laughs.npy'));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.code).toBe('PICKLE_LIMIT');
    expect(error.message).toMatch(
      /^laughs\.npy: pickle refused at byte \d+: it builds more than 16777216 list\/tuple elements/,
    );
    expect(error.message.length).toBeLessThan(300);
  });

  it('stops a 200,000-deep list with PICKLE_LIMIT instead of overflowing the stack', () => {
    const error = thrown(() => readNpy(deepList(), 'deep.npy'));
    expect(error.code).toBe('PICKLE_LIMIT');
    expect(error.message).toMatch(/lists\/tuples nested 101 deep; expected at most maxDepth = 100$/);
    expect(readNpy(deepList(99), 'ok.npy').shape).toEqual([1]);
    expect(thrown(() => readNpy(deepList(10), 'd.npy', { maxDepth: 5 })).code).toBe('PICKLE_LIMIT');
  });

  it('copies a list used twice, so the result is a tree with the values Python would give', () => {
    // [[1, 2], <memo get of the first list>] → two equal, independent lists
    const ops = [0x5d, 0x28, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x68, 0, 0x65];
    const array = readNpy(npy('|O', [2], objectArrayPickle(2, ops)), 'shared.npy');
    expect(array.data).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(array.data[0]).not.toBe(array.data[1]);
    // …and the copy counts: 2 lists of 16 + 2 ints each, the outer list 16 + 2
    expect(
      thrown(() => readNpy(npy('|O', [2], objectArrayPickle(2, ops)), 's', { maxElements: 40 })).code,
    ).toBe('PICKLE_LIMIT');
  });

  it('loads through imdb.loadData with a typed error, in a child process under 500 MB', async () => {
    for (const [bomb, code] of [
      [billionLaughs(), 'PICKLE_LIMIT'],
      [deepList(), 'PICKLE_LIMIT'],
    ] as const) {
      const path = temp('imdb.npz', fakeImdbWith({ 'x_train.npy': bomb }));
      const result = await inChild('imdb', path);
      expect(result).toMatchObject({ ok: false, name: 'DatasetError', code });
      expect(result.messageLength).toBeLessThan(400);
      expect(result.maxRssMB).toBeLessThan(500);
    }
  });
});

describe('npz members are read lazily and capped', () => {
  // An honest 1.5 GB member of zeros: 1.5 MB of deflate data. Never inflated unless asked for.
  const huge = { name: 'extra.npy', data: deflatedZeros(1536), raw: { size: 1536 * 2 ** 20, crc: 0 } };

  it('imdb.loadData reads its four members only', async () => {
    const bytes = fakeImdbWith({}, [huge]);
    expect(bytes.length).toBeLessThan(2e6);
    const want = await imdb.loadData({ path: fixture('fake_imdb.npz'), numWords: 20 });
    expect(await imdb.loadData({ path: bytes, numWords: 20 })).toEqual(want);
  });

  it('openNpz inflates nothing up front; a member larger than maxMemberBytes is refused before inflating', async () => {
    const npz = openNpz(fakeImdbWith({}, [huge]), 'big.npz');
    expect(npz.keys).toEqual(['x_train', 'y_train', 'x_test', 'y_test', 'extra']);
    expect((await npz.get('x_test')).data).toEqual(expected.raw.x_test);
    const message = `big.npz: member extra.npy declares ${1536 * 2 ** 20} bytes; expected at most maxMemberBytes = ${2 ** 30} (nothing was inflated)`;
    await expect(npz.get('extra')).rejects.toMatchObject({ code: 'SIZE_LIMIT', message });
    await expect(readNpz(fakeImdbWith({}, [huge]), 'big.npz')).rejects.toMatchObject({ code: 'SIZE_LIMIT' });
    await expect(npz.get('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readNpz(fakeImdbWith({}), 'small-cap.npz', { maxMemberBytes: 100 })).rejects.toMatchObject({
      code: 'SIZE_LIMIT',
    });
  });

  it('a member that inflates beyond its declared size is refused', async () => {
    const liar = { name: 'liar.npy', data: deflatedZeros(4), raw: { size: 1000, crc: 0 } };
    await expect(openNpz(fakeImdbWith({}, [liar]), 'liar.npz').get('liar')).rejects.toMatchObject({
      code: 'BAD_ZIP',
    });
  });
});

describe('imdb labels must be integers in the int32 range', () => {
  const withLabels = (descr: string, values: ArrayBufferView, n = 40) =>
    fakeImdbWith({ 'y_train.npy': npy(descr, [n], bytesOf(values)) });

  it.each([
    ['<f8', Float64Array.from({ length: 40 }, (_, i) => (i === 3 ? 0.5 : 1)), 'y_train[3] is 0.5 (dtype f8)'],
    [
      '<i8',
      BigInt64Array.from({ length: 40 }, (_, i) => (i === 7 ? 2n ** 40n : 0n)),
      `y_train[7] is ${2n ** 40n} (dtype i8)`,
    ],
    [
      '<u4',
      Uint32Array.from({ length: 40 }, (_, i) => (i === 1 ? 2 ** 31 : 1)),
      'y_train[1] is 2147483648 (dtype u4)',
    ],
  ])('refuses %s labels that would not survive Int32Array', async (descr, values, what) => {
    await expect(imdb.loadData({ path: withLabels(descr, values) })).rejects.toMatchObject({
      code: 'BAD_LABELS',
      message: `<bytes>: ${what}; expected integer labels in the int32 range, e.g. 0/1`,
    });
  });

  it('keeps integral float labels exactly', async () => {
    const want = await imdb.loadData({ path: fixture('fake_imdb.npz') });
    const floats = Float64Array.from(expected.raw.y_train);
    const [[, yTrain]] = await imdb.loadData({ path: withLabels('<f8', floats) });
    expect(yTrain).toEqual(want[0][1]);
  });
});

describe('tar.gz bombs stay bounded (aclImdb.loadData in a child process)', () => {
  const MiB = 2 ** 20;

  it('skips an ignored 1 GiB entry as it streams, holding none of it', async () => {
    const gz = gzipOf([...tarEntry('aclImdb/README', { zeros: 1024 * MiB }), ...smallAclEntries(), TAR_END]);
    expect(gz.length).toBeLessThan(1.1e6);
    const result = await inChild('acl', temp('bomb.tar.gz', gz));
    expect(result).toMatchObject({ ok: true });
    expect(result.maxRssMB).toBeLessThan(500);
  });

  it('refuses a 1 GiB review before reading it', async () => {
    const gz = gzipOf([...tarEntry('aclImdb/train/pos/1_1.txt', { zeros: 1024 * MiB }), TAR_END]);
    const result = await inChild('acl', temp('bomb.tar.gz', gz));
    expect(result).toMatchObject({
      ok: false,
      code: 'SIZE_LIMIT',
      message: expect.stringContaining(
        `entry aclImdb/train/pos/1_1.txt holds ${1024 * MiB} bytes; expected at most maxEntryBytes = ${MiB}`,
      ),
    });
    expect(result.maxRssMB).toBeLessThan(500);
  });

  it('refuses a gigabyte of reviews past maxTotalBytes, under 500 MB', async () => {
    const parts = [];
    for (let i = 0; i < 1100; i++)
      parts.push(...tarEntry(`aclImdb/train/pos/${i}_7.txt`, { zeros: 900 * 1024 }));
    const gz = gzipOf([...parts, TAR_END]);
    expect(gz.length).toBeLessThan(1.5e6);
    const result = await inChild('acl', temp('bomb.tar.gz', gz));
    expect(result).toMatchObject({
      ok: false,
      code: 'SIZE_LIMIT',
      message: expect.stringContaining(`expected at most maxTotalBytes = ${2 ** 28}`),
    });
    expect(result.maxRssMB).toBeLessThan(500);
  });

  it('applies the caps in-process too, and reads a well-formed small archive', async () => {
    const ok = gzipOf([...smallAclEntries(), TAR_END]);
    const { train, test } = await aclImdb.loadData({ path: ok });
    expect(train.texts).toEqual(['review train/pos/1_9', 'review train/neg/2_1']);
    expect(Array.from(test.ratings)).toEqual([8, 2]);
    await expect(aclImdb.loadData({ path: ok, maxEntryBytes: 10 })).rejects.toMatchObject({
      code: 'SIZE_LIMIT',
    });
    await expect(aclImdb.loadData({ path: ok, maxTotalBytes: 50 })).rejects.toMatchObject({
      code: 'SIZE_LIMIT',
    });
  });
});
