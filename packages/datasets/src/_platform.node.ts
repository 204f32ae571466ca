import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { createGunzip, inflateRaw as zlibInflateRaw } from 'node:zlib';
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
import { readTarEntries } from './_tar.js';
import { crc32 as jsCrc32, readZip } from './_zip.js';

export type { DataSource } from './_source.js';

export const platformName = 'node' as const;

const inflate = promisify(zlibInflateRaw);

/**
 * Inflates at most `expectedSize` bytes (more is an error, so a member cannot lie about its size). One output
 * chunk of exactly the declared size (+1, so zlib never allocates a spare chunk): no concatenation copy.
 */
export async function inflateRaw(data: Uint8Array, expectedSize: number): Promise<Uint8Array> {
  const maxOutputLength = Math.max(1, expectedSize);
  try {
    return await inflate(data, {
      maxOutputLength,
      chunkSize: Math.max(64, Math.min(expectedSize + 1, 2 ** 30)),
    });
  } catch (cause) {
    // the message the streamed inflate (and the browser's) gives, instead of Node's Buffer-size wording
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw beyond(expectedSize);
    throw cause;
  }
}

const beyond = (expectedSize: number): Error =>
  new Error(`inflates beyond its declared ${expectedSize} bytes`);

/** Pieces of a streamed inflate: large enough that the per-piece work is noise, small enough to stay in cache. */
const STREAM_PIECE = 1 << 16;

/**
 * Inflates piece by piece on the libuv thread pool, a few pieces ahead of the reader (so inflating and parsing
 * overlap); more than `expectedSize` bytes is an error.
 */
export function inflateRawStream(data: Uint8Array, expectedSize: number): AsyncIterator<Uint8Array> {
  // highWaterMark reaches the Transform under zlib (typed ZlibOptions do not list it)
  const options = { chunkSize: STREAM_PIECE, highWaterMark: 4 * STREAM_PIECE } as zlib.ZlibOptions;
  const inflater = zlib.createInflateRaw(options);
  inflater.end(data);
  const pieces = inflater[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let seen = 0;
  return {
    async next() {
      const step = await pieces.next();
      if (!step.done) {
        seen += step.value.length;
        if (seen > expectedSize) {
          inflater.destroy();
          throw beyond(expectedSize);
        }
      }
      return step;
    },
    async return() {
      inflater.destroy();
      return { done: true, value: undefined };
    },
  };
}

type Crc32 = (bytes: Uint8Array, initial?: number) => number;

/** CRC-32 of zip members: zlib's native one where Node has it (20.15+), else the portable one. */
export const crc32: Crc32 =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (bytes, initial = 0) => (zlib as unknown as { crc32: Crc32 }).crc32(bytes, initial)
    : jsCrc32;

/** The folders searched for a dataset file, in order: `SEQLAB_DATA_DIR`, `$KERAS_HOME/datasets`, `~/.keras/datasets`. */
export function dataDirs(cacheSubdir = 'datasets'): string[] {
  const dirs: string[] = [];
  const seqlab = process.env['SEQLAB_DATA_DIR'];
  if (seqlab) dirs.push(seqlab);
  const kerasHome = process.env['KERAS_HOME'];
  if (kerasHome) dirs.push(join(kerasHome, cacheSubdir));
  dirs.push(join(homedir(), '.keras', cacheSubdir));
  return dirs;
}

async function fileHash(path: string, algorithm: 'sha256' | 'md5'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A `.part` file untouched this long belongs to a download that was killed: the next `getFile` removes it. */
export const STALE_PART_MS: number = 10 * 60 * 1000;

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOENT', 'EISDIR']);

/** A failure to write into the cache folder as a typed error naming the folder; anything else as it was. */
function cacheError(dir: string, cause: unknown): unknown {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !NOT_WRITABLE.has(code)) return cause;
  return new DatasetError(
    'CACHE_NOT_WRITABLE',
    `cannot write to the cache folder ${dir} (${code}); expected a writable folder: pass cacheDir, or set SEQLAB_DATA_DIR or KERAS_HOME to one`,
    { file: dir, cause },
  );
}

/** Removes `.<name>.<random>.part` files of `target` left by downloads that were killed (untouched for long). */
async function removeStaleParts(target: string): Promise<void> {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.part')) continue;
    const path = join(dir, name);
    try {
      if (now - (await stat(path)).mtimeMs > STALE_PART_MS) await rm(path, { force: true });
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
}

/**
 * `keras.utils.get_file`: returns the path of `fname` in the cache, downloading it from `origin` first when it
 * is missing or a cached copy fails `fileHash` (then it is downloaded again, as Keras does). Downloads stream
 * into a temporary `.part` file that is renamed into place only after the hash matched; a failed download
 * removes its `.part` file, and one left by a killed process is removed by the next call after 10 minutes.
 * A cache folder that cannot be written gives `CACHE_NOT_WRITABLE` (Keras falls back to `/tmp/.keras`).
 * Port of keras/src/utils/file_utils.py get_file.
 *
 * @example
 * ```ts
 * const path = await getFile('imdb.npz', { origin: 'https://…/imdb.npz', fileHash: '6966…' });
 * ```
 */
export async function getFile(fname: string, options: GetFileOptions): Promise<string> {
  const {
    origin,
    fileHash: expected,
    cacheSubdir = 'datasets',
    extract = false,
    forceDownload = false,
  } = options;
  let dir: string;
  if (options.cacheDir !== undefined) dir = join(options.cacheDir, cacheSubdir);
  else if (process.env['SEQLAB_DATA_DIR']) dir = process.env['SEQLAB_DATA_DIR'];
  else dir = join(process.env['KERAS_HOME'] || join(homedir(), '.keras'), cacheSubdir);
  const target = isAbsolute(fname) ? fname : join(dir, fname);
  const algorithm = expected ? hashAlgorithm(expected) : undefined;

  await removeStaleParts(target);
  let download = forceDownload || !existsSync(target);
  if (!download && expected && algorithm) {
    download = (await fileHash(target, algorithm)) !== expected.toLowerCase();
  }
  if (download) {
    const folder = dirname(target);
    const temp = join(folder, `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
    try {
      // before any byte is fetched: can the file be written here?
      await mkdir(folder, { recursive: true });
      await (await open(temp, 'wx')).close();
    } catch (cause) {
      throw cacheError(folder, cause);
    }
    try {
      await downloadTo(origin, temp, target, options.onProgress, expected, algorithm);
      await rename(temp, target).catch((cause: unknown) => {
        throw cacheError(folder, cause);
      });
    } finally {
      await rm(temp, { force: true });
    }
  }
  return extract ? await extractArchive(target) : target;
}

async function downloadTo(
  url: string,
  temp: string,
  target: string,
  onProgress: GetFileOptions['onProgress'],
  expected: string | undefined,
  algorithm: 'sha256' | 'md5' | undefined,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw offlineError(url, target, cause);
  }
  if (!response.ok || response.body === null) {
    throw new DatasetError(
      'DOWNLOAD_FAILED',
      `server answered ${response.status} ${response.statusText}; expected 200 with the file`,
      { file: url },
    );
  }
  const header = response.headers.get('content-length');
  const total = header === null ? undefined : Number(header);
  const hash = algorithm ? createHash(algorithm) : undefined;
  const handle = await open(temp, 'w');
  let loaded = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash?.update(chunk);
      await handle.write(chunk);
      loaded += chunk.length;
      onProgress?.({ url, loaded, total });
    }
  } catch (cause) {
    throw new DatasetError(
      'DOWNLOAD_FAILED',
      `connection lost after ${loaded}${total === undefined ? '' : ` of ${total}`} bytes; nothing was kept`,
      { file: url, cause },
    );
  } finally {
    await handle.close();
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
  if (hash && expected && algorithm) {
    const got = hash.digest('hex');
    if (got !== expected.toLowerCase()) throw hashMismatch(url, algorithm, expected, got);
  }
}

async function extractArchive(archive: string): Promise<string> {
  const out = `${archive}_extracted`;
  if (existsSync(out)) return out;
  const temp = `${out}.${randomBytes(6).toString('hex')}.part`;
  const { writeFile } = await import('node:fs/promises');
  try {
    await mkdir(temp, { recursive: true });
  } catch (cause) {
    throw cacheError(dirname(out), cause);
  }
  try {
    if (/\.(tar\.gz|tgz|tar)$/.test(archive)) {
      const source = createReadStream(archive);
      const stream = archive.endsWith('.tar') ? source : gunzip(source);
      // each file streams to disk: nothing of the archive is held in memory
      for await (const entry of readTarEntries(stream as AsyncIterable<Uint8Array>, archive)) {
        const path = join(temp, entry.path);
        await mkdir(dirname(path), { recursive: true });
        const handle = await open(path, 'w');
        try {
          for await (const piece of entry.body()) await handle.write(piece);
        } finally {
          await handle.close();
        }
      }
    } else if (archive.endsWith('.zip')) {
      const { extractZipEntry } = await import('./_zip.js');
      const { safeRelativePath } = await import('./_tar.js');
      for (const entry of readZip(await readFile(archive), archive)) {
        const rel = safeRelativePath(entry.name, archive);
        if (entry.name.endsWith('/')) continue;
        const path = join(temp, rel);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, await extractZipEntry(entry, inflateRaw, archive, crc32));
      }
    } else {
      throw new DatasetError('BAD_ARGUMENT', 'extract: expected a .tar.gz, .tgz, .tar or .zip file', {
        file: archive,
      });
    }
    await rename(temp, out);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return out;
}

function gunzip(source: Readable): AsyncIterable<Uint8Array> {
  const out = createGunzip();
  pipeline(source, out, () => {}); // an error in either stream reaches the reader of `out`
  return out;
}

function isLocalPath(source: string): boolean {
  return source.includes('/') || source.includes('\\');
}

/**
 * A bare name: the first local copy in the data dirs, else `getFile` from the official origin. A copy in
 * `SEQLAB_DATA_DIR` (or under another name, `alternatives`) is trusted local data; the official name in the Keras
 * cache (`$KERAS_HOME/datasets`, `~/.keras/datasets`) goes through `getFile`, so it is re-verified against the
 * official hash and downloaded again when it does not match, as Keras' `get_file` does.
 */
async function locate(source: string, spec: SourceSpec): Promise<string> {
  if (isLocalPath(source)) {
    if (!existsSync(source)) {
      throw new DatasetError('NOT_FOUND', 'no such file; expected a path to an existing file', {
        file: source,
      });
    }
    return source;
  }
  const trusted = process.env['SEQLAB_DATA_DIR'];
  for (const dir of dataDirs()) {
    for (const name of [source, ...(spec.alternatives ?? [])]) {
      const path = join(dir, name);
      if (!existsSync(path) || !(await stat(path)).isFile()) continue;
      if (dir === trusted || name !== source) return path;
      return await getFile(path, { origin: spec.origin, fileHash: spec.fileHash });
    }
  }
  return await getFile(source, { origin: spec.origin, fileHash: spec.fileHash });
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
  const path = await locate(source, spec);
  return { bytes: await readFile(path), name: path };
}

/** Opens an `.npz` source lazily: members are inflated only when asked for. */
export async function openNpzSource(
  source: DataSource,
  spec: SourceSpec,
  options: NpzOptions = {},
): Promise<NpzArchive> {
  const { bytes, name } = await loadBytes(source, spec);
  return new NpzArchive(bytes, name, inflateRaw, options, crc32, inflateRawStream);
}

export async function openGunzip(
  source: DataSource,
  spec: SourceSpec,
): Promise<{ stream: AsyncIterable<Uint8Array>; name: string }> {
  const fail = (name: string) => (cause: unknown) =>
    new DatasetError(
      'BAD_TAR',
      `gunzip failed (${(cause as Error).message}); the archive is corrupt or truncated`,
      {
        file: name,
        cause,
      },
    );
  const wrap = async function* (stream: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
    try {
      yield* stream;
    } catch (cause) {
      throw fail(name)(cause);
    }
  };
  if (typeof source !== 'string') {
    const bytes = await toBytes(source);
    return { stream: wrap(gunzip(Readable.from([bytes])), '<bytes>'), name: '<bytes>' };
  }
  const path = await locate(source, spec);
  return { stream: wrap(gunzip(createReadStream(path)), path), name: path };
}
