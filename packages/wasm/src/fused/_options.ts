// The fused ops' options resolved to what the kernels read: flags, the mask and the ids in processing order.
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend } from '../kernels/_backend.js';
import { checkVector, type Dims, fail, shapeText } from './_validate.js';
import { FusedRnnError } from './errors.js';

/** Options shared by every fused recurrent op. */
export interface FusedRecurrentOptions {
  /**
   * Return the whole output sequence `[batch, time, units]` instead of the last output `[batch, units]`
   * (Keras `return_sequences`). With `goBackwards` the sequence is in processing order, as in Keras.
   * @default false
   */
  returnSequences?: boolean;
  /**
   * A `[batch, time]` mask (bool or numeric; nonzero keeps the step), as Keras' `Masking`/`mask_zero` produce.
   * A masked step carries the previous state and output forward (Keras' `rnn` with masking); its gates and
   * gradients are skipped. Not differentiated.
   * @default null
   */
  mask?: tf.Tensor | null;
  /**
   * Process the sequence from the last step to the first (Keras `go_backwards`).
   * @default false
   */
  goBackwards?: boolean;
  /**
   * Compute the gradient with respect to `x`. Pass `false` when `x` is data (one-hot words, say) so backward skips
   * the `dz · kernelᵀ` product; the returned gradient for `x` is then zeros.
   * @default true
   */
  inputGradient?: boolean;
  /**
   * A `[batch, features]` multiplier of `x` at every step: Keras' per-sequence input dropout mask (an RNN layer's
   * `dropout`), applied inside the op instead of by a `tf.mul` on the whole sequence. Not differentiated.
   * @default null
   */
  inputMask?: tf.Tensor | null;
  /**
   * An embedding table `[vocabulary, features]` (Keras' `Embedding`): `x` is then int32 ids `[batch, time]` and the
   * op reads `embeddings[x]` itself, with no `[batch, time, features]` tensor in between. The gradient that would
   * go to `x` goes to the table instead (the Embedding layer's gradient).
   * @default null
   */
  embeddings?: tf.Tensor | null;
}

/** The options every fused op reads, resolved to their defaults. */
export interface RunOptions {
  seq: boolean;
  reverse: boolean;
  wantDx: boolean;
  /** Float32 [B,T] in processing order, or null. */
  mask: Float32Array | null;
  /** The ids [B,T] in processing order (one-hot or embedding input), or null. */
  ids: Int32Array | null;
  /** The input dropout mask [B,F], or null. */
  inputMask: Float32Array | null;
  /** The embedding table, or null. */
  embeddings: tf.Tensor | null;
}

/** The mask as float32 [B,T] in processing order (1 keeps, 0 masks), or null. */
export function readMask(
  op: string,
  mask: tf.Tensor | null | undefined,
  d: Dims,
  reverse: boolean,
): Float32Array | null {
  if (mask == null) return null;
  if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== d.B || mask.shape[1] !== d.T) {
    fail(
      op,
      'mask',
      `[${d.B}, ${d.T}] (batch, time of x)`,
      mask instanceof tf.Tensor ? shapeText(mask) : String(mask),
    );
  }
  const values = mask.dataSync();
  const out = new Float32Array(d.B * d.T);
  for (let b = 0; b < d.B; b++) {
    for (let t = 0; t < d.T; t++) {
      out[b * d.T + t] = values[b * d.T + (reverse ? d.T - 1 - t : t)] !== 0 ? 1 : 0;
    }
  }
  return out;
}

/** The ids in processing order; with a table of `V` rows, each must be in [0, V) (as `tf.gather` demands). */
function readIds(op: string, x: tf.Tensor, d: Dims, reverse: boolean): Int32Array {
  const { B, T } = d;
  // int32 (checked): on wasm a view of the backend's memory, copied out here before anything allocates.
  const values =
    tf.getBackend() === 'wasm'
      ? (asWasmBackend(tf.backend()).typedArrayFromHeap(x) as Int32Array)
      : (x.dataSync() as Int32Array);
  let out: Int32Array;
  if (reverse) {
    out = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) out[b * T + t] = values[b * T + (T - 1 - t)]!;
    }
  } else out = values.slice(0, B * T);
  if (d.embed) {
    for (let i = 0; i < B * T; i++) {
      const id = out[i]!;
      if (!(id >= 0 && id < d.V)) {
        throw new FusedRnnError(
          'INVALID_ARGUMENT',
          `${op}: ids must be in [0, ${d.V}) (rows of the embeddings), got ${id}.`,
        );
      }
    }
  }
  return out;
}

export function runOptions(op: string, options: FusedRecurrentOptions, d: Dims, x: tf.Tensor): RunOptions {
  const reverse = options.goBackwards ?? false;
  let inputMask: Float32Array | null = null;
  if (options.inputMask != null) {
    checkVector(op, 'inputMask', options.inputMask, [d.B, d.F]);
    // float32 (checked), and only read: no copy of dataSync's array.
    inputMask = options.inputMask.dataSync() as Float32Array;
  }
  return {
    seq: options.returnSequences ?? false,
    reverse,
    // One-hot ids are data: no gradient flows back to them. Embedded ids need dx for the table's gradient.
    wantDx: d.embed || (!d.oneHot && (options.inputGradient ?? true)),
    mask: readMask(op, options.mask, d, reverse),
    ids: d.oneHot || d.embed ? readIds(op, x, d, reverse) : null,
    inputMask,
    embeddings: d.embed ? (options.embeddings ?? null) : null,
  };
}
