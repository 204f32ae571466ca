import { RandomState } from '@seqlab/random';
import { DatasetError } from './_errors.js';
import type { NpyArray, PackedIntLists } from './_npy.js';
import type { NpzArchive } from './_source.js';

/** Options of `imdb.loadData`, Keras' `load_data` arguments in camelCase. */
export interface ImdbLoadOptions {
  /** Only ids below this stay (others become `oovChar`). Unset, `null` or 0: the largest id in the data. */
  numWords?: number | null;
  /** Ids below this become `oovChar` too. @default 0 */
  skipTop?: number;
  /** Keep only sequences *shorter* than this (after `startChar` is added). Unset, `null` or 0: keep all. */
  maxlen?: number | null;
  /** Seed of the `np.random.RandomState` that shuffles train, then test. @default 113 */
  seed?: number;
  /** Prepended to every sequence; `null` prepends nothing. @default 1 */
  startChar?: number | null;
  /** Replaces ids outside `[skipTop, numWords)`; `null` drops them instead. @default 2 */
  oovChar?: number | null;
  /** Added to every word rank. @default 3 */
  indexFrom?: number;
}

/** One split: sequences of word ids (plain `number[]` each, ready for `padSequences`) and 0/1 labels. */
export type ImdbSplit = [x: number[][], y: Int32Array];

/** `[[xTrain, yTrain], [xTest, yTest]]`, as Keras returns `(x_train, y_train), (x_test, y_test)`. */
export type ImdbData = [train: ImdbSplit, test: ImdbSplit];

/**
 * Sequences packed into two typed arrays: sequence `i` is `ids.subarray(offsets[i], offsets[i + 1])`;
 * `offsets` has one entry more than there are sequences and starts at 0.
 */
export type PackedSequences = PackedIntLists;

/** One split in packed form: the sequences and their 0/1 labels. */
export type ImdbPackedSplit = [x: PackedSequences, y: Int32Array];

/** `[[xTrain, yTrain], [xTest, yTest]]` in packed form. */
export type ImdbPackedData = [train: ImdbPackedSplit, test: ImdbPackedSplit];

/** The four arrays of `imdb.npz`: unshuffled sequences (raw ranks) and labels. */
export interface ImdbMembers {
  readonly xTrain: PackedSequences;
  readonly yTrain: Int32Array;
  readonly xTest: PackedSequences;
  readonly yTest: Int32Array;
}

const INT32_MIN = -0x80000000;
export const INT32_MAX = 0x7fffffff;
const INT32_MIN_BIG = BigInt(INT32_MIN);
const INT32_MAX_BIG = BigInt(INT32_MAX);

function checkInt(name: string, value: unknown, allowNull: boolean): void {
  if (value === undefined || (allowNull && value === null)) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `imdb.loadData: ${name} must be an integer${allowNull ? ' or null' : ''}; received ${String(value)}`,
    );
  }
  if (value < INT32_MIN || value > INT32_MAX) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `imdb.loadData: ${name} must fit in int32 (word ids are int32); received ${value}`,
    );
  }
}

/**
 * A label array as `Int32Array`: 1-D, every value an integer in the int32 range (Keras keeps int64; a float
 * or an out-of-range label would be silently changed by the conversion, so it is refused).
 */
export function labelsFrom(array: NpyArray | undefined, name: string, file: string): Int32Array {
  if (array === undefined || array.dtype === 'object' || array.shape.length !== 1) {
    throw new DatasetError(
      'BAD_SHAPE',
      `${name} must be a 1-D integer array; received ${array === undefined ? 'no such member' : `dtype ${array.dtype}, shape (${array.shape.join(', ')})`}`,
      { file },
    );
  }
  const data = array.data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    const ok =
      typeof v === 'bigint'
        ? v >= INT32_MIN_BIG && v <= INT32_MAX_BIG
        : Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
    if (!ok) {
      throw new DatasetError(
        'BAD_LABELS',
        `${name}[${i}] is ${String(v)} (dtype ${array.dtype}); expected integer labels in the int32 range, e.g. 0/1`,
        { file },
      );
    }
    out[i] = Number(v);
  }
  return out;
}

/**
 * Both results of two concurrent reads; when both fail, the first one's error (as if they had run in order).
 */
export async function both<A, B>(first: Promise<A>, second: Promise<B>): Promise<[A, B]> {
  const [a, b] = await Promise.allSettled([first, second]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') throw b.reason;
  return [a.value, b.value];
}

/**
 * Reads the four members of `imdb.npz` (and nothing else in it): the sequence arrays decoded straight into
 * packed form while both inflate.
 */
export async function readImdbMembers(npz: NpzArchive): Promise<ImdbMembers> {
  // Each member is released once read, so the archive's bytes go as soon as the last one is inflated.
  const yTrain = labelsFrom(await npz.get('y_train', true), 'y_train', npz.file);
  const yTest = labelsFrom(await npz.get('y_test', true), 'y_test', npz.file);
  const [xTrain, xTest] = await both(
    npz.intListsStreamed('x_train', true),
    npz.intListsStreamed('x_test', true),
  );
  return { xTrain, yTrain, xTest, yTest };
}

/**
 * `keras.datasets.imdb.load_data` on the arrays of `imdb.npz`, in packed form.
 * Port of keras/src/datasets/imdb.py load_data (every branch, same order of operations).
 */
interface Plan {
  /** Source indices of the reviews kept, in shuffled order. */
  readonly trainKept: Int32Array;
  readonly testKept: Int32Array;
  /** What a sequence starts with: `startChar`, `oovChar` in its place, or nothing (NaN). */
  readonly startId: number;
  /** Ids `w + indexFrom` in `[skipTop, top)` stay; others become `oovChar` (or are dropped when it is null). */
  readonly top: number;
  readonly skipTop: number;
  readonly indexFrom: number;
  readonly oovChar: number | null;
  /** 1 when a start id may be written, else 0. */
  readonly offset: number;
}

/** `load_data`'s arguments with Keras' defaults, each checked to be an int32 (or null where Keras allows None). */
export interface CheckedOptions {
  readonly numWords: number | null | undefined;
  readonly skipTop: number;
  readonly maxlen: number | null | undefined;
  readonly seed: number;
  readonly startChar: number | null;
  readonly oovChar: number | null;
  readonly indexFrom: number;
}

export function checkOptions(options: ImdbLoadOptions): CheckedOptions {
  const { numWords, skipTop = 0, maxlen, seed = 113, startChar = 1, oovChar = 2, indexFrom = 3 } = options;
  checkInt('numWords', numWords, true);
  checkInt('skipTop', skipTop, false);
  checkInt('maxlen', maxlen, true);
  checkInt('seed', seed, false);
  checkInt('startChar', startChar, true);
  checkInt('oovChar', oovChar, true);
  checkInt('indexFrom', indexFrom, false);
  return { numWords, skipTop, maxlen, seed, startChar, oovChar, indexFrom };
}

/** Each split's review count must match its label count (checked before anything else uses them). */
export function checkCounts(counts: readonly [x: number, y: number, name: string][], file: string): void {
  for (const [x, y, name] of counts) {
    if (x !== y) {
      throw new DatasetError('BAD_SHAPE', `x_${name} has ${x} reviews but y_${name} ${y} labels`, { file });
    }
  }
}

/** Keras' two shuffles, train then test, from one `np.random.RandomState(seed)`. */
export function shuffleOrders(seed: number, trainCount: number, testCount: number): [Int32Array, Int32Array] {
  const rng = new RandomState(seed);
  const iota = (n: number): Int32Array => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return out;
  };
  const trainOrder = rng.shuffle(iota(trainCount));
  return [trainOrder, rng.shuffle(iota(testCount))];
}

export function noneKept(maxlen: number, file: string): DatasetError {
  return new DatasetError(
    'BAD_ARGUMENT',
    `After filtering for sequences shorter than maxlen=${maxlen}, no sequence was kept. Increase maxlen.`,
    { file },
  );
}

export function emptyReview(file: string): DatasetError {
  return new DatasetError(
    'BAD_ARGUMENT',
    'an empty review leaves max() without a value (Keras raises ValueError here); set numWords or startChar',
    { file },
  );
}

export function beyondInt32(max: number, indexFrom: number, file: string): DatasetError {
  return new DatasetError(
    'BAD_ARGUMENT',
    `ids reach ${max} with indexFrom=${indexFrom}, beyond int32; set numWords or a smaller indexFrom`,
    { file },
  );
}

/** Everything `load_data` decides before writing a single output id: arguments, shuffle, maxlen, num_words. */
function plan(members: ImdbMembers, options: ImdbLoadOptions, file: string): Plan {
  const { numWords, skipTop, maxlen, seed, startChar, oovChar, indexFrom } = checkOptions(options);

  const { xTrain, yTrain, xTest, yTest } = members;
  checkCounts(
    [
      [xTrain.offsets.length - 1, yTrain.length, 'train'],
      [xTest.offsets.length - 1, yTest.length, 'test'],
    ],
    file,
  );
  const [trainOrder, testOrder] = shuffleOrders(seed, yTrain.length, yTest.length);

  // Keras builds [start_char] + [w + index_from ...], filters by maxlen, then maps ids through the
  // [skip_top, num_words) window. Here: pass 1 finds the kept reviews (and the max id when num_words is unset);
  // pass 2 writes each output sequence once, straight into one Int32Array per split.
  const offset = startChar === null ? 0 : 1;
  const pick = (x: PackedSequences, order: Int32Array): Int32Array => {
    if (!maxlen) return order;
    let kept = 0;
    const out = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const source = order[i]!;
      if (x.offsets[source + 1]! - x.offsets[source]! + offset < maxlen) out[kept++] = source;
    }
    return out.subarray(0, kept);
  };
  const trainKept = pick(xTrain, trainOrder);
  const testKept = pick(xTest, testOrder);
  if (maxlen && (trainKept.length === 0 || testKept.length === 0)) throw noneKept(maxlen, file);

  let limit = numWords;
  if (!limit) {
    let max = Number.NEGATIVE_INFINITY;
    for (const [x, kept] of [
      [xTrain, trainKept],
      [xTest, testKept],
    ] as const) {
      const { ids, offsets } = x;
      for (let i = 0; i < kept.length; i++) {
        const source = kept[i]!;
        const from = offsets[source]!;
        const to = offsets[source + 1]!;
        if (from === to && startChar === null) throw emptyReview(file);
        if (startChar !== null && startChar > max) max = startChar;
        for (let j = from; j < to; j++) {
          const w = ids[j]! + indexFrom;
          if (w > max) max = w;
        }
      }
    }
    if (max > INT32_MAX) throw beyondInt32(max, indexFrom, file);
    limit = max;
  }
  const top = limit;
  const startId =
    startChar === null
      ? Number.NaN
      : skipTop <= startChar && startChar < top
        ? startChar
        : (oovChar ?? Number.NaN);
  return { trainKept, testKept, startId, top, skipTop, indexFrom, oovChar, offset };
}

/**
 * `keras.datasets.imdb.load_data` on the arrays of `imdb.npz`, in packed form.
 * Port of keras/src/datasets/imdb.py load_data (every branch, same order of operations).
 */
export function imdbPacked(members: ImdbMembers, options: ImdbLoadOptions, file: string): ImdbPackedData {
  const { trainKept, testKept, startId, top, skipTop, indexFrom, oovChar, offset } = plan(
    members,
    options,
    file,
  );
  const hasStart = !Number.isNaN(startId);
  const map = (x: PackedSequences, kept: Int32Array, labels: Int32Array): ImdbPackedSplit => {
    const { ids, offsets } = x;
    const outOffsets = new Int32Array(kept.length + 1);
    const y = new Int32Array(kept.length);
    let capacity = 0;
    for (let i = 0; i < kept.length; i++) {
      const source = kept[i]!;
      capacity += offsets[source + 1]! - offsets[source]! + offset;
    }
    const out = new Int32Array(capacity);
    let at = 0;
    for (let i = 0; i < kept.length; i++) {
      const source = kept[i]!;
      y[i] = labels[source]!;
      const from = offsets[source]!;
      const to = offsets[source + 1]!;
      if (hasStart) out[at++] = startId;
      if (oovChar !== null) {
        for (let j = from; j < to; j++) {
          const w = ids[j]! + indexFrom;
          out[at++] = skipTop <= w && w < top ? w : oovChar;
        }
      } else {
        for (let j = from; j < to; j++) {
          const w = ids[j]! + indexFrom;
          if (skipTop <= w && w < top) out[at++] = w;
        }
      }
      outOffsets[i + 1] = at;
    }
    // oovChar null drops ids: give back the unused tail when it is large
    const packed = at === capacity || at > capacity * 0.75 ? out.subarray(0, at) : out.slice(0, at);
    return [{ ids: packed, offsets: outOffsets }, y];
  };
  return [map(members.xTrain, trainKept, members.yTrain), map(members.xTest, testKept, members.yTest)];
}

/** Packed sequences as one `number[]` per sequence (the shape Keras' lists of ints have). */
export function unpackSequences(packed: PackedSequences): number[][] {
  const { ids, offsets } = packed;
  const n = offsets.length - 1;
  const out = new Array<number[]>(n);
  for (let i = 0; i < n; i++) {
    const from = offsets[i]!;
    const length = offsets[i + 1]! - from;
    const seq = new Array<number>(length);
    for (let j = 0; j < length; j++) seq[j] = ids[from + j]!;
    out[i] = seq;
  }
  return out;
}
