import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Arguments of {@link KerasMaskReset}. */
export interface KerasMaskResetArgs {
  /** Layer name. */
  name?: string;
}

/**
 * Passes a sequence `[batch, steps, …]` through with an all-true mask: "no mask", said explicitly. tfjs-layers'
 * executor hands a layer whose input has no mask the last mask it saw anywhere in the graph; a mask-reading layer
 * (an RNN, a masked average) whose input Keras gives no mask — e.g. after a `Conv1D`, which drops the mask of a
 * `mask_zero` embedding — gets this layer in front of it, so that it reads all steps as Keras does.
 */
export class KerasMaskReset extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'SeqlabMaskReset';

  constructor(args: KerasMaskResetArgs = {}) {
    super({ name: args.name });
    this.supportsMasking = true;
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.ones(x.shape.slice(0, 2), 'bool');
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.clone(Array.isArray(inputs) ? inputs[0]! : inputs);
  }
}
tf.serialization.registerClass(KerasMaskReset);
