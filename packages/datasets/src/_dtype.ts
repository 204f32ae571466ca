import { DatasetError } from './_errors.js';

/** The numeric dtypes `.npy` reading supports, by numpy kind+size (`'i8'`, `'f4'`, `'b1'`, …). */
export type NumericDtype = 'i1' | 'u1' | 'b1' | 'i2' | 'u2' | 'i4' | 'u4' | 'i8' | 'u8' | 'f4' | 'f8';

/** The typed array a numeric dtype decodes to (`b1` → `Uint8Array` of 0/1; 64-bit ints → BigInt arrays). */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

const CONSTRUCTORS = {
  i1: Int8Array,
  u1: Uint8Array,
  b1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
  f4: Float32Array,
  f8: Float64Array,
} as const;

/** A parsed numpy type string such as `<i8`, `>f4`, `|b1` or `|O`. */
export interface ParsedDtype {
  readonly kind: NumericDtype | 'object';
  readonly littleEndian: boolean;
  readonly itemSize: number;
}

/** Parses a numpy `descr` string; anything but the supported numeric kinds and `O` is refused. */
export function parseDtype(descr: string, file: string): ParsedDtype {
  const match = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  const order = match?.[1] ?? '';
  const code = `${match?.[2] ?? ''}${match?.[3] ?? ''}`;
  if (match !== null && match[2] === 'O') return { kind: 'object', littleEndian: true, itemSize: 8 };
  const aliases: Record<string, NumericDtype> = { b1: 'b1', '?1': 'b1', '?': 'b1', i1: 'i1', u1: 'u1' };
  const kind = (aliases[code] ?? (code in CONSTRUCTORS ? code : undefined)) as NumericDtype | undefined;
  if (match === null || kind === undefined) {
    throw new DatasetError(
      'UNSUPPORTED_DTYPE',
      `dtype ${JSON.stringify(descr)} is not supported; expected one of i1 u1 b1 i2 u2 i4 u4 i8 u8 f4 f8 (either byte order) or O`,
      { file },
    );
  }
  return { kind, littleEndian: order !== '>', itemSize: CONSTRUCTORS[kind].BYTES_PER_ELEMENT };
}

/** Copies `count` elements of a numeric dtype out of `bytes`, swapping bytes for big-endian data. */
export function decodeNumeric(bytes: Uint8Array, dtype: ParsedDtype, count: number): NumericArray {
  if (dtype.kind === 'object') throw new Error('decodeNumeric called on an object dtype');
  const Ctor = CONSTRUCTORS[dtype.kind];
  const byteLength = count * dtype.itemSize;
  // A copy, not `bytes.slice()`: a Node Buffer's slice is a view into a shared pool.
  const copy = new Uint8Array(byteLength);
  copy.set(bytes.subarray(0, byteLength));
  if (!dtype.littleEndian && dtype.itemSize > 1) {
    const size = dtype.itemSize;
    for (let at = 0; at < byteLength; at += size) {
      for (let lo = at, hi = at + size - 1; lo < hi; lo++, hi--) {
        const t = copy[lo]!;
        copy[lo] = copy[hi]!;
        copy[hi] = t;
      }
    }
  }
  return new Ctor(copy.buffer, 0, count);
}

/** Number of elements of a shape (1 for a scalar shape `()`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Reorders a Fortran-order (column-major) flat array into C order (row-major). */
export function fortranToC<T extends { length: number; [i: number]: unknown }>(
  data: T,
  shape: readonly number[],
  make: (n: number) => T,
): T {
  const n = data.length;
  const out = make(n);
  const ndim = shape.length;
  const index = new Array<number>(ndim).fill(0);
  const cStrides = new Array<number>(ndim).fill(1);
  for (let d = ndim - 2; d >= 0; d--) cStrides[d] = cStrides[d + 1]! * shape[d + 1]!;
  for (let f = 0; f < n; f++) {
    let c = 0;
    for (let d = 0; d < ndim; d++) c += index[d]! * cStrides[d]!;
    out[c] = data[f];
    for (let d = 0; d < ndim; d++) {
      index[d]!++;
      if (index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
