import { RandomState } from '@seqlab/random';
import type { NumericArray } from './_dtype.js';
import { DatasetError } from './_errors.js';
import type { NpyArray } from './_npy.js';

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

function checkInt(name: string, value: unknown, allowNull: boolean): void {
  if (value === undefined || (allowNull && value === null)) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `imdb.loadData: ${name} must be an integer${allowNull ? ' or null' : ''}; received ${String(value)}`,
    );
  }
}

function labels(array: NpyArray | undefined, name: string, file: string): Int32Array {
  if (array === undefined || array.dtype === 'object' || array.shape.length !== 1) {
    throw new DatasetError('BAD_SHAPE', `${name} must be a 1-D integer array; received ${describe(array)}`, {
      file,
    });
  }
  const data: NumericArray = array.data;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

function sequences(array: NpyArray | undefined, name: string, file: string): unknown[] {
  if (array === undefined || array.dtype !== 'object' || array.shape.length !== 1) {
    throw new DatasetError(
      'BAD_SHAPE',
      `${name} must be a 1-D object array of int lists; received ${describe(array)}`,
      {
        file,
      },
    );
  }
  return array.data;
}

function describe(array: NpyArray | undefined): string {
  return array === undefined ? 'no such member' : `dtype ${array.dtype}, shape (${array.shape.join(', ')})`;
}

/**
 * `keras.datasets.imdb.load_data` on arrays already read from `imdb.npz`.
 * Port of keras/src/datasets/imdb.py load_data (every branch, same order of operations).
 */
export function imdbFromArrays(
  arrays: Record<string, NpyArray>,
  options: ImdbLoadOptions,
  file: string,
): ImdbData {
  const { numWords, skipTop = 0, maxlen, seed = 113, startChar = 1, oovChar = 2, indexFrom = 3 } = options;
  checkInt('numWords', numWords, true);
  checkInt('skipTop', skipTop, false);
  checkInt('maxlen', maxlen, true);
  checkInt('seed', seed, false);
  checkInt('startChar', startChar, true);
  checkInt('oovChar', oovChar, true);
  checkInt('indexFrom', indexFrom, false);

  const xTrainRaw = sequences(arrays['x_train'], 'x_train', file);
  const xTestRaw = sequences(arrays['x_test'], 'x_test', file);
  const yTrainRaw = labels(arrays['y_train'], 'y_train', file);
  const yTestRaw = labels(arrays['y_test'], 'y_test', file);
  for (const [x, y, name] of [
    [xTrainRaw, yTrainRaw, 'train'],
    [xTestRaw, yTestRaw, 'test'],
  ] as const) {
    if (x.length !== y.length) {
      throw new DatasetError(
        'BAD_SHAPE',
        `x_${name} has ${x.length} reviews but y_${name} ${y.length} labels`,
        {
          file,
        },
      );
    }
  }

  const rng = new RandomState(seed);
  const trainOrder = rng.shuffle(Int32Array.from({ length: xTrainRaw.length }, (_, i) => i));
  const testOrder = rng.shuffle(Int32Array.from({ length: xTestRaw.length }, (_, i) => i));

  // Keras builds [start_char] + [w + index_from ...], filters by maxlen, then maps ids through the
  // [skip_top, num_words) window. Here: pass 1 finds the kept reviews (and the max id when num_words is unset);
  // pass 2 writes each output sequence once.
  const offset = startChar === null ? 0 : 1;
  const pick = (raw: unknown[], order: Int32Array, y: Int32Array, name: string) => {
    const kept: number[][] = [];
    const keptY: number[] = [];
    for (let i = 0; i < order.length; i++) {
      const source = order[i]!;
      const seq = raw[source];
      if (!Array.isArray(seq)) {
        throw new DatasetError('BAD_SHAPE', `x_${name}[${source}] is not a list of ints`, { file });
      }
      if (maxlen && !(seq.length + offset < maxlen)) continue;
      kept.push(seq as number[]);
      keptY.push(y[source]!);
    }
    return { kept, y: Int32Array.from(keptY) };
  };
  const train = pick(xTrainRaw, trainOrder, yTrainRaw, 'train');
  const test = pick(xTestRaw, testOrder, yTestRaw, 'test');
  if (maxlen && (train.kept.length === 0 || test.kept.length === 0)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `After filtering for sequences shorter than maxlen=${maxlen}, no sequence was kept. Increase maxlen.`,
      { file },
    );
  }

  let limit = numWords;
  if (!limit) {
    let max = Number.NEGATIVE_INFINITY;
    for (const split of [train.kept, test.kept]) {
      for (const seq of split) {
        if (seq.length === 0 && startChar === null) {
          throw new DatasetError(
            'BAD_ARGUMENT',
            'an empty review leaves max() without a value (Keras raises ValueError here); set numWords or startChar',
            { file },
          );
        }
        if (startChar !== null && startChar > max) max = startChar;
        for (let j = 0; j < seq.length; j++) {
          const w = seq[j]!;
          if (typeof w !== 'number' || !Number.isSafeInteger(w)) {
            throw new DatasetError('BAD_SHAPE', `a review holds ${String(w)}; expected ints`, { file });
          }
          if (w + indexFrom > max) max = w + indexFrom;
        }
      }
    }
    limit = max;
  }
  const top = limit;

  const map = (seq: number[]): number[] => {
    const check = (w: unknown): number => {
      if (typeof w !== 'number' || !Number.isSafeInteger(w)) {
        throw new DatasetError('BAD_SHAPE', `a review holds ${String(w)}; expected ints`, { file });
      }
      return w;
    };
    if (oovChar !== null) {
      // every id maps to exactly one output id: write into an array of the final size
      const out = new Array<number>(seq.length + offset);
      if (startChar !== null) out[0] = skipTop <= startChar && startChar < top ? startChar : oovChar;
      for (let j = 0; j < seq.length; j++) {
        const w = check(seq[j]) + indexFrom;
        out[j + offset] = skipTop <= w && w < top ? w : oovChar;
      }
      return out;
    }
    const out: number[] = [];
    if (startChar !== null && skipTop <= startChar && startChar < top) out.push(startChar);
    for (let j = 0; j < seq.length; j++) {
      const w = check(seq[j]) + indexFrom;
      if (skipTop <= w && w < top) out.push(w);
    }
    return out;
  };
  return [
    [train.kept.map(map), train.y],
    [test.kept.map(map), test.y],
  ];
}
