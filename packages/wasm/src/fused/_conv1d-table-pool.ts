// fusedConv1d's path for ids into an embedding table with globalMaxPool (the zoo's Embedding → Conv1D →
// GlobalMaxPooling1D): assembly/conv1d_table_pool.ts keeps only the maxima and where they are, and its backward
// touches only the steps that hold them.
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import { type Placed, placeAll, recordingTape, saveForBackward, valuesOf } from './_common.js';
import { arenaOf, fusedExports } from './_module.js';
import type { ConvDims } from './conv1d.js';
import { paddedTensor, readKernel, writeKernel, writePadded } from './conv1d.js';

type ForwardKeys = 'x' | 'W' | 'b' | 'P' | 'M' | 'A';

/**
 * `max over the steps of act(conv1d(table[ids]))` and its gradients with respect to the table, the kernel and the
 * bias. `ids` are the checked ids of `x`; the value is `[B, F]`, or `[B, 1, F]` with `keepDims`.
 */
export function tablePoolConv1d(
  op: string,
  d: ConvDims,
  ids: Int32Array,
  table: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  keepDims: boolean,
): tf.Tensor {
  const { B, T, V, C, CP, K, F, FP, To } = d;
  const inputs = bias == null ? [table, kernel] : [table, kernel, bias];
  const tape = recordingTape(inputs);
  const shape = keepDims ? [B, 1, F] : [B, F];
  const dims = { B, T, V, CP, K, FP, dil: d.dil, padLeft: d.padLeft, To, act: d.act };
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [et, kt, bt] = args as tf.Tensor[];
    const mod = fusedExports();
    const kernels = fusedKernels();
    const W = valuesOf(kt!).slice(0, K * C * F);
    const E = valuesOf(et!).slice(0, V * C);
    const bValues = bias == null ? null : valuesOf(bt!).slice(0, F);
    const forwardPass = (): Placed<ForwardKeys> => {
      // x holds the table [V, CP], then the ids; A holds the steps of the maxima, then their tie flags.
      const placed = placeAll(
        mod,
        {},
        { x: V * CP + B * T, W: K * CP * FP, b: FP, P: K * V * FP, M: B * FP, A: 2 * B * FP },
      );
      const { heap, at, ptr } = placed;
      writePadded(heap, at.x, E, V, C, CP);
      new Int32Array(heap.buffer, (at.x + V * CP) * 4, B * T).set(ids);
      writeKernel(heap, at.W, W, d);
      heap.fill(0, at.b, at.b + FP);
      if (bValues !== null) heap.set(bValues, at.b);
      kernels.conv1dTablePoolForward({
        ...dims,
        ids: ptr.x + V * CP * 4,
        E: ptr.x,
        W: ptr.W,
        bias: ptr.b,
        P: ptr.P,
        M: ptr.M,
        A: ptr.A,
      });
      return placed;
    };
    const f = forwardPass();
    const value = paddedTensor(f.heap, f.at.M, B, F, FP, shape);
    const take = saveForBackward(op, f, ['x', 'W', 'b', 'P', 'M', 'A'], tape, forwardPass);

    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const saved = take();
      const g = placeAll(
        mod,
        {},
        { dM: B * FP, R: 2 * FP, dE: V * CP, dW: K * CP * FP, db: FP, WT: K * FP * CP, dWT: K * FP * CP },
      );
      const arena = arenaOf(mod);
      arena.releaseLater(saved.block);
      arena.releaseLater(g.block);
      const { heap, at, ptr } = g;
      writePadded(heap, at.dM, valuesOf(dy), B, F, FP);
      const s = (key: ForwardKeys) => saved.at[key] * 4;
      kernels.conv1dTablePoolBackward({
        ...dims,
        ids: s('x') + V * CP * 4,
        E: s('x'),
        W: s('W'),
        bias: s('b'),
        P: s('P'),
        R: ptr.R,
        M: s('M'),
        A: s('A'),
        dM: ptr.dM,
        dE: ptr.dE,
        dW: ptr.dW,
        db: ptr.db,
        WT: ptr.WT,
        dWT: ptr.dWT,
      });
      const grads: tf.Tensor[] = [
        paddedTensor(heap, at.dE, V, C, CP, [V, C]),
        C === CP
          ? paddedTensor(heap, at.dW, K * C, F, FP, [K, C, F])
          : tf.tensor(readKernel(heap, at.dW, d), [K, C, F]),
      ];
      if (bias != null) grads.push(paddedTensor(heap, at.db, 1, F, FP, [F]));
      return grads;
    };
    return { value, gradFunc };
  })(...inputs);
}
