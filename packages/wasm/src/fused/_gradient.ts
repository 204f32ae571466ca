// Gradient wiring: which tensors an op differentiates, its tf.customGrad, and the gradients read back.
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import { gatesTensor, inputGradOf, type Placed, tensorFromHeap } from './_layout.js';
import type { RunOptions } from './_options.js';
import { recordingTape, type Tape } from './_tape.js';
import type { Dims } from './_validate.js';

/**
 * The differentiated tensors: what `x` stands for (x itself, the embedding table, or nothing for one-hot ids),
 * kernel, recurrentKernel, then the bias when there is one.
 */
export function coreInputs(
  d: Dims,
  run: RunOptions,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
): tf.Tensor[] {
  const first = d.embed ? [run.embeddings!] : d.oneHot ? [] : [x];
  return bias == null ? [...first, kernel, recurrentKernel] : [...first, kernel, recurrentKernel, bias];
}

/**
 * Gradients for what x stands for (x; the embedding table; nothing for one-hot ids), kernel and recurrentKernel
 * from the backward's buffers.
 */
export function coreGrads(
  placed: Placed<'dx' | 'dW' | 'dR' | 'imask' | 'ids' | 'dE'>,
  d: Dims,
  run: RunOptions,
): tf.Tensor[] {
  const { B, T, F, U, UP, gates } = d;
  const { heap, at, ptr } = placed;
  const weights = [
    gatesTensor(heap, at.dW, F, gates, U, UP, [F, gates * U]),
    gatesTensor(heap, at.dR, U, gates, U, UP, [U, gates * U]),
  ];
  if (d.oneHot) return weights;
  const kernels = fusedKernels();
  if (d.embed) {
    kernels.embedGrad({ ids: ptr.ids, dx: ptr.dx, mask: ptr.imask, dE: ptr.dE, B, T, F, V: d.V });
    return [tensorFromHeap(heap, at.dE, d.V * F, [d.V, F]), ...weights];
  }
  if (run.wantDx && run.inputMask !== null) kernels.maskInput({ x: ptr.dx, mask: ptr.imask, B, T, F });
  return [inputGradOf(heap, at.dx, d, run.reverse, run.wantDx), ...weights];
}

/**
 * `tf.customGrad` over `inputs` (from {@link coreInputs}): `forward` gets them as tensors, with x first for one-hot
 * ids (which are not differentiated), and the tape that may run its backward ({@link recordingTape}); it returns
 * the value and its gradient function.
 */
export function withCustomGrad(
  d: Dims,
  x: tf.Tensor,
  inputs: tf.Tensor[],
  forward: (
    tensors: tf.Tensor[],
    tape: Tape | null,
  ) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor[] },
): tf.Tensor {
  const tape = recordingTape(inputs);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    return forward(d.oneHot ? [x, ...tensors] : tensors, tape);
  })(...inputs);
}
