import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dataDirs, seqlabMiddleware } from './plugin.js';

test('data folders in order: SEQLAB_DATA_DIR, $KERAS_HOME/datasets, ~/.keras/datasets', () => {
  expect(dataDirs({ SEQLAB_DATA_DIR: '/d', KERAS_HOME: '/k' }, '/h')).toEqual([
    '/d',
    '/k/datasets',
    '/h/.keras/datasets',
  ]);
  expect(dataDirs({}, '/h')).toEqual(['/h/.keras/datasets']);
});

let server: Server;
let base: string;
beforeAll(async () => {
  const middleware = seqlabMiddleware(() => ['/nonexistent-seqlab']);
  server = createServer((req, res) => middleware(req as never, res, () => res.end('next')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('isolation headers on every response; a missing data file is a JSON 404', async () => {
  const page = await fetch(`${base}/index.html`);
  expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
  const missing = await fetch(`${base}/data/imdb.npz`);
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({
    error: 'NOT_FOUND',
    message:
      'imdb.npz is not on this server: looked in /nonexistent-seqlab. Set SEQLAB_DATA_DIR to a folder holding it.',
  });
});
