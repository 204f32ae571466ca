import { DatasetError } from './_errors.js';

/**
 * The index of the first byte that starts an invalid UTF-8 sequence (WHATWG rules: no overlongs, no
 * surrogates, nothing above U+10FFFF), or -1. A sequence cut off by the end is invalid only when `final`.
 */
export function firstInvalidUtf8(bytes: Uint8Array, final: boolean): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function badUtf8(file: string, offset: number, line: number | undefined): DatasetError {
  return new DatasetError(
    'BAD_UTF8',
    `invalid UTF-8 at byte ${offset}${line === undefined ? '' : ` (line ${line})`}; expected UTF-8 text (re-save the file as UTF-8)`,
    { file },
  );
}

/** Decodes a whole file as strict UTF-8; an invalid byte is reported with its offset. */
export function decodeUtf8(bytes: Uint8Array, file: string, options: { ignoreBOM?: boolean } = {}): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: options.ignoreBOM ?? false }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes, true));
    const line = countNewlines(new TextDecoder().decode(bytes.subarray(0, at))) + 1;
    throw badUtf8(file, at, line);
  }
}

/**
 * Strict streaming UTF-8 decoding: chunks in, text out; a character split across chunks is joined, an invalid
 * byte throws `BAD_UTF8` with its byte offset in the whole stream and its line. The BOM is dropped.
 */
export class Utf8Stream {
  readonly #file: string;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });
  #offset = 0;
  #newlines = 0;
  /** The tail of what was fed that ends in an incomplete sequence (at most 3 bytes). */
  #pending: Uint8Array = new Uint8Array(0);

  constructor(file: string) {
    this.#file = file;
  }

  /** Bytes read so far. */
  get bytes(): number {
    return this.#offset;
  }

  decode(chunk: Uint8Array, final = false): string {
    let text: string;
    try {
      text = this.#decoder.decode(chunk, { stream: !final });
    } catch {
      const joined = concat(this.#pending, chunk);
      const at = Math.max(0, firstInvalidUtf8(joined, final));
      const before = new TextDecoder().decode(joined.subarray(0, at));
      throw badUtf8(
        this.#file,
        this.#offset - this.#pending.length + at,
        this.#newlines + countNewlines(before) + 1,
      );
    }
    this.#pending = final ? new Uint8Array(0) : incompleteTail(concat(this.#pending, chunk));
    this.#offset += chunk.length;
    this.#newlines += countNewlines(text);
    return text;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function incompleteTail(bytes: Uint8Array): Uint8Array {
  for (let j = bytes.length - 1; j >= Math.max(0, bytes.length - 3); j--) {
    const b = bytes[j]!;
    if (b < 0x80) break;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return j + length > bytes.length ? bytes.slice(j) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}

/** Cuts UTF-8 `bytes` to at most `maxLength` bytes, dropping a character the cut would split. */
export function truncateUtf8(bytes: Uint8Array, maxLength: number): Uint8Array {
  if (bytes.length <= maxLength) return bytes;
  let end = maxLength;
  // Step back over continuation bytes to the start of the character that would be split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
