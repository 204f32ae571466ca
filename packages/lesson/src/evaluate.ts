import type { LabelledIds } from '@seqlab/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Loss and accuracy of a classifier on a labelled split (`model.evaluate(x_test, y_test)`). */
export interface TestMetrics {
  loss: number;
  acc: number;
}

/**
 * `model.evaluate(x, y, batch_size)` on an id matrix and labels (0/1, or class indices for a softmax head): the
 * lesson's last step. A model that is not compiled (loaded without its training config) is compiled first with the
 * loss `trainLesson` uses for its head.
 */
export function evaluateModel(model: tfl.LayersModel, split: LabelledIds, batchSize = 64): TestMetrics {
  if (model.loss == null) {
    // A softmax head ([batch, k]) is evaluated as trainLesson trains it: sparse categorical cross-entropy.
    const units = model.outputs[0]?.shape.at(-1) ?? 1;
    model.compile({
      optimizer: 'rmsprop',
      loss: units > 1 ? 'sparseCategoricalCrossentropy' : 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
  }
  const [rows, cols] = split.x.shape as [number, number];
  const x = tf.tensor2d(Int32Array.from(split.x.data), [rows, cols], 'int32');
  const y = tf.tensor2d(Float32Array.from(split.y), [rows, 1]);
  try {
    const result = model.evaluate(x, y, { batchSize }) as tf.Scalar[];
    const [loss, acc] = result.map((t) => t.dataSync()[0] as number);
    tf.dispose(result);
    return { loss: loss as number, acc: acc as number };
  } finally {
    tf.dispose([x, y]);
  }
}
