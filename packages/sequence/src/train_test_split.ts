// Port of sklearn/model_selection/_split.py train_test_split and ShuffleSplit (scikit-learn 1.2).
import { RandomState } from '@seqlab/random';
import { describe } from './_describe.js';
import { validateShuffleSplit } from './_split_sizes.js';
import { type ClassLabel, stratifiedSplit } from './_stratified.js';
import { SequenceError } from './errors.js';
import { isSequenceMatrix, type SequenceMatrix } from './matrix.js';

/** Typed arrays {@link trainTestSplit} can index. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** What {@link trainTestSplit} splits: a plain array, a typed array, or a matrix (split by rows). */
export type Splittable = readonly unknown[] | TypedArray | SequenceMatrix;

/** Options of {@link trainTestSplit}, named as scikit-learn's `train_test_split` arguments. */
export interface TrainTestSplitArgs {
  /**
   * Test set size: a float in (0, 1) is a fraction (`ceil(testSize * n)` samples), an integer a count.
   * Defaults to the complement of `trainSize`, or 0.25 when neither is given.
   */
  testSize?: number | null;
  /**
   * Train set size: a float in (0, 1) is a fraction (`floor(trainSize * n)` samples), an integer a count.
   * Defaults to the complement of the test set.
   */
  trainSize?: number | null;
  /**
   * Seed of the numpy `RandomState` that permutes the samples, or a `RandomState` to draw from (it advances).
   * Defaults to a fresh entropy-seeded generator (scikit-learn uses numpy's global one).
   */
  randomState?: number | RandomState | null;
  /**
   * Shuffle before splitting; without shuffling the first samples are the train set.
   * @default true
   */
  shuffle?: boolean;
  /**
   * Class labels to stratify by (scikit-learn's `StratifiedShuffleSplit`, exactly). Defaults to no stratification.
   */
  stratify?: ArrayLike<ClassLabel> | null;
}

/** `[aTrain, aTest, bTrain, bTest, …]` for inputs `[a, b, …]`, each part the same kind as its input. */
export type SplitResult<T extends readonly Splittable[]> = T extends readonly [
  infer H,
  ...infer R extends readonly Splittable[],
]
  ? [H, H, ...SplitResult<R>]
  : T[number][];

function isSplittable(value: unknown): value is Splittable {
  return (
    Array.isArray(value) ||
    (ArrayBuffer.isView(value) && !(value instanceof DataView)) ||
    isSequenceMatrix(value)
  );
}

function numSamples(a: Splittable): number {
  return isSequenceMatrix(a) ? a.shape[0] : (a as ArrayLike<unknown>).length;
}

function take<T extends Splittable>(a: T, indices: Int32Array): T {
  if (isSequenceMatrix(a)) {
    const cols = a.shape[1];
    const Ctor = a.data.constructor as new (n: number) => Int32Array | Float32Array;
    const data = new Ctor(indices.length * cols);
    for (let k = 0; k < indices.length; k++) {
      const r = indices[k]!;
      data.set(a.data.subarray(r * cols, (r + 1) * cols), k * cols);
    }
    return { data, shape: [indices.length, cols] } as SequenceMatrix as T;
  }
  if (Array.isArray(a)) return Array.from(indices, (i) => a[i]) as unknown as T;
  const typed = a as TypedArray;
  const Ctor = typed.constructor as new (n: number) => TypedArray;
  const out = new Ctor(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = typed[indices[k]!]!;
  return out as T;
}

function range(start: number, end: number): Int32Array {
  const out = new Int32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/**
 * Splits arrays into random train and test subsets, exactly as scikit-learn's `train_test_split`:
 * `perm = RandomState(randomState).permutation(n)`, test = `perm[:nTest]`, train = `perm[nTest:nTest + nTrain]`,
 * so the same `randomState` picks the same samples as scikit-learn. With `stratify`, scikit-learn's
 * `StratifiedShuffleSplit` is reproduced draw for draw. Matrices are split by rows; every part has its
 * input's kind (plain array, same typed array class, or matrix).
 *
 * @example
 * ```ts
 * const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { randomState: 42, testSize: 0.2 });
 * ```
 */
export function trainTestSplit<T extends Splittable[]>(
  ...args: [...arrays: T, options: TrainTestSplitArgs]
): SplitResult<T>;
export function trainTestSplit<T extends Splittable[]>(...arrays: T): SplitResult<T>;
export function trainTestSplit(...args: unknown[]): Splittable[] {
  const last = args[args.length - 1];
  const hasOptions = args.length > 0 && !isSplittable(last) && last != null && typeof last === 'object';
  const options = (hasOptions ? last : {}) as TrainTestSplitArgs;
  const arrays = (hasOptions ? args.slice(0, -1) : args) as Splittable[];
  if (arrays.length === 0) {
    throw new SequenceError('INVALID_ARGUMENT', 'At least one array required as input; received none.');
  }
  arrays.forEach((a, i) => {
    if (!isSplittable(a)) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `trainTestSplit: argument ${i} must be an array, a typed array or a SequenceMatrix; received ${describe(a)}.`,
      );
    }
  });
  const lengths = arrays.map(numSamples);
  const { testSize, trainSize, randomState, shuffle = true, stratify } = options;
  if (stratify != null) lengths.push((stratify as ArrayLike<ClassLabel>).length);
  if (lengths.some((l) => l !== lengths[0])) {
    throw new SequenceError(
      'INCONSISTENT_LENGTH',
      `Found input variables with inconsistent numbers of samples: [${lengths.join(', ')}]; expected the same length for every array${stratify != null ? ' and stratify' : ''}.`,
    );
  }
  const n = lengths[0]!;
  const [nTrain, nTest] = validateShuffleSplit(n, testSize, trainSize, 0.25);

  let train: Int32Array;
  let test: Int32Array;
  if (shuffle === false) {
    if (stratify != null) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        'Stratified train/test split is not implemented for shuffle=false; expected shuffle: true with stratify.',
      );
    }
    train = range(0, nTrain);
    test = range(nTrain, nTrain + nTest);
  } else {
    const rng = randomState instanceof RandomState ? randomState : new RandomState(randomState ?? undefined);
    if (stratify != null) {
      [train, test] = stratifiedSplit(stratify, nTrain, nTest, rng);
    } else {
      const permutation = rng.permutation(n);
      test = permutation.subarray(0, nTest);
      train = permutation.subarray(nTest, nTest + nTrain);
    }
  }
  const out: Splittable[] = [];
  for (const a of arrays) out.push(take(a, train), take(a, test));
  return out;
}
