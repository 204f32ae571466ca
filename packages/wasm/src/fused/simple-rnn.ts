import * as tf from '@tensorflow/tfjs-core';
import {
  checkCore,
  checkVector,
  coreGrads,
  coreInputs,
  type FusedRecurrentOptions,
  outputOf,
  paddedKernels,
  placeBackward,
  placeForward,
  runOptions,
  saveForBackward,
  valuesOf,
  withCustomGrad,
} from './_common.js';
import { fusedExports } from './_module.js';

/** Options of {@link fusedSimpleRnn}. */
export interface FusedSimpleRnnOptions extends FusedRecurrentOptions {}

/**
 * A whole SimpleRNN layer (tanh activation) in one WebAssembly SIMD call, forward and backward through time:
 * `h_t = tanh(x_t · kernel + bias + h_{t-1} · recurrentKernel)` from `h_0 = 0`. Port of
 * keras/src/layers/rnn/simple_rnn.py `SimpleRNNCell.call`, with the Keras/tfjs weight layout. Differentiable with
 * respect to `x`, `kernel`, `recurrentKernel` and `bias` (a `tf.customGrad`). Input dropout: `inputMask`; an
 * Embedding layer before it: `embeddings`, with int32 ids as `x`.
 *
 * `x` may also be int32 ids `[batch, time]`, read as their one-hot rows (`tf.oneHot(ids, kernel.shape[0])`, an id
 * outside `[0, depth)` an all-zero row) without building them: the input product is then a row of `kernel` and its
 * gradient a row update, with the same float results as on the one-hot tensor. The ids get no gradient.
 *
 * @param x - `[batch, time, features]`, float32, or int32 ids `[batch, time]`.
 * @param kernel - `[features, units]` (`[depth, units]` for ids).
 * @param recurrentKernel - `[units, units]`.
 * @param bias - `[units]`, or `null` for `useBias: false`.
 * @returns `[batch, units]` (the last output), or `[batch, time, units]` with `returnSequences`.
 *
 * @example
 * ```ts
 * const h = fusedSimpleRnn(x, kernel, recurrentKernel, bias, { returnSequences: true });
 * ```
 */
export function fusedSimpleRnn(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: FusedSimpleRnnOptions = {},
): tf.Tensor {
  const op = 'fusedSimpleRnn';
  const d = checkCore(op, x, kernel, recurrentKernel, 1, {
    oneHotIds: true,
    embeddings: options.embeddings,
  });
  const { B, T, F, U, UP } = d;
  if (bias != null) checkVector(op, 'bias', bias, [U]);
  const run = runOptions(op, options, d, x);

  const inputs = coreInputs(d, run, x, kernel, recurrentKernel, bias);
  return withCustomGrad(d, x, inputs, ([xt, kt, rt, bt]) => {
    const { W, R } = paddedKernels(kt!, rt!, d);
    const b = new Float32Array(UP);
    if (bias != null) b.set(valuesOf(bt!).subarray(0, U));
    const mod = fusedExports();
    const f = placeForward(mod, d, run, xt!, { W, R, b }, { H: B * T * UP });
    const q = f.ptr;
    mod.rnnForward(B, T, F, U, UP, q.x, q.W, q.b, q.R, q.mask, q.H, q.zeros, d.oneHot ? 1 : 0);
    const value = outputOf(f.heap, f.at.H, d, run.seq);
    const take = saveForBackward(op, f, ['x', 'H']);

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const g = placeBackward(mod, d, run, dy, take(), { W, R }, { DZ: B * T * UP, db: UP, dh: UP });
      const p = g.ptr;
      mod.rnnBackward(
        B,
        T,
        F,
        U,
        UP,
        p.x,
        p.W,
        p.R,
        p.mask,
        p.H,
        p.dY,
        run.seq ? 1 : 0,
        p.DZ,
        p.dx,
        p.dW,
        p.dR,
        p.db,
        p.dh,
        p.zeros,
        run.wantDx ? 1 : 0,
        d.oneHot ? 1 : 0,
      );
      const grads = coreGrads(g, d, run);
      if (bias != null) grads.push(tf.tensor1d(g.heap.slice(g.at.db, g.at.db + U)));
      return grads;
    };
    return { value, gradFunc };
  });
}
