import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkUnits } from './_util.js';

/** Arguments of {@link OneHot}. */
export interface OneHotArgs {
  /** Number of classes (the vocabulary size, Keras `num_words`): ids must be in `[0, depth)`. */
  depth: number;
  /** Layer name. */
  name?: string;
  /** Input shape without the batch axis (for the first layer of a `Sequential`), e.g. `[100]`. */
  inputShape?: number[];
}

/**
 * Encodes integer ids `[batch, steps]` as one-hot float vectors `[batch, steps, depth]` inside the graph, one batch
 * at a time — what the lesson's `to_categorical` on the whole data set does, without materialising it.
 * Ids outside `[0, depth)` give all-zero rows (like `tf.oneHot`).
 */
export class OneHot extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'SeqlabOneHot';
  readonly depth: number;

  constructor(args: OneHotArgs) {
    super({ name: args.name, inputShape: args.inputShape, trainable: false });
    this.depth = checkUnits(args.depth, 'depth', 'OneHot');
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape, this.depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = Array.isArray(inputs) ? inputs[0]! : inputs;
      return tf.cast(tf.oneHot(tf.cast(ids, 'int32'), this.depth), 'float32');
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depth: this.depth };
  }
}
tf.serialization.registerClass(OneHot);

/**
 * Creates a {@link OneHot} layer.
 *
 * @example
 * ```ts
 * const x = tfl.input({ shape: [100] });
 * const onehot = oneHot({ depth: 500 }).apply(x); // [null, 100, 500]
 * ```
 */
export function oneHot(args: OneHotArgs): OneHot {
  return new OneHot(args);
}
