import { BINARY_CROSSENTROPY, fusedBinaryCrossentropy, isWasmKernelRegistered } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const BINARY_NAMES = new Set(['binaryCrossentropy', 'binary_crossentropy']);

const onWasm = (): boolean => tf.getBackend() === 'wasm' && isWasmKernelRegistered(BINARY_CROSSENTROPY);

/**
 * Keras' binary cross-entropy: `@seqlab/wasm`'s one-kernel loss (and one-kernel gradient) while the wasm backend
 * with seqlab's kernels is active, tfjs-layers' own formula (13 kernels forward, about 30 backward) anywhere else.
 * The two agree within 1e-6, their gradients bit for bit.
 */
function binaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return onWasm() ? fusedBinaryCrossentropy(yTrue, yPred) : tfl.metrics.binaryCrossentropy(yTrue, yPred);
}

/**
 * Keras' binary accuracy as tfjs-layers computes it (metrics.ts `binaryAccuracy`: the prediction above 0.5, compared
 * with the label, averaged over the last axis), read from the backend's memory and written as one tensor on wasm
 * instead of six kernels; exact (a comparison and a count), so the same values. tfjs-layers' own elsewhere.
 */
function binaryAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const n = yPred.shape.at(-1);
  if (!onWasm() || n === undefined || n === 0 || !tf.util.arraysEqual(yTrue.shape, yPred.shape)) {
    return tfl.metrics.binaryAccuracy(yTrue, yPred);
  }
  const labels = yTrue.dataSync();
  const predictions = yPred.dataSync();
  const out = new Float32Array(predictions.length / n);
  for (let r = 0; r < out.length; r++) {
    let hits = 0;
    for (let k = r * n; k < (r + 1) * n; k++) if (labels[k] === (predictions[k]! > 0.5 ? 1 : 0)) hits++;
    out[r] = hits / n;
  }
  return tf.tensor(out, yPred.shape.slice(0, -1), 'float32');
}

/**
 * Makes a model compiled with `loss: 'binaryCrossentropy'` compute it with {@link binaryCrossentropy} in training
 * and evaluation, and its `accuracy` metric (tfjs' `acc`, binary accuracy for that loss) with
 * {@link binaryAccuracy}. `model.loss` and the metric names are kept, so saving and the training config are
 * unchanged. Returns whether the model's loss was that one.
 */
export function useFusedLoss(model: tfl.LayersModel): boolean {
  const { loss } = model;
  if (typeof loss !== 'string' || !BINARY_NAMES.has(loss) || model.lossFunctions === undefined) return false;
  model.lossFunctions = model.lossFunctions.map(() => binaryCrossentropy);
  // With one output, metricsTensors[i] is the metric named metricsNames[i + 1] (after 'loss').
  if (model.outputs.length === 1 && model.metricsTensors !== undefined) {
    model.metricsTensors = model.metricsTensors.map(([fn, output], i) => [
      model.metricsNames[i + 1] === 'acc' ? binaryAccuracy : fn,
      output,
    ]);
  }
  return true;
}
