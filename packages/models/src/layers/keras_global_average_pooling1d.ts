import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Arguments of {@link KerasGlobalAveragePooling1D}. */
export interface KerasGlobalAveragePooling1DArgs {
  /** Layer name. */
  name?: string;
}

/**
 * Keras' `GlobalAveragePooling1D` (channels last) with its mask: the mean over the unmasked steps only
 * (`sum(x · mask) / sum(mask)`), which tfjs' layer, lacking mask support, does not compute. The output has no mask.
 * Port of keras/src/layers/pooling/global_average_pooling1d.py `call`.
 */
export class KerasGlobalAveragePooling1D extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'GlobalAveragePooling1D';

  constructor(args: KerasGlobalAveragePooling1DArgs = {}) {
    super({ name: args.name });
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0]!, shape[2]!];
  }

  /** Keras: the pooled output carries no mask. */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const mask = kwargs?.['mask'] as tf.Tensor | null | undefined;
    return tf.tidy(() => {
      if (mask == null) return tf.mean(x, 1);
      const m = tf.expandDims(tf.cast(mask, x.dtype), 2);
      return tf.div(tf.sum(tf.mul(x, m), 1), tf.sum(m, 1));
    });
  }
}
tf.serialization.registerClass(KerasGlobalAveragePooling1D);
