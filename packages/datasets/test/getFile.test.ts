import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DownloadProgress, getFile, imdb } from '../src/index.js';
import { fixtureBytes } from './_helpers.js';

const body = fixtureBytes('fake_imdb.npz');
const sha256 = createHash('sha256').update(body).digest('hex');
const md5 = createHash('md5').update(body).digest('hex');
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/imdb.npz') {
      res.writeHead(200, { 'content-length': body.length });
      // two chunks, so progress is usually reported more than once
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.end(body.subarray(1000)), 5);
    } else if (req.url === '/cut.npz') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000), () => res.destroy());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'seqlab-getfile-'));

describe('getFile', () => {
  it('downloads with progress, verifies sha256 and md5, and writes the file in place', async () => {
    const cacheDir = tempDir();
    const events: DownloadProgress[] = [];
    const path = await getFile('imdb.npz', {
      origin: `${base}/imdb.npz`,
      fileHash: sha256,
      cacheDir,
      onProgress: (p) => events.push(p),
    });
    expect(path).toBe(join(cacheDir, 'datasets', 'imdb.npz'));
    expect(new Uint8Array(readFileSync(path))).toEqual(body);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e, i) => i === 0 || e.loaded > events[i - 1]!.loaded)).toBe(true);
    expect(events.at(-1)).toEqual({ url: `${base}/imdb.npz`, loaded: body.length, total: body.length });
    expect(readdirSync(join(cacheDir, 'datasets'))).toEqual(['imdb.npz']);
    // cached: no request needed (origin unreachable), the md5 check passes on the file on disk
    expect(await getFile('imdb.npz', { origin: 'http://127.0.0.1:9/none', fileHash: md5, cacheDir })).toBe(
      path,
    );
    // and the loader reads what was downloaded
    const [[xTrain]] = await imdb.loadData({ path });
    expect(xTrain.length).toBe(40);
  });

  it('leaves nothing behind on a hash mismatch', async () => {
    const cacheDir = tempDir();
    await expect(
      getFile('imdb.npz', { origin: `${base}/imdb.npz`, fileHash: '0'.repeat(64), cacheDir }),
    ).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      message: `${base}/imdb.npz: sha256 is ${sha256}; expected ${'0'.repeat(64)}. The file is corrupt or not the official one; nothing was kept`,
    });
    expect(readdirSync(join(cacheDir, 'datasets'))).toEqual([]);
  });

  it('re-downloads a cached file that fails its hash', async () => {
    const cacheDir = tempDir();
    const path = join(cacheDir, 'datasets', 'imdb.npz');
    await getFile('imdb.npz', { origin: `${base}/imdb.npz`, cacheDir });
    writeFileSync(path, 'garbage');
    await getFile('imdb.npz', { origin: `${base}/imdb.npz`, fileHash: sha256, cacheDir });
    expect(new Uint8Array(readFileSync(path))).toEqual(body);
  });

  it('leaves nothing behind when the connection is cut or the server says 404', async () => {
    const cacheDir = tempDir();
    await expect(getFile('cut.npz', { origin: `${base}/cut.npz`, cacheDir })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
    });
    await expect(getFile('x.npz', { origin: `${base}/missing.npz`, cacheDir })).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: `${base}/missing.npz: server answered 404 Not Found; expected 200 with the file`,
    });
    expect(readdirSync(join(cacheDir, 'datasets'))).toEqual([]);
  });

  it('says how to work offline when the network is unreachable', async () => {
    const cacheDir = tempDir();
    const error = await getFile('imdb.npz', { origin: 'http://127.0.0.1:9/imdb.npz', cacheDir }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'DOWNLOAD_FAILED', file: 'http://127.0.0.1:9/imdb.npz' });
    expect(error.message).toContain('could not download http://127.0.0.1:9/imdb.npz');
    expect(error.message).toContain(`put it at ${join(cacheDir, 'datasets', 'imdb.npz')}`);
    expect(error.message).toContain('SEQLAB_DATA_DIR');
    expect(readdirSync(join(cacheDir, 'datasets'))).toEqual([]);
  });

  it('extracts a .tar.gz next to it', async () => {
    const cacheDir = tempDir();
    const archive = join(cacheDir, 'datasets', 'acl.tar.gz');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(cacheDir, 'datasets'));
    writeFileSync(archive, fixtureBytes('acl_small.tar.gz'));
    const dir = await getFile('acl.tar.gz', { origin: 'http://127.0.0.1:9/x', cacheDir, extract: true });
    expect(dir).toBe(`${archive}_extracted`);
    expect(readFileSync(join(dir, 'aclImdb/train/pos/2_9.txt'), 'utf8')).toBe("GREAT film, isn't it?");
  });
});
