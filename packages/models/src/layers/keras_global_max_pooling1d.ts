import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type ConfigDict = tf.serialization.ConfigDict;

// tfjs-layers' own GlobalMaxPooling1D (the package exports only its factory); not replaced in the registry.
const StockGlobalMaxPooling1D: new (config: ConfigDict) => tfl.layers.Layer =
  tf.serialization.SerializationMap.getMap().classNameMap['GlobalMaxPooling1D']![0] as never;

/** Arguments of {@link KerasGlobalMaxPooling1D}: tfjs' `tf.layers.globalMaxPooling1d` arguments. */
export type KerasGlobalMaxPooling1DArgs = Parameters<typeof tfl.layers.globalMaxPooling1d>[0];

/**
 * tfjs' `GlobalMaxPooling1D` (the same class name and config) that takes an input of one step, `[batch, 1,
 * features]` — what a fused convolution paired with it returns, having pooled its steps itself — as the maximum it
 * is: one reshape each way instead of tfjs' max and its gradient (a comparison, a cast, a product and reshapes).
 * The maximum over one step is that step, so the values and gradients are the same, bit for bit.
 */
export class KerasGlobalMaxPooling1D extends StockGlobalMaxPooling1D {
  /** @nocollapse */
  static className = 'GlobalMaxPooling1D';

  constructor(args: KerasGlobalMaxPooling1DArgs = {}) {
    super(args as unknown as ConfigDict);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank === 3 && x.shape[1] === 1) return tf.reshape(x, [x.shape[0]!, x.shape[2]!]);
    return super.call(inputs, kwargs);
  }
}

/**
 * Creates a {@link KerasGlobalMaxPooling1D}.
 *
 * @example
 * ```ts
 * const pool = kerasGlobalMaxPooling1d({ name: 'global_max_pooling1d' }); // [b, t, f] → [b, f]
 * ```
 */
export function kerasGlobalMaxPooling1d(args: KerasGlobalMaxPooling1DArgs = {}): KerasGlobalMaxPooling1D {
  return new KerasGlobalMaxPooling1D(args);
}
