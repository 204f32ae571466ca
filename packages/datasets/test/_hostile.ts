// Builders of hostile (and honest) npy / npz / pickle / tar inputs, made in the tests themselves.
import { crc32 as crc32z, deflateRawSync, constants as zlib } from 'node:zlib';
import { crc32, readZip } from '../src/_zip.js';
import { fixtureBytes } from './_helpers.js';

const latin1 = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u16 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** An `.npy` v1.0 file: the header numpy writes (padded to 64 bytes) and the payload. */
export function npy(descr: string, shape: number[], payload: Uint8Array | number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  return Uint8Array.from([
    0x93,
    ...latin1('NUMPY'),
    1,
    0,
    ...u16(header.length),
    ...latin1(header),
    ...payload,
  ]);
}

/**
 * The pickle numpy writes for a 1-D object array (protocol 3, numpy 1.x names) of `length` elements, with
 * `dataOps` the opcodes that leave the element list on the stack.
 */
export function objectArrayPickle(length: number, dataOps: number[]): Uint8Array {
  return Uint8Array.from([
    0x80,
    3,
    ...latin1('cnumpy.core.multiarray\n_reconstruct\n'),
    ...latin1('cnumpy\nndarray\n'),
    0x4b,
    0,
    0x85,
    0x43,
    1,
    0x62,
    0x87,
    0x52, // REDUCE → the ndarray
    0x28, // MARK (the BUILD state)
    0x4b,
    1,
    0x4a,
    ...u32(length),
    0x85, // shape
    ...latin1('cnumpy\ndtype\n'),
    0x58,
    ...u32(2),
    ...latin1('O8'),
    0x89,
    0x88,
    0x87,
    0x52, // dtype('O8', False, True)
    0x89, // fortran_order False
    ...dataOps,
    0x74, // TUPLE
    0x62, // BUILD
    0x2e, // STOP
  ]);
}

/**
 * "Billion laughs": level 0 is a list of `fanOut` ints, level k a list of `fanOut` memo references to level
 * k - 1; the array's one element is the top level (fanOut^levels ints when expanded, about 1 KB of pickle).
 */
export function billionLaughs(levels = 9, fanOut = 10): Uint8Array {
  const ops: number[] = [0x5d, 0x71, 0, 0x28];
  for (let i = 0; i < fanOut; i++) ops.push(0x4b, 1);
  ops.push(0x65, 0x30); // APPENDS, POP (level 0 stays in the memo)
  for (let level = 1; level <= levels; level++) {
    ops.push(0x5d, 0x71, level, 0x28);
    for (let i = 0; i < fanOut; i++) ops.push(0x68, level - 1);
    ops.push(0x65, 0x30);
  }
  ops.push(0x5d, 0x68, levels, 0x61); // [top]
  return npy('|O', [1], objectArrayPickle(1, ops));
}

/** A list nested `depth` deep: `depth` EMPTY_LISTs, then APPENDs folding each into the one below. */
export function deepList(depth = 200_000): Uint8Array {
  const ops = new Array<number>(depth).fill(0x5d);
  for (let i = 1; i < depth; i++) ops.push(0x61);
  return npy('|O', [1], objectArrayPickle(1, ops));
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
  /** Deflate `data` (default), or store it. */
  method?: 0 | 8;
  /** Already-deflated bytes of a member of `size` bytes with this `crc` (nothing is computed). */
  raw?: { size: number; crc: number };
}

/** A zip archive of the members (what `np.savez` / `np.savez_compressed` write, minus timestamps). */
export function zip(members: ZipMember[]): Uint8Array {
  const central: number[] = [];
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const m of members) {
    const method = m.raw ? 8 : (m.method ?? 8);
    const body = m.raw ? m.data : method === 8 ? deflateRawSync(m.data) : m.data;
    const size = m.raw ? m.raw.size : m.data.length;
    const crc = m.raw ? m.raw.crc : crc32(m.data);
    const name = latin1(m.name);
    const common = [...u16(20), ...u16(0), ...u16(method), ...u16(0), ...u16(0x21), ...u32(crc)];
    const sizes = [...u32(body.length), ...u32(size), ...u16(name.length), ...u16(0)];
    const header = Uint8Array.from([...u32(0x04034b50), ...common, ...sizes, ...name]);
    central.push(...u32(0x02014b50), ...u16(20), ...common, ...sizes, ...u16(0), ...u16(0), ...u16(0));
    central.push(...u32(0), ...u32(offset), ...name);
    chunks.push(header, body);
    offset += header.length + body.length;
  }
  const eocd = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(members.length),
    ...u16(members.length),
    ...u32(central.length),
    ...u32(offset),
    ...u16(0),
  ];
  chunks.push(Uint8Array.from(central), Uint8Array.from(eocd));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Raw deflate data of `megabytes` MiB of zeros, about 1 KB per MiB: one sync-flushed MiB block repeated, then
 * a final empty block. Building it costs a millisecond; inflating it costs the full size.
 */
export function deflatedZeros(megabytes: number): Uint8Array {
  const block = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: zlib.Z_SYNC_FLUSH, level: 9 });
  const out = new Uint8Array(block.length * megabytes + 2);
  for (let i = 0; i < megabytes; i++) out.set(block, i * block.length);
  out.set([0x03, 0x00], block.length * megabytes); // final fixed-Huffman block holding only end-of-block
  return out;
}

/** The members of the fake IMDB archive as `.npy` bytes, by name (`x_train.npy`, …). */
export function fakeImdbMembers(): Map<string, Uint8Array> {
  const bytes = fixtureBytes('fake_imdb_stored.npz');
  return new Map(readZip(bytes, 'fake_imdb_stored.npz').map((e) => [e.name, e.data.slice()]));
}

/** `fake_imdb` with some members replaced or added. */
export function fakeImdbWith(replace: Record<string, Uint8Array>, extra: ZipMember[] = []): Uint8Array {
  const members = fakeImdbMembers();
  for (const [name, data] of Object.entries(replace)) members.set(name, data);
  return zip([...[...members].map(([name, data]) => ({ name, data })), ...extra]);
}

/** A little-endian typed array's bytes. */
export const bytesOf = (a: ArrayBufferView): Uint8Array =>
  new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A ustar header block for a regular file. */
export function tarHeader(name: string, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, at: number): void => block.set(latin1(text), at);
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put('00000000000\0', 136);
  put('0', 156);
  put('ustar\0', 257);
  put('00', 263);
  put('        ', 148);
  let sum = 0;
  for (const b of block) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/** Part of a stream: bytes, or that many zero bytes (never materialized). */
export type StreamPart = Uint8Array | { zeros: number };

/**
 * A gzip file of the parts, built from sync-flushed deflate blocks: zeros cost about 1 KB per MiB and are never
 * held, so a gigabyte-sized member costs a megabyte. CRC-32 and size are honest.
 */
export function gzipOf(parts: StreamPart[]): Uint8Array {
  const MiB = 1 << 20;
  const zeroMiB = new Uint8Array(MiB);
  const sync = { finishFlush: zlib.Z_SYNC_FLUSH, level: 9 };
  const zeroBlock = deflateRawSync(zeroMiB, sync);
  const out: Uint8Array[] = [Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])];
  let crc = 0;
  let size = 0;
  for (const part of parts) {
    if (part instanceof Uint8Array) {
      out.push(deflateRawSync(part, sync));
      crc = crc32z(part, crc);
      size += part.length;
      continue;
    }
    let left = part.zeros;
    for (; left >= MiB; left -= MiB) {
      out.push(zeroBlock);
      crc = crc32z(zeroMiB, crc);
    }
    if (left > 0) {
      out.push(deflateRawSync(zeroMiB.subarray(0, left), sync));
      crc = crc32z(zeroMiB.subarray(0, left), crc);
    }
    size += part.zeros;
  }
  out.push(Uint8Array.from([0x03, 0x00, ...u32(crc >>> 0), ...u32(size % 2 ** 32)]));
  const bytes = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/** A tar file entry as stream parts: header, content, padding to 512. */
export function tarEntry(name: string, content: Uint8Array | { zeros: number }): StreamPart[] {
  const size = content instanceof Uint8Array ? content.length : content.zeros;
  const pad = (512 - (size % 512)) % 512;
  return [tarHeader(name, size), content, { zeros: pad }];
}

/** The smallest aclImdb layout loadData accepts: one review per folder. */
export function smallAclEntries(): StreamPart[] {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  return ['train/pos/1_9', 'train/neg/2_1', 'test/pos/3_8', 'test/neg/4_2'].flatMap((name) =>
    tarEntry(`aclImdb/${name}.txt`, text(`review ${name}`)),
  );
}

/** The end of a tar stream: two zero blocks. */
export const TAR_END: StreamPart = { zeros: 1024 };
