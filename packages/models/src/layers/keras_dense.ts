import { type DenseActivation, fusedDense } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type ConfigDict = tf.serialization.ConfigDict;

// tfjs-layers' own Dense (the package exports only its factory). KerasDense is not registered in its place: a saved
// model loads with tfjs' Dense, whose results it reproduces only within float32 rounding.
const StockDense: new (config: ConfigDict) => tfl.layers.Layer = tf.serialization.SerializationMap.getMap()
  .classNameMap['Dense']![0] as never;

/** The activations the fused op applies itself; another one takes tfjs' ops. */
const FUSED_DENSE_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/**
 * The largest kernel (`inputDim · units` weights) that runs fused: the fused op's JavaScript products beat tfjs'
 * kernel calls on a classifier head, not on a wide layer.
 */
export const MAX_FUSED_DENSE_WEIGHTS = 4096;

/** tfjs' `Dense` fields the fused path reads (tfjs-layers `layers/core.ts`). */
interface StockDenseFields {
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { getClassName(): string };
}

/** Whether a gradient tape records now (training): only then does the one-op backward pay for itself. */
function tapeIsRecording(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/** Arguments of {@link KerasDense}: tfjs' `tf.layers.dense` arguments. */
export type KerasDenseArgs = Parameters<typeof tfl.layers.dense>[0];

/**
 * tfjs' `Dense` (the same class name, config, weights and initialisation; the zoo's head and the Keras loader's
 * Dense) that runs `@seqlab/wasm`'s `fusedDense` —
 * the product, bias and activation in one op each way — while a gradient tape records (training) on the wasm
 * backend, for a `[batch, inputDim]` input and a small kernel (a classifier head): the same results within float32
 * rounding. Predictions and evaluation (no tape) run tfjs' own ops, so they are tfjs' to the last bit.
 */
export class KerasDense extends StockDense {
  /** @nocollapse */
  static className = 'Dense';
  /** Whether to run the fused op when the backend and the input allow; `false` keeps tfjs' ops. */
  fused = true;

  constructor(args: KerasDenseArgs) {
    super(args as unknown as ConfigDict);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const self = this as unknown as StockDenseFields;
    const activation = self.activation.getClassName();
    if (
      this.fused &&
      tf.getBackend() === 'wasm' &&
      tapeIsRecording() &&
      x.rank === 2 &&
      x.dtype === 'float32' &&
      FUSED_DENSE_ACTIVATIONS.includes(activation) &&
      self.kernel.read().size <= MAX_FUSED_DENSE_WEIGHTS
    ) {
      return tf.tidy(() =>
        fusedDense(x, self.kernel.read(), self.bias?.read() ?? null, {
          activation: activation as DenseActivation,
        }),
      );
    }
    return super.call(inputs, kwargs);
  }
}

/**
 * Creates a {@link KerasDense}: tfjs' `tf.layers.dense` on seqlab's fused op where it runs.
 *
 * @example
 * ```ts
 * const head = kerasDense({ units: 1, activation: 'sigmoid' }); // [b, n] → [b, 1]
 * ```
 */
export function kerasDense(args: KerasDenseArgs): KerasDense {
  return new KerasDense(args);
}
