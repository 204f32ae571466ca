import {
  beyondInt32,
  both,
  type CheckedOptions,
  checkCounts,
  checkOptions,
  emptyReview,
  type ImdbData,
  type ImdbLoadOptions,
  type ImdbSplit,
  INT32_MAX,
  labelsFrom,
  noneKept,
  shuffleOrders,
} from './_imdb_core.js';
import type { NpzArchive } from './_source.js';

/** One review as the sink leaves it: its output ids (`null` when `maxlen` drops it) and its largest raw id. */
interface Review {
  readonly seq: number[] | null;
  /** Ids in the review before `startChar` (0: an empty review). */
  readonly length: number;
  /** The largest `w + indexFrom` in it (with `startChar`); only tracked when `numWords` is unset. */
  readonly max: number;
}

/**
 * `keras.datasets.imdb.load_data` straight from the pickled sequences into the `number[][]` it returns: each
 * review's ints are mapped into its output array the moment the pickle reader has them, so no array of all ids
 * exists on the way (the output is the only large allocation); then the arrays are put in Keras' shuffled order.
 * With `numWords` unset the window's top is the largest id, known only at the end: the arrays are written with
 * no top, then the (rare) ids equal to it become `oovChar`.
 * Port of keras/src/datasets/imdb.py load_data (every branch; same results as `imdbPacked`).
 */
export async function readImdbNested(npz: NpzArchive, options: ImdbLoadOptions): Promise<ImdbData> {
  const o = checkOptions(options);
  const file = npz.file;
  // Each member is released once read, so the archive's bytes go as soon as the last one is inflated.
  const yTrain = labelsFrom(await npz.get('y_train', true), 'y_train', file);
  const yTest = labelsFrom(await npz.get('y_test', true), 'y_test', file);
  const sink = reviewSink(o);
  // both members inflate (thread pool) and are read (here) at once, each piece as it arrives
  const [train, test] = await both(
    npz.intListsStreamedInto('x_train', sink, true),
    npz.intListsStreamedInto('x_test', sink, true),
  );

  checkCounts(
    [
      [train.length, yTrain.length, 'train'],
      [test.length, yTest.length, 'test'],
    ],
    file,
  );
  const [trainOrder, testOrder] = shuffleOrders(o.seed, yTrain.length, yTest.length);
  const trainSplit = ordered(train, trainOrder, yTrain);
  const testSplit = ordered(test, testOrder, yTest);
  if (o.maxlen && (trainSplit[0].length === 0 || testSplit[0].length === 0)) throw noneKept(o.maxlen, file);

  if (!o.numWords) {
    let max = Number.NEGATIVE_INFINITY;
    for (const reviews of [train, test]) {
      for (const review of reviews) {
        if (review.seq === null) continue;
        if (review.length === 0 && o.startChar === null) throw emptyReview(file);
        if (review.max > max) max = review.max;
      }
    }
    if (max > INT32_MAX) throw beyondInt32(max, o.indexFrom, file);
    // only a review whose own largest id is the top can hold it
    for (const reviews of [train, test]) {
      for (const review of reviews) {
        if (review.seq !== null && review.max === max) capAt(review.seq, max, o.oovChar);
      }
    }
  }
  return [trainSplit, testSplit];
}

/** The sink that turns each pickled review (raw word ranks) into its output array as it is read. */
function reviewSink(o: CheckedOptions): (ints: Int32Array) => Review {
  const { numWords, skipTop, maxlen, startChar, oovChar, indexFrom } = o;
  const offset = startChar === null ? 0 : 1;
  // With numWords unset the top is the largest id: not known yet, so no top here (see `capAt`).
  const top = numWords ? numWords : Number.POSITIVE_INFINITY;
  const trackMax = !numWords;
  const startId =
    startChar === null
      ? Number.NaN
      : skipTop <= startChar && startChar < top
        ? startChar
        : (oovChar ?? Number.NaN);
  const hasStart = !Number.isNaN(startId);
  return (ints) => {
    const n = ints.length;
    if (maxlen && n + offset >= maxlen) return { seq: null, length: n, max: Number.NEGATIVE_INFINITY };
    let max = trackMax && startChar !== null ? startChar : Number.NEGATIVE_INFINITY;
    let seq: number[];
    if (oovChar !== null) {
      seq = new Array<number>(n + (hasStart ? 1 : 0));
      let at = 0;
      if (hasStart) seq[at++] = startId;
      // numWords set (no max to track, the usual call) gets the loop without the extra compare
      if (trackMax) {
        for (let j = 0; j < n; j++) {
          const w = ints[j]! + indexFrom;
          if (w > max) max = w;
          seq[at++] = skipTop <= w ? w : oovChar; // no top yet (see capAt)
        }
      } else {
        for (let j = 0; j < n; j++) {
          const w = ints[j]! + indexFrom;
          seq[at++] = skipTop <= w && w < top ? w : oovChar;
        }
      }
    } else {
      if (trackMax) {
        for (let j = 0; j < n; j++) {
          const w = ints[j]! + indexFrom;
          if (w > max) max = w;
        }
      }
      let kept = hasStart ? 1 : 0;
      for (let j = 0; j < n; j++) {
        const w = ints[j]! + indexFrom;
        if (skipTop <= w && w < top) kept++;
      }
      seq = new Array<number>(kept);
      let at = 0;
      if (hasStart) seq[at++] = startId;
      for (let j = 0; j < n; j++) {
        const w = ints[j]! + indexFrom;
        if (skipTop <= w && w < top) seq[at++] = w;
      }
    }
    return { seq, length: n, max };
  };
}

/** The kept reviews and their labels in shuffled order. */
function ordered(reviews: Review[], order: Int32Array, labels: Int32Array): ImdbSplit {
  let kept = 0;
  for (let i = 0; i < order.length; i++) if (reviews[order[i]!]!.seq !== null) kept++;
  const x = new Array<number[]>(kept);
  const y = new Int32Array(kept);
  let at = 0;
  for (let i = 0; i < order.length; i++) {
    const source = order[i]!;
    const seq = reviews[source]!.seq;
    if (seq === null) continue;
    x[at] = seq;
    y[at++] = labels[source]!;
  }
  return [x, y];
}

/**
 * Applies the top Keras takes when `num_words` is unset, the largest id `max` (so `w < max` fails only for
 * `w === max`, start id included), to one review's array in place: those become `oovChar`, or are dropped when it
 * is `null`.
 */
function capAt(seq: number[], max: number, oovChar: number | null): void {
  if (oovChar !== null) {
    for (let j = 0; j < seq.length; j++) if (seq[j] === max) seq[j] = oovChar;
    return;
  }
  let kept = 0;
  for (let j = 0; j < seq.length; j++) if (seq[j] !== max) seq[kept++] = seq[j]!;
  seq.length = kept;
}
