import { DatasetError } from './_errors.js';

/** One labelled text. `label` is the index of its class in the source's `classNames` (-1 when unlabelled). */
export interface TextRecord {
  readonly text: string;
  readonly label: number;
}

/**
 * How labels are meant to be encoded (Keras `label_mode`): `'int'` class indices (sparse categorical
 * cross-entropy), `'categorical'` one-hot, `'binary'` 0/1 floats (exactly two classes), `null` no labels.
 */
export type LabelMode = 'int' | 'categorical' | 'binary' | null;

/**
 * A labelled text dataset that streams: `for await (const { text, label } of source)` reads the records in
 * order, reopening the underlying file(s) on every iteration. Its facts are known before the first record:
 * they were counted when the source was opened (which also validated every row).
 */
export interface TextSource<R extends TextRecord = TextRecord> extends AsyncIterable<R> {
  /** Where the records come from (a path, a file name, `aclImdb/train`, …). */
  readonly name: string;
  /** Class names in label order: `label` `i` is `classNames[i]`. Empty when unlabelled. */
  readonly classNames: readonly string[];
  /** Records per class, aligned with `classNames`. */
  readonly classCounts: readonly number[];
  /** Number of records. */
  readonly size: number;
  /** How the labels are meant to be encoded. */
  readonly labelMode: LabelMode;
}

/** A source collected into memory: what a training recipe consumes. */
export interface TextArrays {
  readonly texts: string[];
  /** Class index per text (-1 when unlabelled). */
  readonly labels: Int32Array;
  readonly classNames: string[];
}

/**
 * Reads a whole source into arrays (the memory is the caller's: every text is kept).
 *
 * @example
 * ```ts
 * const { texts, labels, classNames } = await collectTexts(await textDatasetFromTable('reviews.csv'));
 * ```
 */
export async function collectTexts(source: TextSource): Promise<TextArrays> {
  const texts: string[] = [];
  const labels = new Int32Array(source.size);
  for await (const record of source) {
    if (texts.length === source.size) throw changed(source.name, source.size, texts.length + 1);
    labels[texts.length] = record.label;
    texts.push(record.text);
  }
  if (texts.length !== source.size) throw changed(source.name, source.size, texts.length);
  return { texts, labels, classNames: [...source.classNames] };
}

function changed(name: string, expected: number, received: number): DatasetError {
  return new DatasetError(
    'BAD_TABLE',
    `the source changed while it was read: ${expected} records were counted when it was opened, ` +
      `received ${received === expected + 1 ? 'more' : received}`,
    { file: name },
  );
}

/** Labels encoded for a loss, as Keras' `labels_to_dataset` does: `shape` is `[n]`, `[n, 1]` or `[n, numClasses]`. */
export interface EncodedLabels {
  readonly values: Int32Array | Float32Array;
  readonly shape: number[];
}

/**
 * Encodes class indices for `labelMode` (Keras `label_mode`): `'int'` int32 `[n]`; `'binary'` float32
 * `[n, 1]`; `'categorical'` one-hot float32 `[n, numClasses]`.
 */
export function encodeLabels(
  labels: Int32Array,
  labelMode: 'int' | 'categorical' | 'binary',
  numClasses: number,
): EncodedLabels {
  const n = labels.length;
  if (labelMode === 'int') return { values: Int32Array.from(labels), shape: [n] };
  if (labelMode === 'binary') return { values: Float32Array.from(labels), shape: [n, 1] };
  const values = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (label >= 0 && label < numClasses) values[i * numClasses + label] = 1; // tf.one_hot: out of range → zeros
  }
  return { values, shape: [n, numClasses] };
}

/** Builds a {@link TextSource} from its facts and a function that streams the records once per call. */
export function makeTextSource<R extends TextRecord>(
  facts: Omit<TextSource<R>, typeof Symbol.asyncIterator>,
  records: () => AsyncIterable<R>,
): TextSource<R> {
  return {
    name: facts.name,
    classNames: Object.freeze([...facts.classNames]),
    classCounts: Object.freeze([...facts.classCounts]),
    size: facts.size,
    labelMode: facts.labelMode,
    [Symbol.asyncIterator]: () => records()[Symbol.asyncIterator](),
  };
}

/** Fewer than two classes with records is refused: a classifier needs two. */
export function checkTwoClasses(
  name: string,
  classNames: readonly string[],
  counts: readonly number[],
): void {
  const present = classNames.filter((_, i) => (counts[i] ?? 0) > 0);
  if (present.length < 2) {
    throw new DatasetError(
      'ONE_CLASS',
      `found ${present.length === 0 ? 'no class' : `one class only (${JSON.stringify(present[0])}, ${counts[classNames.indexOf(present[0]!)]} records)`}` +
        `; expected at least 2 classes with records${classNames.length > present.length ? ` (classes without records: ${JSON.stringify(classNames.filter((c) => !present.includes(c)))})` : ''}`,
      { file: name },
    );
  }
}

/** Python's `str` order (by code point), which differs from JS `<` for characters above U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (astral character) sorts after every BMP code unit at or above U+E000.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? (y >= 0xe000 ? 1 : x - y) : x >= 0xe000 ? -1 : x - y;
    return x - y;
  }
  return a.length - b.length;
}
