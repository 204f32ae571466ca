// Port of keras/src/utils/numerical_utils.py to_categorical (Keras 3).
import { describe } from './_describe.js';
import { SequenceError } from './errors.js';
import { isSequenceMatrix, type SequenceMatrix } from './matrix.js';

/** A dense row-major float array of any rank: `tf.tensor(c.data, c.shape)` wraps it without a copy. */
export interface CategoricalArray {
  /** The one-hot values, last axis fastest. */
  readonly data: Float32Array;
  /** The input's shape (a trailing axis of 1 squeezed) plus `numClasses`. */
  readonly shape: number[];
}

/** Labels accepted by {@link toCategorical}: a number, a (nested) array or typed array, or a matrix. */
export type Labels = number | ArrayLike<number> | ArrayLike<Labels> | SequenceMatrix;

function flatten(x: unknown, shape: number[], depth: number, out: number[]): void {
  if (typeof x === 'number') {
    if (depth !== shape.length) {
      throw new SequenceError(
        'INVALID_LABELS',
        `labels must be a rectangular array of integers; found a number at depth ${depth}, expected depth ${shape.length}.`,
      );
    }
    out.push(x);
    return;
  }
  if (x == null || typeof x !== 'object' || typeof (x as { length?: unknown }).length !== 'number') {
    throw new SequenceError(
      'INVALID_LABELS',
      `labels must be integers or (nested) arrays of integers; received ${describe(x)}.`,
    );
  }
  const arr = x as ArrayLike<unknown>;
  if (depth === shape.length) {
    if (out.length > 0) {
      throw new SequenceError(
        'INVALID_LABELS',
        `labels must be a rectangular array of integers; found an array at depth ${depth}, expected a number.`,
      );
    }
    shape.push(arr.length);
  } else if (shape[depth] !== arr.length) {
    throw new SequenceError(
      'INVALID_LABELS',
      `labels must be a rectangular array; expected length ${shape[depth]} at depth ${depth}, received length ${arr.length}.`,
    );
  }
  if (ArrayBuffer.isView(arr)) {
    if (depth !== shape.length - 1) {
      throw new SequenceError('INVALID_LABELS', 'labels must be a rectangular array of integers.');
    }
    for (let i = 0; i < arr.length; i++) out.push(arr[i] as number);
    return;
  }
  for (let i = 0; i < arr.length; i++) flatten(arr[i], shape, depth + 1, out);
}

/**
 * One-hot encodes integer class labels on a new last axis, like Keras' `keras.utils.to_categorical`: a label
 * `k` becomes a row of `numClasses` zeros with a 1 at `k`. As in Keras 3, a trailing axis of length 1 is
 * squeezed first (`[n, 1]` labels give `[n, numClasses]`), and a missing or `0` `numClasses` means
 * `max(labels) + 1`. Unlike Keras (which returns float64 and lets numpy wrap negative labels), the data is a
 * `Float32Array` and negative or fractional labels are an error.
 *
 * Note for the IMDB lesson: its `to_categorical(pad_sequences(x, maxlen=100))` is a 20,000 × 100 × 500 float
 * tensor, 4 GB; one-hot encode per batch instead (the seqlab model zoo does).
 *
 * @param numClasses Number of classes. Defaults to `max(labels) + 1`.
 * @example
 * ```ts
 * toCategorical([0, 2, 1]); // { data: Float32Array [1,0,0, 0,0,1, 0,1,0], shape: [3, 3] }
 * ```
 */
export function toCategorical(labels: Labels, numClasses?: number | null): CategoricalArray {
  let values: ArrayLike<number>;
  let shape: number[];
  if (isSequenceMatrix(labels)) {
    values = labels.data;
    shape = [labels.shape[0], labels.shape[1]];
  } else if (ArrayBuffer.isView(labels)) {
    values = labels as unknown as ArrayLike<number>;
    shape = [(labels as unknown as ArrayLike<number>).length];
  } else {
    const out: number[] = [];
    shape = [];
    flatten(labels, shape, 0, out);
    values = out;
  }
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);

  const n = values.length;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new SequenceError(
        'INVALID_LABELS',
        `labels must be non-negative integers; received ${describe(v)} at flat index ${i}.`,
      );
    }
    if (v > max) max = v;
  }
  let classes: number;
  if (numClasses == null || numClasses === 0) {
    if (n === 0) {
      throw new SequenceError(
        'INVALID_LABELS',
        'labels are empty and numClasses was not given: expected at least one label or a numClasses; received 0 labels.',
      );
    }
    classes = max + 1;
  } else {
    if (!Number.isInteger(numClasses) || numClasses < 0) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `numClasses must be a positive integer; received ${describe(numClasses)}.`,
      );
    }
    if (max >= numClasses) {
      throw new SequenceError(
        'INVALID_LABELS',
        `label ${max} is out of range for numClasses=${numClasses}; expected labels in [0, ${numClasses - 1}].`,
      );
    }
    classes = numClasses;
  }
  const data = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) data[i * classes + values[i]!] = 1;
  return { data, shape: [...shape, classes] };
}
