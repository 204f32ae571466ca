// Port of keras/src/utils/sequence_utils.py pad_sequences (Keras 3). The overload order keeps untyped (`any`)
// input on the integer-sequence signatures it always had.
import { describe } from './_describe.js';
import { SequenceError } from './errors.js';
import type { SequenceMatrix } from './matrix.js';

/** Where `padSequences` pads or truncates: before (`'pre'`) or after (`'post'`) each sequence. */
export type PadSide = 'pre' | 'post';

const SIDES: readonly PadSide[] = ['pre', 'post'];

/** Options of {@link padSequences}, named as Keras' `pad_sequences` arguments. */
export interface PadSequencesArgs<T extends 'int32' | 'float32' = 'int32' | 'float32'> {
  /** Length of every output row. Defaults to the length of the longest sequence. */
  maxlen?: number | null;
  /**
   * Element type of the output: `'int32'` (`Int32Array`) or `'float32'` (`Float32Array`).
   * @default 'int32'
   */
  dtype?: T;
  /**
   * Pad before (`'pre'`) or after (`'post'`) each sequence.
   * @default 'pre'
   */
  padding?: PadSide;
  /**
   * Drop values from the start (`'pre'`, keeping the last `maxlen`) or the end (`'post'`) of longer sequences.
   * @default 'pre'
   */
  truncating?: PadSide;
  /**
   * The padding value (cast to `dtype` as numpy's `np.full` casts it).
   * @default 0
   */
  value?: number;
}

/** Options of {@link padSequences} for string sequences (Keras' `dtype=object` with a string `value`). */
export interface PadStringSequencesArgs {
  /** Length of every output row. Defaults to the length of the longest sequence. */
  maxlen?: number | null;
  /** Marks string output: a plain `string[]` (Keras: `dtype=object`). */
  dtype: 'string';
  /**
   * Pad before (`'pre'`) or after (`'post'`) each sequence.
   * @default 'pre'
   */
  padding?: PadSide;
  /**
   * Drop values from the start (`'pre'`) or the end (`'post'`) of longer sequences.
   * @default 'pre'
   */
  truncating?: PadSide;
  /** The padding string. */
  value: string;
}

/** A dense row-major `[n, maxlen, dim]` array: padded sequences of vectors. `tf.tensor3d(t.data, t.shape)` wraps it. */
export interface SequenceTensor3D<D extends Int32Array | Float32Array = Int32Array | Float32Array> {
  /** The values: sequence after sequence, step after step. */
  readonly data: D;
  /** `[sequences, maxlen, vector length]`. */
  readonly shape: readonly [number, number, number];
}

/** Padded string sequences: row-major `[n, maxlen]`. */
export interface StringMatrix {
  readonly data: string[];
  readonly shape: readonly [number, number];
}

/** At most 2^28 values (1 GiB of int32 or float32) in one padded array: a typo like `maxlen: 1e9` is an error, not 4 GB. */
export const MAX_PADDED_VALUES: number = 2 ** 28;

function checkSize(rows: number, maxlen: number, dim: number): void {
  const values = rows * maxlen * dim;
  if (values > MAX_PADDED_VALUES) {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `the padded array would hold ${rows} × ${maxlen}${dim > 1 ? ` × ${dim}` : ''} = ${values} values; expected at ` +
        `most ${MAX_PADDED_VALUES} (1 GiB). Use a smaller maxlen, or pad the sequences in batches.`,
    );
  }
}

function checkSide(name: 'padding' | 'truncating', side: unknown): PadSide {
  if (!SIDES.includes(side as PadSide)) {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `${name} must be one of ${SIDES.map((s) => `'${s}'`).join(', ')}; received ${describe(side)}.`,
    );
  }
  return side as PadSide;
}

// Monomorphic copy loops (one per output type) keep V8's element access fast; they return the index of the
// first invalid value, or -1.
function copyInt32(
  data: Int32Array,
  s: ArrayLike<number>,
  start: number,
  kept: number,
  offset: number,
): number {
  for (let k = 0; k < kept; k++) {
    const v = s[start + k]!;
    if ((v | 0) !== v) return start + k;
    data[offset + k] = v;
  }
  return -1;
}

function copyFloat32(
  data: Float32Array,
  s: ArrayLike<number>,
  start: number,
  kept: number,
  offset: number,
): number {
  for (let k = 0; k < kept; k++) {
    const v = s[start + k]!;
    if (typeof v !== 'number') return start + k;
    data[offset + k] = v;
  }
  return -1;
}

function sequenceLength(s: unknown, index: number): number {
  if (s == null || typeof s !== 'object' || typeof (s as { length?: unknown }).length !== 'number') {
    throw new SequenceError(
      'INVALID_SEQUENCES',
      `sequences must be an array of integer sequences (arrays or typed arrays); element ${index} is ${describe(s)}.`,
    );
  }
  return (s as ArrayLike<unknown>).length;
}

/**
 * Pads (and truncates) sequences of integers to one length, giving a dense `[n, maxlen]` matrix, like Keras'
 * `keras.utils.pad_sequences`. Element for element the same as Keras for the same arguments. The input is never
 * mutated; the result converts to a tensor without a copy: `tf.tensor2d(m.data, m.shape, 'int32')`.
 *
 * Differences from Keras, all in error cases: `padding`/`truncating` are checked even when every sequence is
 * empty, and with `dtype: 'int32'` every kept value must be an integer in the int32 range (Keras would cast
 * silently).
 *
 * Sequences of vectors (Keras' `sample_shape`): when the elements are equal-length arrays of numbers, the result
 * is a {@link SequenceTensor3D} `[n, maxlen, dim]`, padded with `value` vectors. With `dtype: 'string'` and a string
 * `value`, string sequences give a {@link StringMatrix} (Keras' `dtype=object`).
 *
 * @example
 * ```ts
 * padSequences([[1, 2, 3], [4]], { maxlen: 2 }); // { data: Int32Array [2, 3, 0, 4], shape: [2, 2] }
 * ```
 */
export function padSequences(
  sequences: ArrayLike<ArrayLike<string>>,
  args: PadStringSequencesArgs,
): StringMatrix;
export function padSequences(
  sequences: ArrayLike<ArrayLike<number>>,
  args?: PadSequencesArgs<'int32'>,
): SequenceMatrix<Int32Array>;
export function padSequences(
  sequences: ArrayLike<ArrayLike<number>>,
  args: PadSequencesArgs<'float32'> & { dtype: 'float32' },
): SequenceMatrix<Float32Array>;
export function padSequences(
  sequences: ArrayLike<ArrayLike<number>>,
  args?: PadSequencesArgs,
): SequenceMatrix<Int32Array> | SequenceMatrix<Float32Array>;
export function padSequences(
  sequences: ArrayLike<ArrayLike<ArrayLike<number>>>,
  args?: PadSequencesArgs<'int32'>,
): SequenceTensor3D<Int32Array>;
export function padSequences(
  sequences: ArrayLike<ArrayLike<ArrayLike<number>>>,
  args: PadSequencesArgs<'float32'> & { dtype: 'float32' },
): SequenceTensor3D<Float32Array>;
export function padSequences(
  sequences: ArrayLike<ArrayLike<ArrayLike<number>>>,
  args?: PadSequencesArgs,
): SequenceTensor3D<Int32Array> | SequenceTensor3D<Float32Array>;
export function padSequences(
  sequences: ArrayLike<ArrayLike<unknown>>,
  args?: PadSequencesArgs | PadStringSequencesArgs,
): SequenceMatrix<Int32Array> | SequenceMatrix<Float32Array> | SequenceTensor3D | StringMatrix;
export function padSequences(
  sequences: ArrayLike<ArrayLike<unknown>>,
  args: PadSequencesArgs | PadStringSequencesArgs = {},
): SequenceMatrix<Int32Array> | SequenceMatrix<Float32Array> | SequenceTensor3D | StringMatrix {
  const { maxlen: maxlenArg, dtype = 'int32', value = 0 } = args as PadSequencesArgs | PadStringSequencesArgs;
  const padding = checkSide('padding', args.padding ?? 'pre');
  const truncating = checkSide('truncating', args.truncating ?? 'pre');
  if (dtype !== 'int32' && dtype !== 'float32' && dtype !== 'string') {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `dtype must be one of 'int32', 'float32', 'string'; received ${describe(dtype)}.`,
    );
  }
  // Keras: `if isinstance(value, str) and dtype is not object and not is_dtype_str: raise ValueError(...)`.
  if (typeof value === 'string' && dtype !== 'string') {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `\`dtype\` ${dtype} is not compatible with \`value\`'s type: a string value needs dtype 'string'; received value ${describe(value)}.`,
    );
  }
  if (dtype === 'string') {
    if (typeof value !== 'string') {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `value must be a string with dtype 'string'; received ${describe(value)}.`,
      );
    }
    return padStrings(sequences, maxlenArg, padding, truncating, value);
  }
  if (typeof value !== 'number' || (dtype === 'int32' && !Number.isFinite(value))) {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `value must be a ${dtype === 'int32' ? 'finite ' : ''}number; received ${describe(value)}.`,
    );
  }
  if (
    sequences == null ||
    typeof sequences !== 'object' ||
    typeof (sequences as { length?: unknown }).length !== 'number'
  ) {
    throw new SequenceError(
      'INVALID_SEQUENCES',
      `sequences must be an array of integer sequences; received ${describe(sequences)}.`,
    );
  }
  const n = sequences.length;
  const lengths = new Int32Array(n);
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const len = sequenceLength(sequences[i], i);
    lengths[i] = len;
    if (len > longest) longest = len;
  }

  let maxlen: number;
  if (maxlenArg == null) {
    if (n === 0) {
      throw new SequenceError(
        'INVALID_SEQUENCES',
        'sequences is empty and no maxlen was given: expected at least one sequence to take the length from, or a maxlen; received 0 sequences.',
      );
    }
    maxlen = longest;
  } else {
    if (!Number.isInteger(maxlenArg) || maxlenArg < 0) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `maxlen must be a non-negative integer; received ${describe(maxlenArg)}.`,
      );
    }
    maxlen = maxlenArg;
  }

  // Keras' sample_shape: np.asarray(x).shape[1:] of the first non-empty sequence.
  for (let i = 0; i < n; i++) {
    if (lengths[i] === 0) continue;
    const first = (sequences[i] as ArrayLike<unknown>)[0];
    if (first != null && typeof first === 'object') {
      return padVectors(
        sequences as ArrayLike<ArrayLike<unknown>>,
        lengths,
        i,
        maxlen,
        dtype,
        padding,
        truncating,
        value,
      );
    }
    break;
  }

  checkSize(n, maxlen, 1);
  const data = dtype === 'int32' ? new Int32Array(n * maxlen) : new Float32Array(n * maxlen);
  if (value !== 0) data.fill(value);

  for (let i = 0; i < n; i++) {
    const s = sequences[i]!;
    const len = lengths[i]!;
    if (len === 0) continue;
    // Keras slices s[-maxlen:] for 'pre'; with maxlen 0 that is the whole sequence, which cannot fit.
    if (maxlen === 0 && truncating === 'pre') {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `maxlen=0 with truncating='pre' cannot hold sequence ${i} of length ${len} (Keras' s[-0:] keeps the whole sequence and fails to broadcast); expected truncating='post' or maxlen > 0.`,
      );
    }
    const start = truncating === 'pre' ? Math.max(0, len - maxlen) : 0;
    const end = truncating === 'pre' ? len : Math.min(len, maxlen);
    const kept = end - start;
    const offset = i * maxlen + (padding === 'pre' ? maxlen - kept : 0);
    if (
      (dtype === 'int32' && s instanceof Int32Array) ||
      (dtype === 'float32' && s instanceof Float32Array)
    ) {
      data.set((s as Int32Array | Float32Array).subarray(start, end), offset);
      continue;
    }
    const bad =
      dtype === 'int32'
        ? copyInt32(data as Int32Array, s as ArrayLike<number>, start, kept, offset)
        : copyFloat32(data as Float32Array, s as ArrayLike<number>, start, kept, offset);
    if (bad !== -1) {
      throw new SequenceError(
        'INVALID_SEQUENCES',
        `sequences must hold ${dtype === 'int32' ? 'int32 integers' : 'numbers'}; sequence ${i} has ${describe(s[bad])} at index ${bad}.`,
      );
    }
  }
  if (dtype === 'int32') return { data: data as Int32Array, shape: [n, maxlen] };
  return { data: data as Float32Array, shape: [n, maxlen] };
}

function maxlenFor(n: number, lengths: Int32Array, maxlenArg: number | null | undefined): number {
  if (maxlenArg == null) {
    if (n === 0) {
      throw new SequenceError(
        'INVALID_SEQUENCES',
        'sequences is empty and no maxlen was given: expected at least one sequence to take the length from, or a maxlen; received 0 sequences.',
      );
    }
    let longest = 0;
    for (let i = 0; i < n; i++) if (lengths[i]! > longest) longest = lengths[i]!;
    return longest;
  }
  if (!Number.isInteger(maxlenArg) || maxlenArg < 0) {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `maxlen must be a non-negative integer; received ${describe(maxlenArg)}.`,
    );
  }
  return maxlenArg;
}

// The kept window [start, end) of a sequence and where it goes in its padded row.
function keptWindow(
  len: number,
  maxlen: number,
  truncating: PadSide,
  padding: PadSide,
  i: number,
): { start: number; kept: number; at: number } {
  if (maxlen === 0 && truncating === 'pre') {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `maxlen=0 with truncating='pre' cannot hold sequence ${i} of length ${len} (Keras' s[-0:] keeps the whole sequence and fails to broadcast); expected truncating='post' or maxlen > 0.`,
    );
  }
  const start = truncating === 'pre' ? Math.max(0, len - maxlen) : 0;
  const kept = Math.min(len, maxlen);
  return { start, kept, at: padding === 'pre' ? maxlen - kept : 0 };
}

function padVectors(
  sequences: ArrayLike<ArrayLike<unknown>>,
  lengths: Int32Array,
  firstNonEmpty: number,
  maxlen: number,
  dtype: 'int32' | 'float32',
  padding: PadSide,
  truncating: PadSide,
  value: number,
): SequenceTensor3D {
  const n = sequences.length;
  const dim = vectorLength(sequences[firstNonEmpty]![0], firstNonEmpty, 0);
  checkSize(n, maxlen, dim);
  const data = dtype === 'int32' ? new Int32Array(n * maxlen * dim) : new Float32Array(n * maxlen * dim);
  if (value !== 0) data.fill(value);
  for (let i = 0; i < n; i++) {
    const len = lengths[i]!;
    if (len === 0) continue;
    const s = sequences[i]!;
    const { start, kept, at } = keptWindow(len, maxlen, truncating, padding, i);
    if (kept === 0) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `maxlen=0 cannot hold sequence ${i} of vectors: Keras' empty truncation s[:0] has shape (0,), not (0, ${dim}), and fails its sample-shape check; expected maxlen > 0.`,
      );
    }
    for (let t = 0; t < kept; t++) {
      const v = s[start + t] as ArrayLike<unknown>;
      // Keras: `if trunc.shape[1:] != sample_shape: raise ValueError("Shape of sample ... is different ...")`.
      if (vectorLength(v, i, start + t) !== dim) {
        throw new SequenceError(
          'INVALID_SEQUENCES',
          `Shape of sample is different from expected shape: every element must be a vector of length ${dim} (from the first non-empty sequence, ${firstNonEmpty}); sequence ${i} has ${describe(v)} at index ${start + t}.`,
        );
      }
      const offset = (i * maxlen + at + t) * dim;
      for (let k = 0; k < dim; k++) {
        const x = v[k];
        if (typeof x !== 'number' || (dtype === 'int32' && (x | 0) !== x)) {
          throw new SequenceError(
            'INVALID_SEQUENCES',
            `sequences must hold ${dtype === 'int32' ? 'int32 integers' : 'numbers'}; sequence ${i} has ${describe(x)} at index [${start + t}][${k}].`,
          );
        }
        data[offset + k] = x;
      }
    }
  }
  return { data, shape: [n, maxlen, dim] };
}

function vectorLength(v: unknown, i: number, t: number): number {
  if (v == null || typeof v !== 'object' || typeof (v as { length?: unknown }).length !== 'number') {
    throw new SequenceError(
      'INVALID_SEQUENCES',
      `Shape of sample is different from expected shape: sequences of vectors need a vector at every step; sequence ${i} has ${describe(v)} at index ${t}.`,
    );
  }
  return (v as ArrayLike<unknown>).length;
}

function padStrings(
  sequences: ArrayLike<ArrayLike<unknown>>,
  maxlenArg: number | null | undefined,
  padding: PadSide,
  truncating: PadSide,
  value: string,
): StringMatrix {
  if (sequences == null || typeof sequences !== 'object' || typeof sequences.length !== 'number') {
    throw new SequenceError(
      'INVALID_SEQUENCES',
      `sequences must be an array of string sequences; received ${describe(sequences)}.`,
    );
  }
  const n = sequences.length;
  const lengths = new Int32Array(n);
  for (let i = 0; i < n; i++) lengths[i] = sequenceLength(sequences[i], i);
  const maxlen = maxlenFor(n, lengths, maxlenArg);
  const data = new Array<string>(n * maxlen).fill(value);
  for (let i = 0; i < n; i++) {
    const len = lengths[i]!;
    if (len === 0) continue;
    const s = sequences[i]!;
    const { start, kept, at } = keptWindow(len, maxlen, truncating, padding, i);
    for (let t = 0; t < kept; t++) {
      const x = s[start + t];
      if (typeof x !== 'string') {
        throw new SequenceError(
          'INVALID_SEQUENCES',
          `sequences must hold strings with dtype 'string'; sequence ${i} has ${describe(x)} at index ${start + t}.`,
        );
      }
      data[i * maxlen + at + t] = x;
    }
  }
  return { data, shape: [n, maxlen] };
}
