import type * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import {
  checkActivation,
  checkCore,
  checkVector,
  coreGrads,
  coreInputs,
  type FusedRecurrentOptions,
  outputOf,
  paddedKernels,
  padGates,
  placeBackward,
  placeForward,
  type RecurrentActivation,
  runOptions,
  saveForBackward,
  valuesOf,
  withCustomGrad,
} from './_common.js';
import { gatesTensor } from './_layout.js';
import { fusedExports } from './_module.js';

/** Options of {@link fusedGru}. */
export interface FusedGruOptions extends FusedRecurrentOptions {
  /**
   * Activation of the z and r gates: Keras' `sigmoid`, or tfjs-layers' default `hardSigmoid`
   * (`clip(0.2 x + 0.5, 0, 1)`, Keras 2's definition).
   * @default 'sigmoid'
   */
  recurrentActivation?: RecurrentActivation;
  /**
   * Keras `reset_after`: apply the reset gate after the recurrent product, `h̃ = tanh(x_h + r ⊙ (h W_h + b_rh))`,
   * with a `[2, 3 * units]` bias (input bias, recurrent bias); Keras 3's default. `false` is
   * `h̃ = tanh(x_h + (r ⊙ h) W_h)` with a `[3 * units]` bias, the only variant tfjs-layers' GRU has.
   * @default true
   */
  resetAfter?: boolean;
}

/**
 * A whole GRU layer in one WebAssembly SIMD call, forward and backward through time, from a zero state. Keras gate
 * order z, r, h: `h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃`. Port of keras/src/layers/rnn/gru.py `GRUCell.call`, with the
 * Keras/tfjs weight layout. Differentiable with respect to `x`, `kernel`, `recurrentKernel` and `bias` (a
 * `tf.customGrad`). Input dropout: `inputMask`; an Embedding layer before it: `embeddings`, with int32 ids as `x`.
 *
 * @param x - `[batch, time, features]`, float32.
 * @param kernel - `[features, 3 * units]`.
 * @param recurrentKernel - `[units, 3 * units]`.
 * @param bias - `[2, 3 * units]` with `resetAfter`, else `[3 * units]`; or `null` for `useBias: false`.
 * @returns `[batch, units]` (the last output), or `[batch, time, units]` with `returnSequences`.
 *
 * @example
 * ```ts
 * const h = fusedGru(x, kernel, recurrentKernel, bias, { resetAfter: true });
 * ```
 */
export function fusedGru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: FusedGruOptions = {},
): tf.Tensor {
  const op = 'fusedGru';
  const d = checkCore(op, x, kernel, recurrentKernel, 3, { embeddings: options.embeddings });
  const { B, T, F, U, UP } = d;
  const GW = 3 * UP;
  const resetAfter = options.resetAfter ?? true;
  if (bias != null) checkVector(op, 'bias', bias, resetAfter ? [2, 3 * U] : [3 * U]);
  const ract = checkActivation(op, options.recurrentActivation);
  const run = runOptions(op, options, d, x);

  const inputs = coreInputs(d, run, x, kernel, recurrentKernel, bias);
  return withCustomGrad(d, x, inputs, ([xt, kt, rt, bt], tape) => {
    const { W, R } = paddedKernels(kt!, rt!, d);
    const b = new Float32Array(2 * GW);
    if (bias != null) b.set(padGates(valuesOf(bt!), resetAfter ? 2 : 1, 3, U, UP));
    const mod = fusedExports();
    const kernels = fusedKernels();
    const dims = { B, T, F, U, UP };
    const forwardPass = () => {
      const placed = placeForward(
        mod,
        d,
        run,
        xt!,
        { W, R, b },
        { G: B * T * GW, A: B * T * UP, H: B * T * UP, inner: GW },
      );
      const q = placed.ptr;
      kernels.gruForward({
        ...dims,
        x: q.x,
        W: q.W,
        bias: q.b,
        rbias: q.b + GW * 4,
        R: q.R,
        mask: q.mask,
        ract,
        resetAfter,
        G: q.G,
        A: q.A,
        H: q.H,
        zeros: q.zeros,
        inner: q.inner,
      });
      return placed;
    };
    const f = forwardPass();
    const value = outputOf(f.heap, f.at.H, d, run.seq);
    const take = saveForBackward(op, f, ['x', 'G', 'A', 'H'], tape, forwardPass);

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const scratch = { db: 2 * GW, dh: UP, dhn: UP, di: GW, RT: GW * UP, WT: GW * F };
      const g = placeBackward(mod, d, run, dy, take(), { W, R }, scratch);
      const p = g.ptr;
      kernels.gruBackward({
        ...dims,
        x: p.x,
        W: p.W,
        R: p.R,
        mask: p.mask,
        ract,
        resetAfter,
        G: p.G,
        A: p.A,
        H: p.H,
        dY: p.dY,
        seq: run.seq,
        dx: p.dx,
        dW: p.dW,
        dR: p.dR,
        db: p.db,
        drb: p.db + GW * 4,
        dh: p.dh,
        dhn: p.dhn,
        di: p.di,
        zeros: p.zeros,
        wantDx: run.wantDx,
        RT: p.RT,
        WT: p.WT,
      });
      const grads = coreGrads(g, d, run);
      if (bias != null) {
        grads.push(
          resetAfter
            ? gatesTensor(g.heap, g.at.db, 2, 3, U, UP, [2, 3 * U])
            : gatesTensor(g.heap, g.at.db, 1, 3, U, UP, [3 * U]),
        );
      }
      return grads;
    };
    return { value, gradFunc };
  });
}
