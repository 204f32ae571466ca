import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBytes } from '../src/_platform.node.js';
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

describe('getFile at the edges', () => {
  it('says CACHE_NOT_WRITABLE, with the folder, when the cache cannot be written (before downloading)', async () => {
    const root = tempDir();
    const file = join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const error = await getFile('imdb.npz', { origin: `${base}/imdb.npz`, cacheDir: file }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'CACHE_NOT_WRITABLE',
      file: join(file, 'datasets'),
      message: `${join(file, 'datasets')}: cannot write to the cache folder ${join(file, 'datasets')} (ENOTDIR); expected a writable folder: pass cacheDir, or set SEQLAB_DATA_DIR or KERAS_HOME to one`,
    });
  });

  it('removes .part files a killed download left (untouched for 10 minutes), keeps a live one', async () => {
    const cacheDir = tempDir();
    const folder = join(cacheDir, 'datasets');
    mkdirSync(folder);
    const stale = join(folder, '.imdb.npz.0a1b2c3d4e5f.part');
    const live = join(folder, '.imdb.npz.ffffffffffff.part');
    writeFileSync(stale, 'half a download');
    writeFileSync(live, 'a download in progress');
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(stale, hourAgo, hourAgo);
    await getFile('imdb.npz', { origin: `${base}/imdb.npz`, fileHash: sha256, cacheDir });
    expect(readdirSync(folder).sort()).toEqual(['.imdb.npz.ffffffffffff.part', 'imdb.npz']);
    // and a cached file with a stale .part next to it: cleaned on the next call too
    utimesSync(live, hourAgo, hourAgo);
    await getFile('imdb.npz', { origin: `${base}/imdb.npz`, fileHash: sha256, cacheDir });
    expect(readdirSync(folder)).toEqual(['imdb.npz']);
  });

  describe('a tampered file in the Keras cache', () => {
    const keys = ['SEQLAB_DATA_DIR', 'KERAS_HOME', 'HOME'] as const;
    const saved = keys.map((k) => process.env[k]);
    const useKerasHome = (): string => {
      const home = tempDir();
      mkdirSync(join(home, 'datasets'));
      delete process.env['SEQLAB_DATA_DIR'];
      process.env['KERAS_HOME'] = home;
      process.env['HOME'] = tempDir(); // no ~/.keras either
      return join(home, 'datasets', 'imdb.npz');
    };
    afterAll(() => {
      keys.forEach((k, i) => {
        if (saved[i] === undefined) delete process.env[k];
        else process.env[k] = saved[i];
      });
      vi.unstubAllGlobals();
    });

    it('is re-verified and downloaded again when its hash is known', async () => {
      const path = useKerasHome();
      const tampered = body.slice();
      tampered[100] = tampered[100]! ^ 0xff;
      writeFileSync(path, tampered);
      const { bytes, name } = await loadBytes('imdb.npz', { origin: `${base}/imdb.npz`, fileHash: sha256 });
      expect(name).toBe(path);
      expect(new Uint8Array(bytes)).toEqual(body);
      expect(new Uint8Array(readFileSync(path))).toEqual(body);
    });

    it('is never loaded by imdb.loadData: without network, the download error instead', async () => {
      const path = useKerasHome();
      writeFileSync(path, body); // a valid npz, but not the official bytes
      vi.stubGlobal('fetch', async () => {
        throw new TypeError('fetch failed', { cause: new Error('no network in this test') });
      });
      await expect(imdb.loadData()).rejects.toMatchObject({
        code: 'DOWNLOAD_FAILED',
        message: expect.stringContaining('(no network in this test)'),
      });
      vi.unstubAllGlobals();
    });

    it('but SEQLAB_DATA_DIR holds trusted local data, loaded as it is', async () => {
      const path = useKerasHome();
      const dir = tempDir();
      writeFileSync(join(dir, 'imdb.npz'), body);
      process.env['SEQLAB_DATA_DIR'] = dir;
      const [[xTrain]] = await imdb.loadData();
      expect(xTrain.length).toBe(40);
      expect(path).toContain('datasets');
    });
  });
});
