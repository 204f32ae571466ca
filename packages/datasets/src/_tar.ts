import { DatasetError } from './_errors.js';

/** One regular file from a tar stream. */
export interface TarFile {
  readonly path: string;
  readonly data: Uint8Array;
}

/** Normalizes a member path; one that is absolute or climbs out of the archive root is refused. */
export function safeRelativePath(raw: string, file: string): string {
  const parts: string[] = [];
  const unsafe = (): DatasetError =>
    new DatasetError(
      'UNSAFE_PATH',
      `entry ${JSON.stringify(raw)} escapes the archive root; expected a relative path inside it`,
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

/**
 * Reads a (decompressed) tar stream chunk by chunk and yields its regular files; ustar, GNU long names and pax
 * `path` records are understood; links and other special entries are skipped. Header checksums are verified.
 */
export async function* readTar(chunks: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<TarFile> {
  let buffer = new Uint8Array(0);
  let ended = false;
  const iterator = chunks[Symbol.asyncIterator]();
  const fill = async (n: number): Promise<boolean> => {
    const parts: Uint8Array[] = [buffer];
    let have = buffer.length;
    while (have < n && !ended) {
      const next = await iterator.next();
      if (next.done) ended = true;
      else {
        parts.push(next.value);
        have += next.value.length;
      }
    }
    if (parts.length > 1) {
      const joined = new Uint8Array(have);
      let at = 0;
      for (const p of parts) {
        joined.set(p, at);
        at += p.length;
      }
      buffer = joined;
    }
    return have >= n;
  };
  const take = (n: number): Uint8Array => {
    const out = buffer.subarray(0, n);
    buffer = buffer.subarray(n);
    return out;
  };
  let longName: string | undefined;
  let paxPath: string | undefined;
  for (;;) {
    if (!(await fill(512))) {
      throw new DatasetError(
        'BAD_TAR',
        'tar stream ends inside a header; expected two zero blocks at the end',
        {
          file,
        },
      );
    }
    const header = take(512);
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
    const type = String.fromCharCode(header[156]!);
    const padded = Math.ceil(size / 512) * 512;
    if (!(await fill(padded))) {
      throw new DatasetError('BAD_TAR', `entry of ${size} bytes is cut off (truncated archive)`, { file });
    }
    const data = take(padded).subarray(0, size);
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data));
      paxPath = match?.[1];
      continue;
    }
    if (type === 'g') continue;
    const prefix = header[257] === 0x75 ? cString(header, 345, 155) : ''; // "ustar"
    const rawName = paxPath ?? longName ?? (prefix ? `${prefix}/` : '') + cString(header, 0, 100);
    longName = undefined;
    paxPath = undefined;
    const path = safeRelativePath(rawName, file);
    if (type === '0' || type === '\0' || type === '7') yield { path, data: new Uint8Array(data) };
  }
}
