import { DatasetError } from './_errors.js';
import {
  type DataSource,
  type GetFileOptions,
  hashAlgorithm,
  hashMismatch,
  NpzArchive,
  type NpzOptions,
  offlineError,
  type SourceSpec,
} from './_source.js';

export type { DataSource } from './_source.js';

export const platformName = 'browser' as const;

export { crc32 } from './_zip.js';

/** crypto.subtle has no md5: the one md5 Keras uses (the word index) is checked by the sha256 of the same bytes. */
const SHA256_FOR_MD5: Record<string, string> = {
  bfafd718b763782e994055a2d397834f: '027313fe9a320280f3bf0fac5baf58c4a683cf39a7ed9c3d3d3912bde4284cf6',
};
const CACHE_NAME = 'seqlab-datasets';

/** Inflates into a buffer of the declared size; a stream that goes beyond it is cut off with an error. */
export async function inflateRaw(data: Uint8Array, expectedSize: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate-raw'));
  const out = new Uint8Array(expectedSize);
  let at = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > expectedSize) {
      await reader.cancel();
      throw new Error(`inflates beyond its declared ${expectedSize} bytes`);
    }
    out.set(value, at);
    at += value.length;
  }
  return at === expectedSize ? out : out.subarray(0, at);
}

/** The browser has no data dirs. */
export function dataDirs(_cacheSubdir?: string): string[] {
  return [];
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function verify(bytes: Uint8Array, expected: string, url: string): Promise<void> {
  const want =
    hashAlgorithm(expected) === 'sha256' ? expected.toLowerCase() : SHA256_FOR_MD5[expected.toLowerCase()];
  if (want === undefined) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `md5 ${expected} cannot be checked in a browser; pass a sha256 fileHash`,
      {
        file: url,
      },
    );
  }
  const got = await sha256(bytes);
  if (got !== want) throw hashMismatch(url, 'sha256', want, got);
}

async function openCache(): Promise<Cache | undefined> {
  try {
    return typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME);
  } catch {
    return undefined; // e.g. an opaque origin: work without a cache
  }
}

async function download(url: string, options: GetFileOptions): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw offlineError(url, `the Cache API entry for ${url}`, cause);
  }
  if (!response.ok || response.body === null) {
    throw new DatasetError(
      'DOWNLOAD_FAILED',
      `server answered ${response.status}; expected 200 with the file`,
      {
        file: url,
      },
    );
  }
  const header = response.headers.get('content-length');
  const total = header === null ? undefined : Number(header);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      options.onProgress?.({ url, loaded, total });
    }
  } catch (cause) {
    throw new DatasetError('DOWNLOAD_FAILED', `connection lost after ${loaded} bytes; nothing was kept`, {
      file: url,
      cause,
    });
  }
  if (total !== undefined && loaded !== total) {
    throw new DatasetError(
      'DOWNLOAD_FAILED',
      `received ${loaded} bytes; expected ${total}; nothing was kept`,
      {
        file: url,
      },
    );
  }
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/**
 * Browser `get_file`: makes sure the Cache API holds a verified copy of `origin` and returns its URL (the cache
 * key). Nothing is stored unless the hash matched. `cacheDir`, `cacheSubdir` and `extract` do not apply.
 */
export async function getFile(_fname: string, options: GetFileOptions): Promise<string> {
  await fetchVerified(options);
  return options.origin;
}

async function fetchVerified(options: GetFileOptions): Promise<Uint8Array> {
  const cache = await openCache();
  const url = options.origin;
  if (cache !== undefined && !options.forceDownload) {
    const hit = await cache.match(url);
    if (hit !== undefined) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (!options.fileHash) return bytes;
      try {
        await verify(bytes, options.fileHash, url);
        return bytes;
      } catch {
        await cache.delete(url);
      }
    }
  }
  const bytes = await download(url, options);
  if (options.fileHash) await verify(bytes, options.fileHash, url);
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>));
  return bytes;
}

async function toBytes(source: Exclude<DataSource, string>): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return new Uint8Array(await source.arrayBuffer());
}

export async function loadBytes(
  source: DataSource,
  spec: SourceSpec,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source !== 'string') return { bytes: await toBytes(source), name: '<bytes>' };
  // A bare name means the official file; any other string is a URL whose content the caller vouches for.
  const isOfficial = !source.includes('/') || source === spec.origin;
  const url = isOfficial ? spec.origin : source;
  const bytes = await fetchVerified(isOfficial ? { origin: url, fileHash: spec.fileHash } : { origin: url });
  return { bytes, name: url };
}

/** Opens an `.npz` source lazily: members are inflated only when asked for. */
export async function openNpzSource(
  source: DataSource,
  spec: SourceSpec,
  options: NpzOptions = {},
): Promise<NpzArchive> {
  const { bytes, name } = await loadBytes(source, spec);
  return new NpzArchive(bytes, name, inflateRaw, options);
}

export async function openGunzip(
  source: DataSource,
  spec: SourceSpec,
): Promise<{ stream: AsyncIterable<Uint8Array>; name: string }> {
  const { bytes, name } = await loadBytes(source, spec);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  async function* iterate(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } catch (cause) {
      throw new DatasetError(
        'BAD_TAR',
        `gunzip failed (${(cause as Error).message}); the archive is corrupt`,
        {
          file: name,
          cause,
        },
      );
    }
  }
  return { stream: iterate(), name };
}
