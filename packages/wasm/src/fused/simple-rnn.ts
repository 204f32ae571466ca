import type * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import {
  checkCore,
  checkVector,
  coreGrads,
  coreInputs,
  type FusedRecurrentOptions,
  outputOf,
  paddedKernels,
  placeAll,
  placeBackward,
  placeForward,
  runOptions,
  saveForBackward,
  valuesOf,
  withCustomGrad,
} from './_common.js';
import { gatesTensor, tensorFromHeap } from './_layout.js';
import { arenaOf, fusedExports } from './_module.js';

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
  return withCustomGrad(d, x, inputs, ([xt, kt, rt, bt], tape) => {
    const { W, R } = paddedKernels(kt!, rt!, d);
    const b = new Float32Array(UP);
    if (bias != null) b.set(valuesOf(bt!).subarray(0, U));
    const mod = fusedExports();
    const kernels = fusedKernels();
    // An embedding without input dropout: every step's x·W + b is a row of the table P = E·W + b, so the kernel
    // reads P by id (its one-hot mode) and never builds x; dE and dW come from P's gradient afterwards.
    const table = d.embed && run.inputMask === null;
    let E: Float32Array | null = null;
    let kernelRows = W;
    let kernelBias = b;
    if (table) {
      E = valuesOf(xt!).slice(0, d.V * F);
      const t = placeAll(mod, { E, W, b }, { P: d.V * UP });
      kernels.tableProject({ E: t.ptr.E, W: t.ptr.W, bias: t.ptr.b, P: t.ptr.P, V: d.V, F, N: UP });
      kernelRows = t.heap.slice(t.at.P, t.at.P + d.V * UP);
      arenaOf(mod).releaseLater(t.block);
      kernelBias = new Float32Array(UP);
    }
    const k = table ? { ...d, F: d.V, oneHot: true, embed: false, V: 0 } : d;
    const kRun = table ? { ...run, wantDx: false } : run;
    const forwardPass = () => {
      const placed = placeForward(mod, k, kRun, xt!, { W: kernelRows, R, b: kernelBias }, { H: B * T * UP });
      const q = placed.ptr;
      kernels.rnnForward({
        B,
        T,
        F: k.F,
        U,
        UP,
        x: q.x,
        W: q.W,
        bias: q.b,
        R: q.R,
        mask: q.mask,
        H: q.H,
        zeros: q.zeros,
        ids: k.oneHot,
      });
      return placed;
    };
    const f = forwardPass();
    const value = outputOf(f.heap, f.at.H, d, run.seq);
    const take = saveForBackward(op, f, ['x', 'H'], tape, forwardPass);

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const g = placeBackward(
        mod,
        k,
        kRun,
        dy,
        take(),
        { W: kernelRows, R, E, Wt: table ? W : null },
        {
          DZ: B * T * UP,
          db: UP,
          dh: UP,
          dEt: table ? d.V * F : 0,
          dWt: table ? F * UP : 0,
          RT: UP * UP,
          WT: kRun.wantDx ? UP * k.F : 0,
        },
      );
      const p = g.ptr;
      kernels.rnnBackward({
        B,
        T,
        F: k.F,
        U,
        UP,
        x: p.x,
        W: p.W,
        R: p.R,
        mask: p.mask,
        H: p.H,
        dY: p.dY,
        seq: run.seq,
        DZ: p.DZ,
        dx: p.dx,
        dW: p.dW,
        dR: p.dR,
        db: p.db,
        dh: p.dh,
        zeros: p.zeros,
        wantDx: kRun.wantDx,
        ids: k.oneHot,
        RT: p.RT,
        WT: p.WT,
      });
      let grads: tf.Tensor[];
      if (table) {
        // P's gradient (in the kernel's dW) is S, the dz rows summed by id.
        kernels.tableGrads({ E: p.E, S: p.dW, W: p.Wt, dE: p.dEt, dW: p.dWt, V: d.V, F, N: UP });
        const { heap, at } = g;
        grads = [
          tensorFromHeap(heap, at.dEt, d.V * F, [d.V, F]),
          gatesTensor(heap, at.dWt, F, 1, U, UP, [F, U]),
          gatesTensor(heap, at.dR, U, 1, U, UP, [U, U]),
        ];
      } else grads = coreGrads(g, d, run);
      if (bias != null) grads.push(tensorFromHeap(g.heap, g.at.db, U, [U]));
      return grads;
    };
    return { value, gradFunc };
  });
}
