import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imdbPacked, readImdbMembers, unpackSequences } from '../src/_imdb_core.js';
import * as browser from '../src/_platform.browser.js';
import { readTar } from '../src/_tar.js';
import { expected, fixtureBytes } from './_helpers.js';

// The browser platform only uses web APIs (fetch, DecompressionStream, crypto.subtle, Blob), which Node 20 has.
const npz = fixtureBytes('fake_imdb.npz');
let server: Server;
let base: string;
const spec = () => ({ origin: `${base}/imdb.npz`, fileHash: '' });

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/imdb.npz') res.writeHead(200, { 'content-length': npz.length }).end(npz);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('browser platform', () => {
  it('inflates npz members with DecompressionStream and gives the Keras result', async () => {
    const archive = await browser.openNpzSource(new Blob([npz]), spec());
    const [[packed, yTrain]] = imdbPacked(await readImdbMembers(archive), { numWords: 20 }, 'blob');
    const xTrain = unpackSequences(packed);
    const want = expected.cases.find((c) => JSON.stringify(c.kwargs) === '{"num_words":20}')!;
    expect(xTrain).toEqual(want.x_train);
    expect(Array.from(yTrain)).toEqual(want.y_train);
  });

  it('fetches the official file by bare name, verifying its sha256', async () => {
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(npz).digest('hex');
    const { bytes, name } = await browser.loadBytes('imdb.npz', {
      origin: `${base}/imdb.npz`,
      fileHash: sha,
    });
    expect(name).toBe(`${base}/imdb.npz`);
    expect(bytes).toEqual(npz);
    await expect(
      browser.loadBytes('imdb.npz', { origin: `${base}/imdb.npz`, fileHash: 'f'.repeat(64) }),
    ).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    await expect(
      browser.loadBytes('imdb.npz', { origin: 'http://127.0.0.1:9/imdb.npz', fileHash: sha }),
    ).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });

  it('gunzips a tar.gz with DecompressionStream', async () => {
    const { stream, name } = await browser.openGunzip(fixtureBytes('acl_small.tar.gz'), spec());
    const paths: string[] = [];
    for await (const entry of readTar(stream, name)) paths.push(entry.path);
    expect(paths.length).toBe(12);
    expect(paths[0]).toBe('aclImdb/README');
  });
});
