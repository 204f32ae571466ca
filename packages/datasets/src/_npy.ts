import {
  decodeNumeric,
  fortranToC,
  type NumericArray,
  type NumericDtype,
  parseDtype,
  shapeSize,
} from './_dtype.js';
import { DatasetError } from './_errors.js';
import { PickledNdarray, readPickle } from './_pickle.js';
import { parsePyLiteral } from './_pyliteral.js';

/** A numeric array read from `.npy`: flat data in C (row-major) order. */
export interface NumericNpyArray {
  readonly dtype: NumericDtype;
  readonly shape: number[];
  readonly data: NumericArray;
}

/** An `object` array read from `.npy`: the flat Python objects (lists become arrays, ints numbers) in C order. */
export interface ObjectNpyArray {
  readonly dtype: 'object';
  readonly shape: number[];
  readonly data: unknown[];
}

/** What {@link readNpy} returns. */
export type NpyArray = NumericNpyArray | ObjectNpyArray;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a `.npy` file (format versions 1.0, 2.0 and 3.0), the counterpart of `numpy.load` for one array with
 * `allow_pickle=True` — except that object-array pickles go through a safe, data-only reader.
 * Port of numpy/lib/format.py `read_array` / `_read_array_header`.
 *
 * @param bytes - the whole file.
 * @param file - a name for error messages.
 * @example
 * ```ts
 * const { dtype, shape, data } = readNpy(bytes, 'y_train.npy'); // 'i8', [25000], BigInt64Array
 * ```
 */
export function readNpy(bytes: Uint8Array, file = '<npy>'): NpyArray {
  const bad = (what: string): DatasetError => new DatasetError('BAD_NPY', what, { file });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const got = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw bad(
      `not a .npy file: expected magic bytes 93 4e 55 4d 50 59 ("\\x93NUMPY"), received ${got || 'nothing'}`,
    );
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad('header length is cut off');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw bad(`format version ${major}.${bytes[7]}; expected 1.0, 2.0 or 3.0`);
  }
  if (headerStart + headerLength > bytes.length) {
    throw bad(
      `header claims ${headerLength} bytes but the file has ${bytes.length - headerStart} after the prefix`,
    );
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );
  let dict: unknown;
  try {
    dict = parsePyLiteral(header);
  } catch (cause) {
    throw new DatasetError('BAD_NPY', `header is not a Python literal: ${(cause as Error).message}`, {
      file,
      cause,
    });
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw bad(`header must be a dict with descr, fortran_order and shape; received ${header.trim()}`);
  }
  const { descr, fortran_order: fortranOrder, shape } = dict as Record<string, unknown>;
  if (typeof descr !== 'string') {
    throw new DatasetError(
      'UNSUPPORTED_DTYPE',
      `descr ${JSON.stringify(descr)} is not supported; expected a simple type string such as '<i8' (structured dtypes are not supported)`,
      { file },
    );
  }
  if (typeof fortranOrder !== 'boolean')
    throw bad(`fortran_order must be True or False, received ${fortranOrder}`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && d >= 0)) {
    throw new DatasetError(
      'BAD_SHAPE',
      `shape must be a tuple of non-negative ints, received ${JSON.stringify(shape)}`,
      { file },
    );
  }
  const dims = shape as number[];
  const dtype = parseDtype(descr, file);
  const count = shapeSize(dims);
  const payload = bytes.subarray(headerStart + headerLength);

  if (dtype.kind === 'object') {
    const obj = readPickle(payload, file);
    if (!(obj instanceof PickledNdarray) || obj.dtype === undefined || !Array.isArray(obj.data)) {
      throw new DatasetError('BAD_PICKLE', 'object-array payload does not hold a numpy object array', {
        file,
      });
    }
    if (
      obj.shape.length !== dims.length ||
      obj.shape.some((d, i) => d !== dims[i]) ||
      obj.data.length !== count
    ) {
      throw new DatasetError(
        'BAD_SHAPE',
        `header shape (${dims.join(', ')}) but the pickled array has shape (${obj.shape.join(', ')}) and ${obj.data.length} elements`,
        { file },
      );
    }
    const data =
      obj.fortranOrder && dims.length > 1 ? fortranToC(obj.data, dims, (n) => new Array(n)) : obj.data;
    return { dtype: 'object', shape: dims, data };
  }

  const byteLength = count * dtype.itemSize;
  if (payload.length !== byteLength) {
    throw new DatasetError(
      'BAD_SHAPE',
      `shape (${dims.join(', ')}) of ${descr} needs ${byteLength} data bytes, received ${payload.length}`,
      { file },
    );
  }
  let data = decodeNumeric(payload, dtype, count);
  if (fortranOrder && dims.length > 1) {
    const Ctor = data.constructor as new (n: number) => NumericArray;
    data = fortranToC(data, dims, (n) => new Ctor(n));
  }
  return { dtype: dtype.kind, shape: dims, data };
}
