import { isWasmKernelRegistered } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { idsOutput, offerIds } from './_ids_pairing.js';
import { checkUnits } from './_util.js';

/** Arguments of {@link OneHot}. */
export interface OneHotArgs {
  /** Number of classes (the vocabulary size, Keras `num_words`): ids must be in `[0, depth)`. */
  depth: number;
  /**
   * Whether id 0 is padding: the layer then outputs Keras' `mask_zero` mask (`ids != 0`), so a recurrent layer after
   * it skips padded steps, as after Keras `Embedding(mask_zero=True)`.
   * @default false
   */
  maskZero?: boolean;
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
  readonly maskZero: boolean;

  constructor(args: OneHotArgs) {
    super({ name: args.name, inputShape: args.inputShape, trainable: false });
    this.depth = checkUnits(args.depth, 'depth', 'OneHot');
    this.maskZero = args.maskZero ?? false;
    this.supportsMasking = this.maskZero;
  }

  /** `ids != 0` with `maskZero` (as tfjs' and Keras' `Embedding` compute it), else no mask. */
  override computeMask(inputs: tf.Tensor | tf.Tensor[], _mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // tfjs' own layers return null for "no mask" under this signature.
    if (!this.maskZero) return null as unknown as tf.Tensor;
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.notEqual(x, tf.zerosLike(x)));
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape, this.depth];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    // In trainLesson's step, when the fused SimpleRNN after it reads the ids, no one-hot floats are made.
    const out = idsOutput(this, x, null, kwargs, this.depth, 'float32', () =>
      tf.tidy(() => {
        const ids = tf.cast(x, 'int32');
        // Stock tfjs-backend-wasm 4.22.0 writes int32 bits into a float32 one-hot; @seqlab/wasm's kernel does not.
        return tf.getBackend() !== 'wasm' || isWasmKernelRegistered('OneHot')
          ? tf.oneHot(ids, this.depth, 1, 0, 'float32')
          : tf.cast(tf.oneHot(ids, this.depth), 'float32');
      }),
    );
    // A fused SimpleRNN this output feeds in the model graph reads the ids instead of `batch · steps · depth` floats.
    offerIds(this, x, out, null);
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    // maskZero only when on, so that configs without it stay as they were.
    return { ...super.getConfig(), depth: this.depth, ...(this.maskZero ? { maskZero: true } : {}) };
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
