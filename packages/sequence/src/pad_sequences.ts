// Port of keras/src/utils/sequence_utils.py pad_sequences (Keras 3).
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
 * silently). Sequences of vectors (Keras' `sample_shape`) are not supported: elements must be numbers.
 *
 * @example
 * ```ts
 * padSequences([[1, 2, 3], [4]], { maxlen: 2 }); // { data: Int32Array [2, 3, 0, 4], shape: [2, 2] }
 * ```
 */
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
  sequences: ArrayLike<ArrayLike<number>>,
  args: PadSequencesArgs = {},
): SequenceMatrix<Int32Array> | SequenceMatrix<Float32Array> {
  const { maxlen: maxlenArg, dtype = 'int32', value = 0 } = args;
  const padding = checkSide('padding', args.padding ?? 'pre');
  const truncating = checkSide('truncating', args.truncating ?? 'pre');
  if (dtype !== 'int32' && dtype !== 'float32') {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `dtype must be one of 'int32', 'float32'; received ${describe(dtype)}.`,
    );
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
        ? copyInt32(data as Int32Array, s, start, kept, offset)
        : copyFloat32(data as Float32Array, s, start, kept, offset);
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
