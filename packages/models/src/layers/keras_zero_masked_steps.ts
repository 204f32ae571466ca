import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Arguments of {@link KerasZeroMaskedSteps}. */
export interface KerasZeroMaskedStepsArgs {
  /** Layer name. */
  name?: string;
}

/**
 * Sets the masked steps of a sequence `[batch, steps, features]` (or of each sequence of a list) to zero and
 * passes the mask on: Keras' `zero_output_for_mask`, which Keras' `Bidirectional` forces on when it returns
 * sequences, and which tfjs' recurrent layers do not have (they repeat the last output at masked steps).
 * Without a mask it is the identity. Port of the `zero_output_for_mask` branch of keras/src/backend/*\/rnn.py.
 */
export class KerasZeroMaskedSteps extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'SeqlabZeroMaskedSteps';

  constructor(args: KerasZeroMaskedStepsArgs = {}) {
    super({ name: args.name });
    this.supportsMasking = true;
  }

  /** The mask of each input passes on (one per tensor of a list). */
  override computeMask(
    inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[] | null,
  ): tf.Tensor | tf.Tensor[] {
    const pick = (i: number) => ((Array.isArray(mask) ? mask[i] : mask) ?? null) as tf.Tensor;
    return Array.isArray(inputs) ? inputs.map((_, i) => pick(i)) : pick(0);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const raw = kwargs?.['mask'] as tf.Tensor | (tf.Tensor | null)[] | null | undefined;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const out = list.map((x, i) =>
      tf.tidy(() => {
        const mask = Array.isArray(raw) ? raw[i] : raw;
        return mask == null ? tf.clone(x) : tf.mul(x, tf.expandDims(tf.cast(mask, x.dtype), 2));
      }),
    );
    return Array.isArray(inputs) ? out : out[0]!;
  }
}
tf.serialization.registerClass(KerasZeroMaskedSteps);
