import * as tf from '@tensorflow/tfjs-core';
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
 * `x`, `kernel`, `recurrentKernel`, `bias` and the peepholes (a `tf.customGrad`; gradients in that order). Input
 * dropout: `inputMask`; an Embedding layer before it: `embeddings`, with int32 ids as `x`.
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
  const d = checkCore(op, x, kernel, recurrentKernel, 4, { embeddings: options.embeddings });
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
  const run = runOptions(op, options, d, x);
  const inputs = coreInputs(d, run, x, kernel, recurrentKernel, bias);
  if (peep !== null) inputs.push(peep.i, peep.f, peep.o);

  return withCustomGrad(d, x, inputs, (ts, tape) => {
    const { W, R } = paddedKernels(ts[1]!, ts[2]!, d);
    const b = bias == null ? new Float32Array(GW) : padGates(valuesOf(ts[3]!), 1, 4, U, UP);
    let P: Float32Array | null = null;
    if (peep !== null) {
      P = new Float32Array(3 * UP);
      const first = bias == null ? 3 : 4;
      for (let q = 0; q < 3; q++) P.set(valuesOf(ts[first + q]!).subarray(0, U), q * UP);
    }
    const mod = fusedExports();
    const kernels = fusedKernels();
    const dims = { B, T, F, U, UP };
    const forwardPass = () => {
      const placed = placeForward(
        mod,
        d,
        run,
        ts[0]!,
        { W, R, b, P },
        { G: B * T * GW, C: B * T * UP, H: B * T * UP },
      );
      const q = placed.ptr;
      kernels.lstmForward({
        ...dims,
        x: q.x,
        W: q.W,
        bias: q.b,
        R: q.R,
        peep: q.P,
        mask: q.mask,
        ract,
        G: q.G,
        C: q.C,
        H: q.H,
        zeros: q.zeros,
      });
      return placed;
    };
    const f = forwardPass();
    const value = outputOf(f.heap, f.at.H, d, run.seq);
    const take = saveForBackward(op, f, ['x', 'G', 'C', 'H'], tape, forwardPass);

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const scratch = { db: GW, dP: 3 * UP, dh: UP, dc: UP, RT: GW * UP, WT: GW * F };
      const g = placeBackward(mod, d, run, dy, take(), { W, R, P }, scratch);
      const p = g.ptr;
      kernels.lstmBackward({
        ...dims,
        x: p.x,
        W: p.W,
        R: p.R,
        peep: p.P,
        mask: p.mask,
        ract,
        G: p.G,
        C: p.C,
        H: p.H,
        dY: p.dY,
        seq: run.seq,
        dx: p.dx,
        dW: p.dW,
        dR: p.dR,
        db: p.db,
        dpeep: p.dP,
        dh: p.dh,
        dc: p.dc,
        zeros: p.zeros,
        wantDx: run.wantDx,
        RT: p.RT,
        WT: p.WT,
      });
      const grads = coreGrads(g, d, run);
      const { heap: h, at } = g;
      if (bias != null) grads.push(gatesTensor(h, at.db, 1, 4, U, UP, [4 * U]));
      if (P !== null) {
        for (let q = 0; q < 3; q++) grads.push(tf.tensor1d(h.slice(at.dP + q * UP, at.dP + q * UP + U)));
      }
      return grads;
    };
    return { value, gradFunc };
  });
}
