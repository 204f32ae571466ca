import * as tf from '@tensorflow/tfjs-core';
import {
  checkCore,
  checkVector,
  type FusedRecurrentOptions,
  inputGradOf,
  outputOf,
  padGates,
  readMask,
  recording,
  unpadGates,
  valuesOf,
  writeInput,
  writeOutputGrad,
} from './_common.js';
import { fusedExports, keep, place, release } from './_module.js';
import { FusedRnnError } from './errors.js';

/** Options of {@link fusedSimpleRnn}. */
export interface FusedSimpleRnnOptions extends FusedRecurrentOptions {}

/**
 * A whole SimpleRNN layer (tanh activation) in one WebAssembly SIMD call, forward and backward through time:
 * `h_t = tanh(x_t · kernel + bias + h_{t-1} · recurrentKernel)` from `h_0 = 0`. Port of
 * keras/src/layers/rnn/simple_rnn.py `SimpleRNNCell.call`, with the Keras/tfjs weight layout. Differentiable with
 * respect to `x`, `kernel`, `recurrentKernel` and `bias` (a `tf.customGrad`). For input dropout, multiply `x` by the
 * dropout mask before calling.
 *
 * @param x - `[batch, time, features]`, float32.
 * @param kernel - `[features, units]`.
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
  const d = checkCore(op, x, kernel, recurrentKernel, 1);
  const { B, T, F, U, UP } = d;
  if (bias != null) checkVector(op, 'bias', bias, [U]);
  const seq = options.returnSequences ?? false;
  const reverse = options.goBackwards ?? false;
  const wantDx = options.inputGradient ?? true;
  const mask = readMask(op, options.mask, d, reverse);
  const inputs = bias == null ? [x, kernel, recurrentKernel] : [x, kernel, recurrentKernel, bias];

  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, kt, rt, bt] = args as tf.Tensor[];
    const W = padGates(valuesOf(kt!), F, 1, U, UP);
    const R = padGates(valuesOf(rt!), U, 1, U, UP);
    const b = new Float32Array(UP);
    if (bias != null) b.set(valuesOf(bt!).subarray(0, U));
    const mod = fusedExports();
    const { heap, at } = place(mod, {
      x: B * T * F,
      W: F * UP,
      R: U * UP,
      b: UP,
      mask: mask === null ? 0 : B * T,
      H: B * T * UP,
      zeros: UP,
    });
    writeInput(heap, at.x, valuesOf(xt!), d, reverse);
    heap.set(W, at.W);
    heap.set(R, at.R);
    heap.set(b, at.b);
    if (mask !== null) heap.set(mask, at.mask);
    const maskPtr = mask === null ? 0 : at.mask * 4;
    mod.rnnForward(B, T, F, U, UP, at.x * 4, at.W * 4, at.b * 4, at.R * 4, maskPtr, at.H * 4, at.zeros * 4);
    const value = outputOf(heap, at.H, d, seq);
    const saved = recording() ? { x: keep(heap, at.x, B * T * F), H: keep(heap, at.H, B * T * UP) } : null;
    let done = false;

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      if (saved === null || done) {
        throw new FusedRnnError(
          'INVALID_OPTION',
          `${op}: expected one backward pass per recorded forward, got ${saved === null ? 'a forward no tape recorded' : 'a second one'}.`,
        );
      }
      done = true;
      const g = place(mod, {
        x: B * T * F,
        W: F * UP,
        R: U * UP,
        mask: mask === null ? 0 : B * T,
        H: B * T * UP,
        dY: (seq ? B * T : B) * UP,
        DZ: B * T * UP,
        dx: wantDx ? B * T * F : 0,
        dW: F * UP,
        dR: U * UP,
        db: UP,
        dh: UP,
        zeros: UP,
      });
      const h = g.heap;
      const p = g.at;
      h.set(saved.x, p.x);
      h.set(W, p.W);
      h.set(R, p.R);
      if (mask !== null) h.set(mask, p.mask);
      h.set(saved.H, p.H);
      writeOutputGrad(h, p.dY, dy, d, seq);
      release(...Object.values(saved));
      mod.rnnBackward(
        B,
        T,
        F,
        U,
        UP,
        p.x * 4,
        p.W * 4,
        p.R * 4,
        mask === null ? 0 : p.mask * 4,
        p.H * 4,
        p.dY * 4,
        seq ? 1 : 0,
        p.DZ * 4,
        p.dx * 4,
        p.dW * 4,
        p.dR * 4,
        p.db * 4,
        p.dh * 4,
        p.zeros * 4,
        wantDx ? 1 : 0,
      );
      const grads = [
        inputGradOf(h, p.dx, d, reverse, wantDx),
        tf.tensor2d(unpadGates(h, p.dW, F, 1, U, UP), [F, U]),
        tf.tensor2d(unpadGates(h, p.dR, U, 1, U, UP), [U, U]),
      ];
      if (bias != null) grads.push(tf.tensor1d(h.slice(p.db, p.db + U)));
      return grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
