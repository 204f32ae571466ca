import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import { fail, placeAll, recordingTape, saveForBackward, valuesOf } from './_common.js';
import { arenaOf, fusedExports } from './_module.js';
import { paddedTensor, shapeText, writePadded } from './conv1d.js';

/**
 * Keras' `Add` of `inputs`, `ReLU` and `GlobalMaxPooling1D` (WaveNet's summed skip outputs) in one WebAssembly
 * SIMD call forward and one backward: `max over t of relu(Σ_i inputs[i])`. The gradient goes to every step that
 * holds the maximum (tfjs' `max` gradient, ties included) where the sum is positive (tfjs' `relu` gradient), the
 * same for every input.
 *
 * @param inputs - one or more float32 tensors `[batch, steps, channels]` of the same shape.
 * @returns `[batch, channels]`.
 *
 * @example
 * ```ts
 * const pooled = fusedSumReluMaxPool([skip0, skip1, skip2, skip3]);
 * ```
 */
export function fusedSumReluMaxPool(inputs: tf.Tensor[]): tf.Tensor {
  const op = 'fusedSumReluMaxPool';
  if (!Array.isArray(inputs) || inputs.length === 0) {
    fail(op, 'inputs', 'a non-empty array of float32 tensors [batch, steps, channels]', String(inputs));
  }
  const first = inputs[0]!;
  if (!(first instanceof tf.Tensor) || first.dtype !== 'float32' || first.rank !== 3 || first.size === 0) {
    fail(op, 'inputs[0]', 'a non-empty float32 tensor [batch, steps, channels]', shapeText(first));
  }
  inputs.forEach((t, i) => {
    if (!(t instanceof tf.Tensor) || t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, first.shape)) {
      fail(
        op,
        `inputs[${i}]`,
        `a float32 tensor [${first.shape.join(', ')}] (inputs[0]'s shape)`,
        shapeText(t),
      );
    }
  });
  const [B, T, C] = first.shape as [number, number, number];
  const CP = Math.ceil(C / 4) * 4;
  const rows = B * T;
  const n = inputs.length;
  const tape = recordingTape(inputs);
  const mod = fusedExports();
  const kernels = fusedKernels();
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args.slice(0, n) as tf.Tensor[];
    const forwardPass = () => {
      const placed = placeAll(mod, {}, { X: n * rows * CP, Y: rows * CP, M: B * CP });
      const { heap, at, ptr } = placed;
      xs.forEach((x, i) => {
        writePadded(heap, at.X + i * rows * CP, valuesOf(x), rows, C, CP);
      });
      kernels.sumReluMaxPool({ n, B, T, FP: CP, X: ptr.X, Y: ptr.Y, M: ptr.M });
      return placed;
    };
    const f = forwardPass();
    const value = paddedTensor(f.heap, f.at.M, B, C, CP, [B, C]);
    const take = saveForBackward(op, f, ['Y'], tape, forwardPass);
    const gradFunc = (dm: tf.Tensor): tf.Tensor[] => {
      const saved = take();
      const g = placeAll(mod, {}, { dM: B * CP, M: B * CP, dY: rows * CP });
      const arena = arenaOf(mod);
      arena.releaseLater(saved.block);
      arena.releaseLater(g.block);
      const { heap, at, ptr } = g;
      writePadded(heap, at.dM, valuesOf(dm), B, C, CP);
      kernels.sumReluMaxPoolGrad({ B, T, FP: CP, Y: saved.at.Y * 4, dM: ptr.dM, M: ptr.M, dY: ptr.dY });
      // One tensor per input: tfjs disposes each input's gradient on its own.
      return xs.map(() => paddedTensor(heap, at.dY, rows, C, CP, [B, T, C]));
    };
    return { value, gradFunc };
  })(...inputs);
}
