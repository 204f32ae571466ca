import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * `model.save`, minus a tfjs leak: with `includeOptimizer`, tfjs-layers encodes the optimizer's fresh `iter`
 * scalar (Optimizer.saveIterations) and never disposes it; this disposes it once the save is done.
 */
export async function saveModelThrough(
  model: tfl.LayersModel,
  adapter: tf.io.IOHandler,
  includeOptimizer: boolean,
): Promise<void> {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (!includeOptimizer || optimizer == null) {
    await model.save(adapter, { includeOptimizer: false });
    return;
  }
  const fresh: tf.Tensor[] = [];
  const hadOwn = Object.hasOwn(optimizer, 'getWeights');
  const original = optimizer.getWeights;
  optimizer.getWeights = async function (this: tf.Optimizer) {
    const weights = await original.call(this);
    for (const w of weights) if (w.name === 'iter') fresh.push(w.tensor);
    return weights;
  };
  try {
    await model.save(adapter, { includeOptimizer: true });
  } finally {
    if (hadOwn) optimizer.getWeights = original;
    else delete (optimizer as { getWeights?: unknown }).getWeights;
    tf.dispose(fresh);
  }
}
