import { DatasetError } from './_errors.js';

/** One member of a zip archive, still compressed. */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflated. */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** The member's compressed bytes (a view into the archive). */
  readonly data: Uint8Array;
}

/** Decompresses raw deflate data (no zlib header) into exactly `expectedSize` bytes. */
export type InflateRaw = (data: Uint8Array, expectedSize: number) => Promise<Uint8Array>;

/**
 * Decompresses raw deflate data as it is read, piece by piece (the pieces are the caller's to keep); going
 * beyond `expectedSize` bytes is an error. `return()` stops the work.
 */
export type InflateRawStream = (data: Uint8Array, expectedSize: number) => AsyncIterator<Uint8Array>;

/** A CRC-32 continued from `initial` (the CRC of the bytes before), so a stream is checked piece by piece. */
export type Checksum = (bytes: Uint8Array, initial?: number) => number;

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

function u64(view: DataView, at: number, file: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DatasetError('BAD_ZIP', `zip64 field at byte ${at} is ${value}, beyond any real file size`, {
      file,
    });
  }
  return Number(value);
}

/**
 * Reads the central directory of a zip archive (zip64 included) and returns its members in directory order.
 * Platform-neutral: bytes in, entries out; decompression is done by {@link extractZipEntry}.
 */
export function readZip(bytes: Uint8Array, file: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const truncated = (what: string): DatasetError =>
    new DatasetError('BAD_ZIP', `${what}; expected a complete zip archive, received ${bytes.length} bytes`, {
      file,
    });
  let eocd = -1;
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIG) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw truncated('no end-of-central-directory record (truncated, or not a zip file)');
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIG) {
    const z64 = u64(view, eocd - 12, file);
    if (z64 + 56 > bytes.length || view.getUint32(z64, true) !== ZIP64_EOCD_SIG) {
      throw truncated(`zip64 end-of-central-directory record missing at byte ${z64}`);
    }
    count = u64(view, z64 + 32, file);
    cdSize = u64(view, z64 + 40, file);
    cdOffset = u64(view, z64 + 48, file);
  }
  if (cdOffset + cdSize > bytes.length) {
    throw truncated(`central directory at bytes ${cdOffset}..${cdOffset + cdSize} lies past the end`);
  }
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL_SIG) {
      throw truncated(`central directory entry ${i} of ${count} is missing at byte ${at}`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc32 = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localOffset = view.getUint32(at + 42, true);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd + extraLength + commentLength > bytes.length) throw truncated(`entry ${i} header is cut off`);
    const name = decoder.decode(bytes.subarray(at + 46, nameEnd));
    // zip64 extra field: the 64-bit values of exactly those fields that hold 0xFFFFFFFF, in this order.
    let extra = nameEnd;
    const extraEnd = nameEnd + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const size = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        if (uncompressedSize === 0xffffffff) {
          uncompressedSize = u64(view, field, file);
          field += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(view, field, file);
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(view, field, file);
      }
      extra += 4 + size;
    }
    if (flags & 1) {
      throw new DatasetError('BAD_ZIP', `member ${name} is encrypted; expected an unencrypted archive`, {
        file,
      });
    }
    if (method !== 0 && method !== 8) {
      throw new DatasetError(
        'BAD_ZIP',
        `member ${name} uses compression method ${method}; expected 0 (stored) or 8 (deflated)`,
        { file },
      );
    }
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL_SIG) {
      throw truncated(`local header of member ${name} is missing at byte ${localOffset}`);
    }
    const dataStart =
      localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataStart + compressedSize > bytes.length) {
      throw truncated(`member ${name} needs bytes ${dataStart}..${dataStart + compressedSize}`);
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw new DatasetError(
        'BAD_ZIP',
        `stored member ${name} has compressed size ${compressedSize} but size ${uncompressedSize}; expected equal`,
        { file },
      );
    }
    entries.push({
      name,
      method,
      crc32,
      compressedSize,
      uncompressedSize,
      data: bytes.subarray(dataStart, dataStart + compressedSize),
    });
    at = extraEnd + commentLength;
  }
  return entries;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), the zip checksum; `initial` continues the CRC of earlier bytes (as zlib's `crc32`). */
export function crc32(bytes: Uint8Array, initial = 0): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const doesNotInflate = (entry: ZipEntry, file: string, cause: unknown): DatasetError =>
  new DatasetError(
    'BAD_ZIP',
    `member ${entry.name} does not inflate (${(cause as Error).message}); the archive is corrupt or truncated`,
    { file, cause },
  );

/** The size and CRC-32 checks of a whole member (the same for a member read at once and one streamed). */
function checkInflated(entry: ZipEntry, file: string, length: number, crc: number): void {
  if (length !== entry.uncompressedSize) {
    throw new DatasetError(
      'BAD_ZIP',
      `member ${entry.name} inflated to ${length} bytes; expected ${entry.uncompressedSize}`,
      { file },
    );
  }
  if (crc !== entry.crc32) {
    throw new DatasetError(
      'BAD_ZIP',
      `member ${entry.name} has CRC-32 ${crc.toString(16)}; expected ${entry.crc32.toString(16)} (corrupt data)`,
      { file },
    );
  }
}

/** Decompresses one member and checks its size and CRC-32. */
export async function extractZipEntry(
  entry: ZipEntry,
  inflateRaw: InflateRaw,
  file: string,
  checksum: Checksum = crc32,
): Promise<Uint8Array> {
  let out: Uint8Array;
  if (entry.method === 0) {
    out = entry.data;
  } else {
    try {
      out = await inflateRaw(entry.data, entry.uncompressedSize);
    } catch (cause) {
      throw doesNotInflate(entry, file, cause);
    }
  }
  checkInflated(entry, file, out.length, out.length === entry.uncompressedSize ? checksum(out) : 0);
  return out;
}

/**
 * One member's bytes as they inflate, with the checks of {@link extractZipEntry}: `next()` gives the next piece,
 * and `undefined` only after the whole member passed its size and CRC-32 checks (else it throws the same
 * `BAD_ZIP`). A reader that fails on the bytes calls {@link drain}, so a corrupt archive is reported as such
 * (as when the member was inflated whole before it was read), not as whatever its bytes look like.
 */
export class ZipMemberStream {
  private length = 0;
  private crc = 0;
  private finished = false;
  private stored = false;
  private readonly pieces: AsyncIterator<Uint8Array> | undefined;

  constructor(
    readonly entry: ZipEntry,
    private readonly file: string,
    inflateRawStream: InflateRawStream,
    private readonly checksum: Checksum = crc32,
  ) {
    this.pieces = entry.method === 0 ? undefined : inflateRawStream(entry.data, entry.uncompressedSize);
  }

  async next(): Promise<Uint8Array | undefined> {
    if (this.finished) return undefined;
    let piece: Uint8Array | undefined;
    if (this.pieces === undefined) {
      // stored: the data itself, once
      piece = this.stored ? undefined : this.entry.data;
      this.stored = true;
    } else {
      try {
        const step = await this.pieces.next();
        piece = step.done ? undefined : step.value;
      } catch (cause) {
        this.finished = true;
        throw doesNotInflate(this.entry, this.file, cause);
      }
    }
    if (piece === undefined) {
      this.finished = true;
      checkInflated(this.entry, this.file, this.length, this.crc);
      return undefined;
    }
    this.length += piece.length;
    if (this.length > this.entry.uncompressedSize) {
      this.cancel();
      checkInflated(this.entry, this.file, this.length, this.crc);
    }
    this.crc = this.checksum(piece, this.crc);
    return piece;
  }

  /** Reads the rest without keeping it; throws the member's `BAD_ZIP` error if it has one. */
  async drain(): Promise<void> {
    while ((await this.next()) !== undefined) {}
  }

  /** Stops inflating (the rest is never read). */
  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    void this.pieces?.return?.();
  }
}
