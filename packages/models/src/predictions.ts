import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from './errors.js';

/**
 * Throws a {@link ModelsError} (`NON_FINITE_PREDICTION`) when a prediction is NaN or infinite — a model whose
 * weights diverged predicts NaN, which a threshold would silently read as the negative class. Returns the values
 * otherwise (a tensor is read with `dataSync`).
 *
 * @example
 * ```ts
 * const p = model.predict(ids) as tf.Tensor;
 * const probabilities = assertFinitePredictions(p); // throws on "p = NaN" instead of reporting "negative"
 * p.dispose();
 * ```
 */
export function assertFinitePredictions(predictions: tf.Tensor | ArrayLike<number>): ArrayLike<number> {
  const values = predictions instanceof tf.Tensor ? predictions.dataSync() : predictions;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new ModelsError(
      'NON_FINITE_PREDICTION',
      `predict: expected finite predictions, got ${bad} of ${values.length} not finite (the first, at index ` +
        `${first}, is ${String(values[first])}). The model's weights are probably NaN or infinite (a training ` +
        'that diverged); retrain it, e.g. with a lower learning rate.',
    );
  }
  return values;
}
