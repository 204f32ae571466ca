import { describe, expect, it } from 'vitest';
import { readNpz } from '../src/index.js';
import { expected, fixtureBytes } from './_helpers.js';

describe('readNpz', () => {
  it.each(['fake_imdb.npz', 'fake_imdb_stored.npz', 'fake_imdb_protocols.npz'])('reads %s', async (file) => {
    const arrays = await readNpz(fixtureBytes(file), file);
    expect(Object.keys(arrays).sort()).toEqual(['x_test', 'x_train', 'y_test', 'y_train']);
    expect(arrays['x_train']!.data).toEqual(expected.raw.x_train);
    expect(arrays['x_test']!.data).toEqual(expected.raw.x_test);
    expect(Array.from(arrays['y_train']!.data as ArrayLike<bigint>, Number)).toEqual(expected.raw.y_train);
    expect(Array.from(arrays['y_test']!.data as ArrayLike<number>, Number)).toEqual(expected.raw.y_test);
  });

  it('rejects a truncated archive', async () => {
    const bytes = fixtureBytes('fake_imdb.npz');
    await expect(readNpz(bytes.subarray(0, bytes.length - 30), 'cut.npz')).rejects.toMatchObject({
      code: 'BAD_ZIP',
      message: expect.stringMatching(/^cut\.npz: no end-of-central-directory record/),
    });
  });

  it('rejects corrupt member data by its CRC or inflate failure', async () => {
    const stored = fixtureBytes('fake_imdb_stored.npz').slice();
    stored[200] = stored[200]! ^ 0xff;
    await expect(readNpz(stored, 'flip.npz')).rejects.toMatchObject({
      code: 'BAD_ZIP',
      message: expect.stringMatching(/CRC-32 [0-9a-f]+; expected [0-9a-f]+/),
    });
    const deflated = fixtureBytes('fake_imdb.npz').slice();
    for (let i = 120; i < 160; i++) deflated[i] = 0xff;
    await expect(readNpz(deflated, 'bad.npz')).rejects.toMatchObject({ code: 'BAD_ZIP' });
  });
});
