import { type DataSource, imdb } from '@seqlab/datasets';
import type { IdMatrix, LabelledIds } from '@seqlab/models';
import type { TextVectorization } from '@seqlab/sequence';
import { padSequences, trainTestSplit } from '@seqlab/sequence';
import { LessonError } from './errors.js';
import { isTextData, prepareTexts, type TextLessonData } from './text.js';

/** Id sequences (ragged) with one label per sequence: what `imdb.load_data` returns for a split. */
export interface LabelledSequences {
  x: ArrayLike<ArrayLike<number>>;
  y: ArrayLike<number>;
}

/** What a {@link LessonDataSource} hands the recipe: sequences to split into train and validation, and a test set. */
export interface LessonSplits {
  /** Split by the recipe into training and validation rows (`train_test_split`). */
  train: LabelledSequences;
  /** Evaluated once, with the best weights, after training. */
  test?: LabelledSequences | undefined;
}

/** A data set the recipe loads itself, once it knows the vocabulary size. */
export interface LessonDataSource {
  /** What the data is and where it came from, for reports. */
  readonly description: string;
  /** How many rows of each split the source keeps (`null`: all). */
  readonly limit: number | null;
  load(options: { numWords: number }): Promise<LessonSplits>;
}

/** Data that is already split and padded: the recipe uses it as it is. */
export interface PreparedLessonData {
  train: LabelledIds;
  validation: LabelledIds;
  test?: LabelledIds | undefined;
}

/**
 * What {@link runLesson} trains on: a data source (`imdbSource()`), raw id sequences to split and pad, or
 * prepared splits.
 */
export type LessonData = LessonDataSource | LessonSplits | PreparedLessonData | TextLessonData;

/** Options of {@link imdbSource}. */
export interface ImdbSourceOptions {
  /**
   * `imdb.npz`: a path (Node) or URL (browser), or its bytes. Unset: `SEQLAB_DATA_DIR`, the Keras cache, then the
   * official download (checksum-verified).
   * @default 'imdb.npz'
   */
  path?: DataSource;
  /** Keep only the first `limit` reviews of the training and of the test split (quick runs). All when unset. */
  limit?: number;
}

/**
 * The lesson's data: `keras.datasets.imdb.load_data(num_words=…)`, exact to Keras, train and test splits.
 *
 * @example
 * ```ts
 * const result = await runLesson({ data: imdbSource({ limit: 2000 }), model: 'lstm', epochs: 3 });
 * ```
 */
export function imdbSource(options: ImdbSourceOptions = {}): LessonDataSource {
  const { path = 'imdb.npz', limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 2)) {
    throw new LessonError(
      'INVALID_OPTION',
      `imdbSource: limit must be an integer ≥ 2, got ${String(limit)}.`,
    );
  }
  const description =
    typeof path === 'string'
      ? `IMDB (${path})`
      : `IMDB (${path instanceof Uint8Array ? path.length : '?'} bytes)`;
  // One source trains several models (`seqlab compare`): the last load is kept for the same vocabulary size.
  let last: { numWords: number; splits: Promise<LessonSplits> } | undefined;
  const load = async (numWords: number): Promise<LessonSplits> => {
    const bytes = path instanceof ArrayBuffer ? new Uint8Array(path) : path;
    const [[x, y], [xTest, yTest]] = await imdb.loadData({ path: bytes, numWords });
    const n = limit ?? Number.POSITIVE_INFINITY;
    return {
      train: { x: x.slice(0, n), y: y.subarray(0, Math.min(n, y.length)) },
      test: { x: xTest.slice(0, n), y: yTest.subarray(0, Math.min(n, yTest.length)) },
    };
  };
  return {
    description,
    limit: limit ?? null,
    load({ numWords }) {
      if (last?.numWords !== numWords) {
        const splits = load(numWords);
        last = { numWords, splits };
        // A failed load is not kept: the next call tries again.
        splits.catch(() => {
          if (last?.splits === splits) last = undefined;
        });
      }
      return last.splits;
    },
  };
}

/** What the recipe did with the data (reported by {@link runLesson} and its `data` event). */
export interface DataReport {
  /** The source's description, or `'sequences'` / `'prepared'`. */
  source: string;
  /** Training rows after the split. */
  train: number;
  /** Validation rows after the split. */
  validation: number;
  /** Test rows (0 when there is no test set). */
  test: number;
  /** `'train_test_split'` when the recipe split the data, `'given'` when it came split. */
  split: 'train_test_split' | 'given';
  /** Columns of the padded matrices. */
  maxlen: number;
  numWords: number;
  /** Rows kept per split by the source (`null`: all). */
  limit: number | null;
  /** Class names in label order, for text data (`null`: the lesson's 0/1 ids). */
  classNames: string[] | null;
  /** Vocabulary size of the adapted `TextVectorization` (padding and `[UNK]` included), for text data. */
  vocabularySize: number | null;
}

/** The split and padded data the recipe trains on. */
export interface PreparedData {
  train: LabelledIds;
  validation: LabelledIds;
  test: LabelledIds | null;
  report: DataReport;
  /** The `TextVectorization` adapted on the training texts (text data only). */
  vectorizer: TextVectorization | null;
}

function isSource(data: LessonData): data is LessonDataSource {
  return !isTextData(data) && typeof (data as LessonDataSource).load === 'function';
}

function isPrepared(data: LessonData): data is PreparedLessonData {
  return !isTextData(data) && (data as PreparedLessonData).validation !== undefined;
}

/**
 * Labels: one per row, 0 or 1 for the lesson's binary task (a sigmoid head, binary cross-entropy), or class indices
 * 0…k-1 for text data with k classes (a softmax head, sparse categorical cross-entropy).
 */
function checkLabels(name: string, y: ArrayLike<number>, rows: number, classes = 2): void {
  if (y.length !== rows) {
    throw new LessonError(
      'INVALID_DATA',
      `runLesson: ${name} must have one label per row (${rows}), got ${y.length} labels.`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new LessonError(
        'INVALID_DATA',
        classes === 2
          ? `runLesson: ${name}[${i}] is ${String(v)}; the lesson's labels are 0 (negative) or 1 (positive).`
          : `runLesson: ${name}[${i}] is ${String(v)}; expected a class index in [0, ${classes}).`,
      );
    }
  }
}

/** Ids must index the embedding: `0 ≤ id < numWords`. */
function checkIds(name: string, data: ArrayLike<number>, numWords: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < numWords)) {
      throw new LessonError(
        'INVALID_DATA',
        `runLesson: ${name} holds the id ${String(v)} at position ${i}; ids must be integers in [0, numWords) = ` +
          `[0, ${numWords}).`,
      );
    }
  }
}

function checkMatrix(name: string, m: IdMatrix, maxlen: number): void {
  const [rows, cols] = m.shape;
  if (m.shape.length !== 2 || rows === undefined || cols === undefined || m.data.length !== rows * cols) {
    throw new LessonError(
      'INVALID_DATA',
      `runLesson: ${name}.x must be a [rows, maxlen] matrix, got shape ${JSON.stringify(m.shape)} with ` +
        `${m.data.length} values.`,
    );
  }
  if (cols !== maxlen) {
    throw new LessonError(
      'INVALID_DATA',
      `runLesson: ${name}.x has ${cols} columns but maxlen is ${maxlen}; pass maxlen: ${cols} or pad to ${maxlen}.`,
    );
  }
}

function checkSequences(name: string, s: LabelledSequences): void {
  if (s == null || s.x == null || typeof s.x.length !== 'number') {
    throw new LessonError('INVALID_DATA', `runLesson: ${name}.x must be an array of id sequences.`);
  }
}

/**
 * The lesson's steps 3 and 4 on any {@link LessonData}: load (a source), `train_test_split(test_size,
 * random_state)` (sklearn-exact) of the training sequences, `pad_sequences(maxlen)` of every split — or checks of
 * prepared splits — and a report of what was done.
 */
export async function prepareLessonData(
  data: LessonData,
  options: { numWords: number; maxlen: number; testSize: number; randomState: number },
): Promise<PreparedData> {
  const { numWords, maxlen, testSize, randomState } = options;
  if (isTextData(data)) {
    const texts = await prepareTexts(data, options);
    if (texts.classNames.length < 2) {
      throw new LessonError(
        'INVALID_DATA',
        `runLesson: the texts have ${texts.classNames.length} class(es) (${JSON.stringify(texts.classNames)}); a ` +
          'classifier needs at least 2.',
      );
    }
    for (const [name, split] of [
      ['train', texts.train],
      ['validation', texts.validation],
      ...(texts.test ? [['test', texts.test] as const] : []),
    ] as const) {
      checkLabels(`${name}.y`, split.y, split.y.length, texts.classNames.length);
    }
    return {
      train: texts.train,
      validation: texts.validation,
      test: texts.test,
      vectorizer: texts.vectorizer,
      report: {
        source: data.description,
        train: texts.train.y.length,
        validation: texts.validation.y.length,
        test: texts.test?.y.length ?? 0,
        split: 'train_test_split',
        maxlen,
        numWords,
        limit: null,
        classNames: texts.classNames,
        vocabularySize: texts.vectorizer.vocabularySize(),
      },
    };
  }
  if (isPrepared(data)) {
    const test = data.test ?? null;
    for (const [name, split] of [
      ['train', data.train],
      ['validation', data.validation],
      ...(test ? [['test', test] as const] : []),
    ] as const) {
      checkMatrix(name, split.x, maxlen);
      checkLabels(`${name}.y`, split.y, split.x.shape[0]!);
      checkIds(`${name}.x`, split.x.data, numWords);
    }
    return {
      train: data.train,
      validation: data.validation,
      test,
      report: {
        source: 'prepared',
        train: data.train.x.shape[0]!,
        validation: data.validation.x.shape[0]!,
        test: test?.x.shape[0] ?? 0,
        split: 'given',
        maxlen,
        numWords,
        limit: null,
        classNames: null,
        vocabularySize: null,
      },
      vectorizer: null,
    };
  }
  const source = isSource(data) ? data : null;
  const splits: LessonSplits = isSource(data) ? await data.load({ numWords }) : data;
  checkSequences('train', splits.train);
  checkLabels('train.y', splits.train.y, splits.train.x.length);
  if (splits.test) {
    checkSequences('test', splits.test);
    checkLabels('test.y', splits.test.y, splits.test.x.length);
  }
  const [xTrain, xVal, yTrain, yVal] = trainTestSplit(
    Array.from(splits.train.x) as ArrayLike<number>[],
    Int32Array.from(splits.train.y),
    { testSize, randomState },
  ) as [ArrayLike<number>[], ArrayLike<number>[], Int32Array, Int32Array];
  const pad = (name: string, x: ArrayLike<ArrayLike<number>>): IdMatrix => {
    const m = padSequences(x, { maxlen });
    checkIds(name, m.data, numWords);
    return m;
  };
  const train = { x: pad('train.x', xTrain), y: yTrain };
  const validation = { x: pad('train.x', xVal), y: yVal };
  const test = splits.test ? { x: pad('test.x', splits.test.x), y: Int32Array.from(splits.test.y) } : null;
  return {
    train,
    validation,
    test,
    report: {
      source: source?.description ?? 'sequences',
      train: yTrain.length,
      validation: yVal.length,
      test: test?.y.length ?? 0,
      split: 'train_test_split',
      maxlen,
      numWords,
      limit: source?.limit ?? null,
      classNames: null,
      vocabularySize: null,
    },
    vectorizer: null,
  };
}
