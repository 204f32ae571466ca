import { describe, expect, it } from 'vitest';
import { aclImdb } from '../src/index.js';
import { fixture, fixtureBytes } from './_helpers.js';

describe('aclImdb.loadData', () => {
  it('reads the official layout: pos then neg, each sorted by file name as strings ("10_7" < "1_10")', async () => {
    const { train, test } = await aclImdb.loadData({ path: fixture('acl_small.tar.gz') });
    for (const split of [train, test]) {
      expect(split.texts).toEqual([
        'fine\tfilm',
        'Best. Ever.',
        "GREAT film, isn't it?",
        'Bad. <br />Really bad!',
        'Awful — the end.',
      ]);
      expect(Array.from(split.labels)).toEqual([1, 1, 1, 0, 0]);
      expect(Array.from(split.ids)).toEqual([10, 1, 2, 10, 3]);
      expect(Array.from(split.ratings)).toEqual([7, 10, 9, 2, 1]);
    }
  });

  it('reads bytes too', async () => {
    const { train } = await aclImdb.loadData({ path: fixtureBytes('acl_small.tar.gz') });
    expect(train.texts.length).toBe(5);
  });

  it('rejects entries that escape the archive root, and corrupt archives', async () => {
    await expect(aclImdb.loadData({ path: fixture('acl_escape.tar.gz') })).rejects.toMatchObject({
      code: 'UNSAFE_PATH',
      message: expect.stringContaining('entry "aclImdb/../../etc/evil.txt" escapes the archive root'),
    });
    const cut = fixtureBytes('acl_small.tar.gz').subarray(0, 200);
    await expect(aclImdb.loadData({ path: cut })).rejects.toMatchObject({ code: 'BAD_TAR' });
  });
});
