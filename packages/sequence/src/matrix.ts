import { describe } from './_describe.js';
import { SequenceError } from './errors.js';

/**
 * A dense row-major matrix: row `i` is `data.subarray(i * shape[1], (i + 1) * shape[1])`.
 * It feeds TensorFlow.js without a copy: `tf.tensor2d(m.data, m.shape, 'int32')` (or `'float32'`) wraps
 * the same typed array.
 */
export interface SequenceMatrix<D extends Int32Array | Float32Array = Int32Array | Float32Array> {
  /** The values, row after row. */
  readonly data: D;
  /** `[rows, columns]`. */
  readonly shape: readonly [number, number];
}

/** True when `value` has the {@link SequenceMatrix} shape (`data` a typed array, a 2-element `shape`). */
export function isSequenceMatrix(value: unknown): value is SequenceMatrix {
  if (value == null || typeof value !== 'object' || ArrayBuffer.isView(value) || Array.isArray(value)) {
    return false;
  }
  const { data, shape } = value as { data?: unknown; shape?: unknown };
  return (
    (data instanceof Int32Array || data instanceof Float32Array) && Array.isArray(shape) && shape.length === 2
  );
}

/** Row `i` of a matrix, as a view on its data (no copy). */
export function matrixRow<D extends Int32Array | Float32Array>(matrix: SequenceMatrix<D>, i: number): D {
  const [rows, cols] = matrix.shape;
  if (!Number.isInteger(i) || i < 0 || i >= rows) {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `matrixRow: row index must be an integer in [0, ${rows - 1}]; received ${describe(i)}.`,
    );
  }
  return matrix.data.subarray(i * cols, (i + 1) * cols) as D;
}
