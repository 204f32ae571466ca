// Validation of the fused ops' inputs: shapes, dtypes and options, with the messages FusedRnnError carries.
import * as tf from '@tensorflow/tfjs-core';
import { FusedRnnError } from './errors.js';

/** How the op reads `x`: a float sequence, one-hot ids, or ids into an embedding table. */
export interface InputKind {
  /** Whether int32 ids `[batch, time]` may stand for their one-hot rows (SimpleRNN). */
  oneHotIds?: boolean;
  /** The embedding table, when `x` is ids into it. */
  embeddings?: tf.Tensor | null | undefined;
}

export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

export interface Dims {
  B: number;
  T: number;
  F: number;
  U: number;
  /** Units padded to a multiple of 4 (one SIMD vector). */
  UP: number;
  /** Gate blocks in the kernels (1 SimpleRNN, 3 GRU, 4 LSTM). */
  gates: number;
  /** Whether x is int32 ids [B,T] read as one-hot rows of F classes. */
  oneHot: boolean;
  /** Whether x is int32 ids [B,T] into an embedding table [V,F]. */
  embed: boolean;
  /** Rows of the embedding table (0 without one). */
  V: number;
}

export function shapeText(t: tf.Tensor | null | undefined): string {
  return t == null ? String(t) : `[${t.shape.join(', ')}]`;
}

export function fail(op: string, what: string, expected: string, got: string): never {
  throw new FusedRnnError('INVALID_SHAPE', `${op}: ${what} must be ${expected}, got ${got}.`);
}

function requireFloat32(op: string, name: string, t: tf.Tensor): void {
  if (t.dtype !== 'float32') {
    throw new FusedRnnError(
      'UNSUPPORTED_DTYPE',
      `${op}: ${name} must be a float32 tensor, got ${t.dtype} of shape ${shapeText(t)}.`,
    );
  }
}

function checkIds(op: string, x: tf.Tensor, what: string): void {
  if (!(x instanceof tf.Tensor) || x.dtype !== 'int32' || x.rank !== 2) {
    fail(op, 'x', what, x instanceof tf.Tensor ? `${x.dtype} ${shapeText(x)}` : String(x));
  }
}

/**
 * Checks x [b,t,f] (or int32 ids [b,t]: one-hot rows of f = kernel rows with `oneHotIds`, rows of the embedding
 * table [v,f] with `embeddings`), kernel [f, gates·u], recurrentKernel [u, gates·u]; returns the dimensions.
 */
export function checkCore(
  op: string,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  gates: number,
  input: InputKind = {},
): Dims {
  const table = input.embeddings ?? null;
  const embed = table !== null;
  if (embed) {
    checkIds(op, x, 'int32 ids [batch, time] when embeddings are given');
    if (!(table instanceof tf.Tensor) || table.rank !== 2 || table.shape[0] === 0) {
      fail(
        op,
        'embeddings',
        'a rank-2 tensor [vocabulary, features]',
        table instanceof tf.Tensor ? shapeText(table) : String(table),
      );
    }
  }
  const oneHot =
    !embed && input.oneHotIds === true && x instanceof tf.Tensor && x.dtype === 'int32' && x.rank === 2;
  if (!embed && (!(x instanceof tf.Tensor) || (x.rank !== 3 && !oneHot))) {
    fail(
      op,
      'x',
      input.oneHotIds === true
        ? 'a rank-3 tensor [batch, time, features] or int32 ids [batch, time]'
        : 'a rank-3 tensor [batch, time, features]',
      x instanceof tf.Tensor
        ? input.oneHotIds === true
          ? `${x.dtype} ${shapeText(x)}`
          : shapeText(x)
        : String(x),
    );
  }
  const [B, T] = x.shape as [number, number];
  if (T === 0) fail(op, 'x', 'a tensor with at least one time step', shapeText(x));
  if (!(recurrentKernel instanceof tf.Tensor) || recurrentKernel.rank !== 2) {
    fail(op, 'recurrentKernel', `a rank-2 tensor [units, ${gates} * units]`, shapeText(recurrentKernel));
  }
  const U = recurrentKernel.shape[0]!;
  if (U === 0 || recurrentKernel.shape[1] !== gates * U) {
    fail(op, 'recurrentKernel', `[units, ${gates} * units] with units > 0`, shapeText(recurrentKernel));
  }
  const F = embed
    ? table.shape[1]
    : oneHot
      ? kernel instanceof tf.Tensor
        ? kernel.shape[0]
        : undefined
      : x.shape[2];
  if (
    !(kernel instanceof tf.Tensor) ||
    kernel.rank !== 2 ||
    kernel.shape[0] !== F ||
    kernel.shape[1] !== gates * U
  ) {
    const rows = embed
      ? 'features of the embeddings'
      : oneHot
        ? 'classes (one-hot depth of the ids)'
        : 'features of x';
    fail(
      op,
      'kernel',
      `[${oneHot ? 'depth' : F}, ${gates * U}] (${rows}, ${gates} * units)`,
      shapeText(kernel),
    );
  }
  const named: [string, tf.Tensor][] = [
    ['kernel', kernel],
    ['recurrentKernel', recurrentKernel],
  ];
  if (embed) named.unshift(['embeddings', table]);
  else if (!oneHot) named.unshift(['x', x]);
  for (const [name, t] of named) requireFloat32(op, name, t);
  return { B, T, F: F!, U, UP: Math.ceil(U / 4) * 4, gates, oneHot, embed, V: embed ? table.shape[0]! : 0 };
}

export function checkVector(op: string, name: string, t: tf.Tensor, shape: number[]): void {
  if (
    !(t instanceof tf.Tensor) ||
    t.shape.length !== shape.length ||
    t.shape.some((d, i) => d !== shape[i])
  ) {
    fail(op, name, `[${shape.join(', ')}]`, t instanceof tf.Tensor ? shapeText(t) : String(t));
  }
  requireFloat32(op, name, t);
}

export function checkActivation(op: string, value: unknown): 0 | 1 {
  if (value === undefined || value === 'sigmoid') return 0;
  if (value === 'hardSigmoid') return 1;
  throw new FusedRnnError(
    'INVALID_OPTION',
    `${op}: recurrentActivation must be 'sigmoid' or 'hardSigmoid', got ${JSON.stringify(value)}.`,
  );
}
