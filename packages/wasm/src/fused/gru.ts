import * as tf from '@tensorflow/tfjs-core';
import {
  checkActivation,
  checkCore,
  checkVector,
  type FusedRecurrentOptions,
  inputGradOf,
  outputOf,
  padGates,
  type RecurrentActivation,
  readMask,
  recording,
  unpadGates,
  valuesOf,
  writeInput,
  writeOutputGrad,
} from './_common.js';
import { fusedExports, keep, place, release } from './_module.js';
import { FusedRnnError } from './errors.js';

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
 * `tf.customGrad`). For input dropout, multiply `x` by the dropout mask before calling.
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
  const d = checkCore(op, x, kernel, recurrentKernel, 3);
  const { B, T, F, U, UP } = d;
  const GW = 3 * UP;
  const resetAfter = options.resetAfter ?? true;
  if (bias != null) checkVector(op, 'bias', bias, resetAfter ? [2, 3 * U] : [3 * U]);
  const ract = checkActivation(op, options.recurrentActivation);
  const seq = options.returnSequences ?? false;
  const reverse = options.goBackwards ?? false;
  const wantDx = options.inputGradient ?? true;
  const mask = readMask(op, options.mask, d, reverse);
  const inputs = bias == null ? [x, kernel, recurrentKernel] : [x, kernel, recurrentKernel, bias];

  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, kt, rt, bt] = args as tf.Tensor[];
    const W = padGates(valuesOf(kt!), F, 3, U, UP);
    const R = padGates(valuesOf(rt!), U, 3, U, UP);
    const b = new Float32Array(2 * GW);
    if (bias != null) b.set(padGates(valuesOf(bt!), resetAfter ? 2 : 1, 3, U, UP));
    const mod = fusedExports();
    const { heap, at } = place(mod, {
      x: B * T * F,
      W: F * GW,
      R: U * GW,
      b: 2 * GW,
      mask: mask === null ? 0 : B * T,
      G: B * T * GW,
      A: B * T * UP,
      H: B * T * UP,
      zeros: UP,
      inner: GW,
    });
    writeInput(heap, at.x, valuesOf(xt!), d, reverse);
    heap.set(W, at.W);
    heap.set(R, at.R);
    heap.set(b, at.b);
    if (mask !== null) heap.set(mask, at.mask);
    const maskPtr = mask === null ? 0 : at.mask * 4;
    mod.gruForward(
      B,
      T,
      F,
      U,
      UP,
      at.x * 4,
      at.W * 4,
      at.b * 4,
      (at.b + GW) * 4,
      at.R * 4,
      maskPtr,
      ract,
      resetAfter ? 1 : 0,
      at.G * 4,
      at.A * 4,
      at.H * 4,
      at.zeros * 4,
      at.inner * 4,
    );
    const value = outputOf(heap, at.H, d, seq);
    const saved = recording()
      ? {
          x: keep(heap, at.x, B * T * F),
          G: keep(heap, at.G, B * T * GW),
          A: keep(heap, at.A, B * T * UP),
          H: keep(heap, at.H, B * T * UP),
        }
      : null;
    let done = false;

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      if (saved === null || done) {
        throw new FusedRnnError(
          'INVALID_OPTION',
          `${op}: expected one backward pass per recorded forward, got ${saved === null ? 'a forward no tape recorded' : 'a second one'}.`,
        );
      }
      done = true;
      const { heap: h, at: p } = place(mod, {
        x: B * T * F,
        W: F * GW,
        R: U * GW,
        mask: mask === null ? 0 : B * T,
        G: B * T * GW,
        A: B * T * UP,
        H: B * T * UP,
        dY: (seq ? B * T : B) * UP,
        dx: wantDx ? B * T * F : 0,
        dW: F * GW,
        dR: U * GW,
        db: 2 * GW,
        dh: UP,
        dhn: UP,
        di: GW,
        zeros: UP,
      });
      h.set(saved.x, p.x);
      h.set(W, p.W);
      h.set(R, p.R);
      if (mask !== null) h.set(mask, p.mask);
      h.set(saved.G, p.G);
      h.set(saved.A, p.A);
      h.set(saved.H, p.H);
      writeOutputGrad(h, p.dY, dy, d, seq);
      release(...Object.values(saved));
      mod.gruBackward(
        B,
        T,
        F,
        U,
        UP,
        p.x * 4,
        p.W * 4,
        p.R * 4,
        mask === null ? 0 : p.mask * 4,
        ract,
        resetAfter ? 1 : 0,
        p.G * 4,
        p.A * 4,
        p.H * 4,
        p.dY * 4,
        seq ? 1 : 0,
        p.dx * 4,
        p.dW * 4,
        p.dR * 4,
        p.db * 4,
        (p.db + GW) * 4,
        p.dh * 4,
        p.dhn * 4,
        p.di * 4,
        p.zeros * 4,
        wantDx ? 1 : 0,
      );
      const grads = [
        inputGradOf(h, p.dx, d, reverse, wantDx),
        tf.tensor2d(unpadGates(h, p.dW, F, 3, U, UP), [F, 3 * U]),
        tf.tensor2d(unpadGates(h, p.dR, U, 3, U, UP), [U, 3 * U]),
      ];
      if (bias != null) {
        grads.push(
          resetAfter
            ? tf.tensor2d(unpadGates(h, p.db, 2, 3, U, UP), [2, 3 * U])
            : tf.tensor1d(unpadGates(h, p.db, 1, 3, U, UP)),
        );
      }
      return grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
