import {
  decodeNumeric,
  fortranToC,
  type NumericArray,
  type NumericDtype,
  type ParsedDtype,
  parseDtype,
  shapeSize,
} from './_dtype.js';
import { DatasetError } from './_errors.js';
import {
  createUnpickler,
  describeValue,
  PickledNdarray,
  type PickleLimits,
  PyList,
  type RawPickle,
  type RunSink,
  readPickle,
  SinkFallback,
  unpickle,
} from './_pickle.js';
import { parsePyLiteral } from './_pyliteral.js';
import type { ZipMemberStream } from './_zip.js';

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
/** numpy's `_MAX_HEADER_SIZE`: a longer header is refused before it is parsed. */
const MAX_HEADER_SIZE = 10000;

/** Options of {@link readNpy}: the object-array pickle limits. */
export interface ReadNpyOptions extends PickleLimits {}

interface NpyHeader {
  readonly descr: string;
  readonly dtype: ParsedDtype;
  readonly shape: number[];
  readonly fortranOrder: boolean;
  readonly payload: Uint8Array;
}

/** Port of numpy/lib/format.py `_read_array_header` (with its `max_header_size` of 10000). */
function readHeader(bytes: Uint8Array, file: string): NpyHeader {
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
  if (headerLength > MAX_HEADER_SIZE) {
    throw bad(
      `header of ${headerLength} bytes; expected at most ${MAX_HEADER_SIZE} (numpy's max_header_size)`,
    );
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
  return {
    descr,
    dtype: parseDtype(descr, file),
    shape: shape as number[],
    fortranOrder,
    payload: bytes.subarray(headerStart + headerLength),
  };
}

/** Unpickles an object array's payload and checks it against the header (raw: lists stay {@link PyList}s). */
function objectArray(
  header: NpyHeader,
  file: string,
  limits: PickleLimits,
  raw: boolean,
  sink?: RunSink,
): { obj: PickledNdarray; arena: Int32Array } {
  let obj: unknown;
  let arena: Int32Array = new Int32Array(0);
  if (raw) ({ value: obj, arena } = unpickle(header.payload, file, limits, sink));
  else obj = readPickle(header.payload, file, limits);
  return checkObjectArray(header, obj, arena, file, raw);
}

/** The checks of an unpickled object array against its header. */
function checkObjectArray(
  header: NpyHeader,
  obj: unknown,
  arena: Int32Array,
  file: string,
  raw: boolean,
): { obj: PickledNdarray; arena: Int32Array } {
  const dims = header.shape;
  const count = shapeSize(dims);
  const data = obj instanceof PickledNdarray ? obj.data : undefined;
  if (
    !(obj instanceof PickledNdarray) ||
    obj.dtype === undefined ||
    !(raw ? data instanceof PyList : Array.isArray(data))
  ) {
    throw new DatasetError('BAD_PICKLE', 'object-array payload does not hold a numpy object array', {
      file,
    });
  }
  const length = data instanceof PyList ? (data.items?.length ?? data.length) : (data as unknown[]).length;
  if (obj.shape.length !== dims.length || obj.shape.some((d, i) => d !== dims[i]) || length !== count) {
    throw new DatasetError(
      'BAD_SHAPE',
      `header shape (${dims.join(', ')}) but the pickled array has shape (${obj.shape.join(', ')}) and ${length} elements`,
      { file },
    );
  }
  return { obj, arena };
}

/**
 * Reads a `.npy` file (format versions 1.0, 2.0 and 3.0), the counterpart of `numpy.load` for one array with
 * `allow_pickle=True` — except that object-array pickles go through a safe, data-only, bounded reader.
 * Port of numpy/lib/format.py `read_array` / `_read_array_header`.
 *
 * @param bytes - the whole file.
 * @param file - a name for error messages. @default '<npy>'
 * @param options - limits of the object-array reader (`maxDepth` 100, `maxElements` 2^25).
 * @example
 * ```ts
 * const { dtype, shape, data } = readNpy(bytes, 'y_train.npy'); // 'i8', [25000], BigInt64Array
 * ```
 */
export function readNpy(bytes: Uint8Array, file = '<npy>', options: ReadNpyOptions = {}): NpyArray {
  const header = readHeader(bytes, file);
  const { dtype, shape: dims, payload, descr } = header;
  const count = shapeSize(dims);

  if (dtype.kind === 'object') {
    const { obj } = objectArray(header, file, options, false);
    const elements = obj.data as unknown[];
    const data =
      obj.fortranOrder && dims.length > 1 ? fortranToC(elements, dims, (n) => new Array(n)) : elements;
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
  if (header.fortranOrder && dims.length > 1) {
    const Ctor = data.constructor as new (n: number) => NumericArray;
    data = fortranToC(data, dims, (n) => new Ctor(n));
  }
  return { dtype: dtype.kind, shape: dims, data };
}

/** An object array of int lists, packed: list `i` is `ids.subarray(offsets[i], offsets[i + 1])`. */
export interface PackedIntLists {
  readonly ids: Int32Array;
  /** `length + 1` entries, `offsets[0] === 0`. */
  readonly offsets: Int32Array;
}

/**
 * Reads a 1-D `object` `.npy` whose elements are lists of int32 ints straight into a {@link PackedIntLists}
 * (no JS array per list). Anything else in it is refused with `BAD_SHAPE`, naming the element by index and type.
 */
export function readNpyIntLists(
  bytes: Uint8Array,
  file: string,
  options: ReadNpyOptions = {},
): PackedIntLists {
  const { obj, arena } = objectArray(intListsHeader(bytes, file), file, options, true);
  return packIntLists(obj.data as PyList, arena, file);
}

function intListsHeader(bytes: Uint8Array, file: string): NpyHeader {
  const header = readHeader(bytes, file);
  if (header.dtype.kind !== 'object' || header.shape.length !== 1) {
    throw new DatasetError(
      'BAD_SHAPE',
      `expected a 1-D object array of int lists; received dtype ${header.descr}, shape (${header.shape.join(', ')})`,
      { file },
    );
  }
  return header;
}

/**
 * {@link readNpyIntLists} with each list handed to `sink` as soon as it is complete, instead of packed: the
 * result is what `sink` returned for each list, in order. The ints never exist in one array, so reading takes
 * memory for the longest list only. A pickle that reuses or changes a list after it is complete (numpy never
 * writes one) is read again through {@link readNpyIntLists}, with the same result; `sink` may then have seen some
 * lists of the abandoned first reading, so it must only map its input to its output (no side effects).
 */
export function readNpyIntListsInto<T>(
  bytes: Uint8Array,
  file: string,
  sink: (ints: Int32Array) => T,
  options: ReadNpyOptions = {},
): T[] {
  const header = intListsHeader(bytes, file);
  try {
    return sealedLists(objectArray(header, file, options, true, sink).obj.data as PyList, sink);
  } catch (error) {
    if (!(error instanceof SinkFallback)) throw error;
  }
  return intListsThroughSink(bytes, file, sink, options);
}

/** What the sink returned for each list of a sink-mode reading, in order. */
function sealedLists<T>(list: PyList, sink: (ints: Int32Array) => T): T[] {
  const items = list.items ?? [];
  const out = new Array<T>(list.items === undefined ? list.length : items.length);
  if (list.items === undefined && list.length > 0) throw new SinkFallback('the array holds ints');
  for (let i = 0; i < out.length; i++) {
    const item = items[i];
    if (!(item instanceof PyList) || item.items !== undefined) throw new SinkFallback('not an int list');
    // a list that never got an int was never handed to the sink
    out[i] = item.isSealed ? (item.sealed as T) : sink(new Int32Array(0));
  }
  return out;
}

/** The fallback of sink mode: the packed reading, each list then handed to the sink. */
function intListsThroughSink<T>(
  bytes: Uint8Array,
  file: string,
  sink: (ints: Int32Array) => T,
  options: ReadNpyOptions,
): T[] {
  const { ids, offsets } = readNpyIntLists(bytes, file, options);
  const out = new Array<T>(offsets.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = sink(ids.subarray(offsets[i]!, offsets[i + 1]!));
  return out;
}

/** Packs a list of int lists; contiguous runs in order (what a pickler writes) are used in place. */
function packIntLists(list: PyList, arena: Int32Array, file: string): PackedIntLists {
  const n = list.items?.length ?? list.length;
  const offsets = new Int32Array(n + 1);
  const items = list.items ?? [];
  let inPlace = true;
  let first = -1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const item = items[i];
    if (!(item instanceof PyList)) {
      throw new DatasetError('BAD_SHAPE', `element ${i} is ${describeValue(item)}; expected a list of ints`, {
        file,
      });
    }
    let length: number;
    if (item.items === undefined) {
      length = item.length;
      if (length > 0) {
        if (first < 0) first = item.start;
        else if (item.start !== first + total) inPlace = false;
      }
    } else {
      inPlace = false;
      length = item.items.length;
      for (let j = 0; j < length; j++) {
        const w = item.items[j];
        if (typeof w !== 'number' || (w | 0) !== w) {
          throw new DatasetError(
            'BAD_SHAPE',
            `element ${i} holds ${describeValue(w)} at position ${j}; expected ints in the int32 range`,
            { file },
          );
        }
      }
    }
    total += length;
    if (total > 0x7fffffff) {
      throw new DatasetError('BAD_SHAPE', `more than 2^31 - 1 ints in all; expected fewer`, { file });
    }
    offsets[i + 1] = total;
  }
  if (inPlace) {
    const start = Math.max(first, 0);
    return { ids: arena.subarray(start, start + total), offsets };
  }
  const ids = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    const item = items[i] as PyList;
    if (item.items === undefined) ids.set(arena.subarray(item.start, item.start + item.length), offsets[i]!);
    else ids.set(item.items as number[], offsets[i]!);
  }
  return { ids, offsets };
}

/**
 * Reads a streamed `.npy` member: its header once enough bytes arrived, then the object array's pickle as the
 * bytes inflate (the whole member never exists in one buffer). Errors and results are those of the whole-buffer
 * readers: a failing read drains the stream first, so a corrupt member gives its `BAD_ZIP` error.
 */
async function streamedObjectArray(
  stream: ZipMemberStream,
  file: string,
  limits: PickleLimits,
  sink: RunSink | undefined,
): Promise<{ obj: PickledNdarray; arena: Int32Array }> {
  try {
    // the header: at least 12 bytes, then all of it (or the whole member, if shorter: the same checks fail)
    const head: Uint8Array[] = [];
    let have = 0;
    let ended = false;
    const headerEnd = (): number => {
      if (have < 12) return Number.POSITIVE_INFINITY;
      const first = head.length === 1 ? head[0]! : concat(head, have);
      head.length = 0;
      head.push(first);
      const major = first[6];
      const view = new DataView(first.buffer, first.byteOffset, first.byteLength);
      if (major === 1) return 10 + Math.min(view.getUint16(8, true), MAX_HEADER_SIZE + 1);
      if (major === 2 || major === 3) return 12 + Math.min(view.getUint32(8, true), MAX_HEADER_SIZE + 1);
      return 0; // not a version readHeader knows: it refuses it
    };
    while (have < headerEnd()) {
      const piece = await stream.next();
      if (piece === undefined) {
        ended = true;
        break;
      }
      head.push(piece);
      have += piece.length;
    }
    const prefix = head.length === 1 ? head[0]! : concat(head, have);
    const header = intListsHeader(prefix, file);
    const payloadStart = prefix.length - header.payload.length;
    const reader = createUnpickler(stream.entry.uncompressedSize - payloadStart, file, limits, sink);
    reader.push(header.payload);
    if (!ended) {
      for (let piece = await stream.next(); piece !== undefined; piece = await stream.next()) {
        reader.push(piece);
      }
    }
    const { value, arena }: RawPickle = reader.end();
    return checkObjectArray(header, value, arena, file, true);
  } catch (error) {
    if (error instanceof SinkFallback) stream.cancel();
    else await stream.drain(); // a corrupt member is reported as such, whatever its bytes did to the reader
    throw error;
  }
}

function concat(pieces: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** {@link readNpyIntLists} on a member as it inflates. */
export async function streamNpyIntLists(
  stream: ZipMemberStream,
  file: string,
  options: ReadNpyOptions = {},
): Promise<PackedIntLists> {
  const { obj, arena } = await streamedObjectArray(stream, file, options, undefined);
  return packIntLists(obj.data as PyList, arena, file);
}

/**
 * {@link readNpyIntListsInto} on a member as it inflates. When the pickle reuses a list already handed to the
 * sink, `whole()` gives the member's bytes for the packed reading (the stream is gone by then).
 */
export async function streamNpyIntListsInto<T>(
  stream: ZipMemberStream,
  file: string,
  sink: (ints: Int32Array) => T,
  whole: () => Promise<Uint8Array>,
  options: ReadNpyOptions = {},
): Promise<T[]> {
  try {
    return sealedLists((await streamedObjectArray(stream, file, options, sink)).obj.data as PyList, sink);
  } catch (error) {
    if (!(error instanceof SinkFallback)) throw error;
  }
  return intListsThroughSink(await whole(), file, sink, options);
}
