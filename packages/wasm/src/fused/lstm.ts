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

/** Peephole weights of a peephole LSTM (Keras `PeepholeLSTMCell`), each `[units]`. */
export interface LstmPeepholes {
  /** Input-gate weights on c_{t-1}. */
  i: tf.Tensor;
  /** Forget-gate weights on c_{t-1}. */
  f: tf.Tensor;
  /** Output-gate weights on c_t. */
  o: tf.Tensor;
}

/** Options of {@link fusedLstm}. */
export interface FusedLstmOptions extends FusedRecurrentOptions {
  /**
   * Activation of the i, f, o gates: Keras' `sigmoid`, or tfjs-layers' default `hardSigmoid`
   * (`clip(0.2 x + 0.5, 0, 1)`, Keras 2's definition).
   * @default 'sigmoid'
   */
  recurrentActivation?: RecurrentActivation;
  /**
   * Peephole weights (Keras `PeepholeLSTMCell`): `i = σ(x_i + h W_i + c_{t-1} ⊙ p_i + b_i)`, `f` likewise with
   * `p_f`, `o = σ(x_o + h W_o + c_t ⊙ p_o + b_o)`.
   * @default null
   */
  peepholes?: LstmPeepholes | null;
}

/**
 * A whole LSTM layer in one WebAssembly SIMD call, forward and backward through time, from zero states. Keras gate
 * order i, f, c, o: `c_t = f ⊙ c_{t-1} + i ⊙ tanh(z_c)`, `h_t = o ⊙ tanh(c_t)`. Port of keras/src/layers/rnn/lstm.py
 * `LSTMCell.call` (and of `PeepholeLSTMCell`), with the Keras/tfjs weight layout. Differentiable with respect to
 * `x`, `kernel`, `recurrentKernel`, `bias` and the peepholes (a `tf.customGrad`; gradients in that order). For input
 * dropout, multiply `x` by the dropout mask before calling.
 *
 * @param x - `[batch, time, features]`, float32.
 * @param kernel - `[features, 4 * units]`.
 * @param recurrentKernel - `[units, 4 * units]`.
 * @param bias - `[4 * units]`, or `null` for `useBias: false`.
 * @returns `[batch, units]` (the last output), or `[batch, time, units]` with `returnSequences`.
 *
 * @example
 * ```ts
 * const h = fusedLstm(x, kernel, recurrentKernel, bias, { recurrentActivation: 'sigmoid' });
 * ```
 */
export function fusedLstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: FusedLstmOptions = {},
): tf.Tensor {
  const op = 'fusedLstm';
  const d = checkCore(op, x, kernel, recurrentKernel, 4);
  const { B, T, F, U, UP } = d;
  const GW = 4 * UP;
  if (bias != null) checkVector(op, 'bias', bias, [4 * U]);
  const peep = options.peepholes ?? null;
  if (peep !== null) {
    checkVector(op, 'peepholes.i', peep.i, [U]);
    checkVector(op, 'peepholes.f', peep.f, [U]);
    checkVector(op, 'peepholes.o', peep.o, [U]);
  }
  const ract = checkActivation(op, options.recurrentActivation);
  const seq = options.returnSequences ?? false;
  const reverse = options.goBackwards ?? false;
  const wantDx = options.inputGradient ?? true;
  const mask = readMask(op, options.mask, d, reverse);
  const inputs = [x, kernel, recurrentKernel];
  if (bias != null) inputs.push(bias);
  if (peep !== null) inputs.push(peep.i, peep.f, peep.o);

  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const ts = args as tf.Tensor[];
    const W = padGates(valuesOf(ts[1]!), F, 4, U, UP);
    const R = padGates(valuesOf(ts[2]!), U, 4, U, UP);
    const b = bias == null ? new Float32Array(GW) : padGates(valuesOf(ts[3]!), 1, 4, U, UP);
    let P: Float32Array | null = null;
    if (peep !== null) {
      P = new Float32Array(3 * UP);
      const first = bias == null ? 3 : 4;
      for (let q = 0; q < 3; q++) P.set(valuesOf(ts[first + q]!).subarray(0, U), q * UP);
    }
    const mod = fusedExports();
    const { heap, at } = place(mod, {
      x: B * T * F,
      W: F * GW,
      R: U * GW,
      b: GW,
      P: P === null ? 0 : 3 * UP,
      mask: mask === null ? 0 : B * T,
      G: B * T * GW,
      C: B * T * UP,
      H: B * T * UP,
      zeros: UP,
    });
    writeInput(heap, at.x, valuesOf(ts[0]!), d, reverse);
    heap.set(W, at.W);
    heap.set(R, at.R);
    heap.set(b, at.b);
    if (P !== null) heap.set(P, at.P);
    if (mask !== null) heap.set(mask, at.mask);
    const peepPtr = P === null ? 0 : at.P * 4;
    const maskPtr = mask === null ? 0 : at.mask * 4;
    mod.lstmForward(
      B,
      T,
      F,
      U,
      UP,
      at.x * 4,
      at.W * 4,
      at.b * 4,
      at.R * 4,
      peepPtr,
      maskPtr,
      ract,
      at.G * 4,
      at.C * 4,
      at.H * 4,
      at.zeros * 4,
    );
    const value = outputOf(heap, at.H, d, seq);
    const saved = recording()
      ? {
          x: keep(heap, at.x, B * T * F),
          G: keep(heap, at.G, B * T * GW),
          C: keep(heap, at.C, B * T * UP),
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
        P: P === null ? 0 : 3 * UP,
        mask: mask === null ? 0 : B * T,
        G: B * T * GW,
        C: B * T * UP,
        H: B * T * UP,
        dY: (seq ? B * T : B) * UP,
        dx: wantDx ? B * T * F : 0,
        dW: F * GW,
        dR: U * GW,
        db: GW,
        dP: 3 * UP,
        dh: UP,
        dc: UP,
        zeros: UP,
      });
      h.set(saved.x, p.x);
      h.set(W, p.W);
      h.set(R, p.R);
      if (P !== null) h.set(P, p.P);
      if (mask !== null) h.set(mask, p.mask);
      h.set(saved.G, p.G);
      h.set(saved.C, p.C);
      h.set(saved.H, p.H);
      writeOutputGrad(h, p.dY, dy, d, seq);
      release(...Object.values(saved));
      mod.lstmBackward(
        B,
        T,
        F,
        U,
        UP,
        p.x * 4,
        p.W * 4,
        p.R * 4,
        P === null ? 0 : p.P * 4,
        mask === null ? 0 : p.mask * 4,
        ract,
        p.G * 4,
        p.C * 4,
        p.H * 4,
        p.dY * 4,
        seq ? 1 : 0,
        p.dx * 4,
        p.dW * 4,
        p.dR * 4,
        p.db * 4,
        p.dP * 4,
        p.dh * 4,
        p.dc * 4,
        p.zeros * 4,
        wantDx ? 1 : 0,
      );
      const grads = [
        inputGradOf(h, p.dx, d, reverse, wantDx),
        tf.tensor2d(unpadGates(h, p.dW, F, 4, U, UP), [F, 4 * U]),
        tf.tensor2d(unpadGates(h, p.dR, U, 4, U, UP), [U, 4 * U]),
      ];
      if (bias != null) grads.push(tf.tensor1d(unpadGates(h, p.db, 1, 4, U, UP)));
      if (P !== null) {
        for (let q = 0; q < 3; q++) grads.push(tf.tensor1d(h.slice(p.dP + q * UP, p.dP + q * UP + U)));
      }
      return grads;
    };
    return { value, gradFunc };
  });
  return run(...inputs);
}
