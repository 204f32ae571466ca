import { DatasetError } from './_errors.js';

/** One regular file from a tar stream. */
export interface TarFile {
  readonly path: string;
  readonly data: Uint8Array;
}

/** A member name for an error message: long ones (a GNU long name may take a megabyte) are cut. */
function shown(name: string): string {
  return name.length <= 200 ? name : `${name.slice(0, 200)}… (${name.length} characters)`;
}

/** Normalizes a member path; one that is absolute or climbs out of the archive root is refused. */
export function safeRelativePath(raw: string, file: string): string {
  const parts: string[] = [];
  const unsafe = (): DatasetError =>
    new DatasetError(
      'UNSAFE_PATH',
      `entry ${JSON.stringify(shown(raw))} escapes the archive root; expected a relative path inside it`,
      { file },
    );
  if (raw.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(raw) || raw.includes('\\')) throw unsafe();
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw unsafe();
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function octal(block: Uint8Array, at: number, length: number): number {
  // GNU base-256 for large sizes
  if (block[at]! & 0x80) {
    let v = block[at]! & 0x7f;
    for (let i = 1; i < length; i++) v = v * 256 + block[at + i]!;
    return v;
  }
  const text = new TextDecoder('latin1')
    .decode(block.subarray(at, at + length))
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function cString(block: Uint8Array, at: number, length: number): string {
  const slice = block.subarray(at, at + length);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end < 0 ? slice : slice.subarray(0, end));
}

/** Pulls bytes from a chunk stream: at most the bytes asked for plus one chunk are ever held. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Buffers at least `n` bytes; false if the stream ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
    return this.buffered >= n;
  }

  /** The next piece of at most `max` bytes (a view into a chunk), or undefined at the end of the stream. */
  async piece(max: number): Promise<Uint8Array | undefined> {
    if (!(await this.fill(1))) return undefined;
    const first = this.chunks[0]!;
    if (first.length <= max) {
      this.chunks.shift();
      this.buffered -= first.length;
      return first;
    }
    this.chunks[0] = first.subarray(max);
    this.buffered -= max;
    return first.subarray(0, max);
  }

  /** Exactly `n` buffered bytes (call {@link fill} first), copied only when they span chunks. */
  take(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      this.chunks[0] = first.subarray(n);
      if (first.length === n) this.chunks.shift();
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const part = this.chunks[0]!;
      const use = Math.min(part.length, n - at);
      out.set(part.subarray(0, use), at);
      at += use;
      if (use === part.length) this.chunks.shift();
      else this.chunks[0] = part.subarray(use);
    }
    this.buffered -= n;
    return out;
  }

  /** Drops `n` bytes as they arrive; false if the stream ends first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    while (left > 0) {
      const piece = await this.piece(left);
      if (piece === undefined) return false;
      left -= piece.length;
    }
    return true;
  }
}

/** A regular file of a tar stream whose bytes have not been read yet. */
export interface TarEntryStream {
  readonly path: string;
  readonly size: number;
  /** The file's bytes as they arrive; whatever is not read is skipped when the next entry is asked for. */
  body(): AsyncGenerator<Uint8Array>;
}

/** Longest GNU long name or pax header read. */
const MAX_META_BYTES = 1 << 20;

/**
 * Reads a (decompressed) tar stream and yields its regular files unread, one at a time; ustar, GNU long names
 * and pax `path` records are understood; links and other special entries are skipped. Header checksums are
 * verified. Memory: one header, one stream chunk, and whatever the consumer keeps of a body.
 */
export async function* readTarEntries(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<TarEntryStream> {
  const queue = new ByteQueue(chunks);
  const cut = (what: string): DatasetError =>
    new DatasetError('BAD_TAR', `${what} is cut off (truncated archive)`, { file });
  let longName: string | undefined;
  let paxPath: string | undefined;
  for (;;) {
    if (!(await queue.fill(512))) {
      throw new DatasetError(
        'BAD_TAR',
        'tar stream ends inside a header; expected two zero blocks at the end',
        {
          file,
        },
      );
    }
    const header = queue.take(512).slice();
    if (header.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    const expected = octal(header, 148, 8);
    if (sum !== expected) {
      throw new DatasetError('BAD_TAR', `header checksum ${expected} does not match the computed ${sum}`, {
        file,
      });
    }
    const size = octal(header, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new DatasetError('BAD_TAR', 'an entry size is not a valid number', { file });
    }
    const type = String.fromCharCode(header[156]!);
    const padding = Math.ceil(size / 512) * 512 - size;
    if (type === 'L' || type === 'x') {
      if (size > MAX_META_BYTES) {
        throw new DatasetError(
          'SIZE_LIMIT',
          `a ${type === 'L' ? 'GNU long name' : 'pax header'} of ${size} bytes; expected at most ${MAX_META_BYTES}`,
          { file },
        );
      }
      if (!(await queue.fill(size))) throw cut(`an entry of ${size} bytes`);
      const data = queue.take(size);
      if (type === 'L') longName = cString(data, 0, data.length);
      else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data))?.[1];
      if (!(await queue.skip(padding))) throw cut(`an entry of ${size} bytes`);
      continue;
    }
    let rawName: string | undefined;
    if (type !== 'g') {
      const prefix = header[257] === 0x75 ? cString(header, 345, 155) : ''; // "ustar"
      rawName = paxPath ?? longName ?? (prefix ? `${prefix}/` : '') + cString(header, 0, 100);
      longName = undefined;
      paxPath = undefined;
    }
    const path = rawName === undefined ? undefined : safeRelativePath(rawName, file);
    let unread = size;
    if (path !== undefined && (type === '0' || type === '\0' || type === '7')) {
      yield {
        path,
        size,
        body: async function* () {
          while (unread > 0) {
            const piece = await queue.piece(unread);
            if (piece === undefined) throw cut(`entry ${shown(path)} of ${size} bytes`);
            unread -= piece.length;
            yield piece;
          }
        },
      };
    }
    if (!(await queue.skip(unread + padding))) throw cut(`an entry of ${size} bytes`);
  }
}

/** Options of {@link readTar}. */
export interface ReadTarOptions {
  /** Which regular files to read; the others are skipped as they stream, never held. @default every file */
  accept?: (path: string) => boolean;
  /** A file larger than this is refused (`SIZE_LIMIT`) before it is read. @default 2 ** 30 */
  maxEntryBytes?: number;
  /** All files read together larger than this are refused (`SIZE_LIMIT`). @default Infinity */
  maxTotalBytes?: number;
}

/**
 * Reads a (decompressed) tar stream chunk by chunk and yields the regular files `accept` wants, each read whole
 * into its own buffer (one copy; the rest of the stream is never held). See {@link readTarEntries}.
 */
export async function* readTar(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  options: ReadTarOptions = {},
): AsyncGenerator<TarFile> {
  const { accept, maxEntryBytes = 2 ** 30, maxTotalBytes = Number.POSITIVE_INFINITY } = options;
  let total = 0;
  for await (const entry of readTarEntries(chunks, file)) {
    if (accept !== undefined && !accept(entry.path)) continue;
    if (entry.size > maxEntryBytes) {
      throw new DatasetError(
        'SIZE_LIMIT',
        `entry ${shown(entry.path)} holds ${entry.size} bytes; expected at most maxEntryBytes = ${maxEntryBytes}`,
        { file },
      );
    }
    total += entry.size;
    if (total > maxTotalBytes) {
      throw new DatasetError(
        'SIZE_LIMIT',
        `the files read reach ${total} bytes at ${shown(entry.path)}; expected at most maxTotalBytes = ${maxTotalBytes}`,
        { file },
      );
    }
    const data = new Uint8Array(entry.size);
    let at = 0;
    for await (const piece of entry.body()) {
      data.set(piece, at);
      at += piece.length;
    }
    yield { path: entry.path, data };
  }
}
