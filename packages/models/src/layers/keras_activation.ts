import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';

/** Keras activations that tfjs-layers lacks or defines differently, by their Keras (snake_case) names. */
export type KerasActivationName =
  | 'hard_sigmoid'
  | 'hard_silu'
  | 'hard_swish'
  | 'relu6'
  | 'silu'
  | 'swish'
  | 'gelu'
  | 'exponential'
  | 'leaky_relu'
  | 'log_softmax'
  | 'mish';

/** Arguments of {@link KerasActivation}. */
export interface KerasActivationArgs {
  /** The Keras activation name. */
  activation: KerasActivationName;
  /**
   * The major Keras version whose definition applies: `hard_sigmoid` is `clip(0.2·x + 0.5, 0, 1)` in Keras 2 and
   * `relu6(x + 3) / 6` in Keras 3 (and `hard_silu` exists only in Keras 3).
   * @default 3
   */
  kerasVersion?: 2 | 3;
  /** Layer name. */
  name?: string;
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Keras' activation functions, port of keras/src/activations/activations.py (Keras 3) and tf.keras 2's
 * `keras/activations.py` for `hard_sigmoid`.
 */
export function kerasActivationFn(name: string, version: 2 | 3): ((x: tf.Tensor) => tf.Tensor) | undefined {
  const hardSigmoid = (x: tf.Tensor) =>
    version === 2
      ? tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1)
      : tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6);
  switch (name) {
    case 'hard_sigmoid':
      return hardSigmoid;
    case 'hard_silu':
    case 'hard_swish':
      return (x) => tf.mul(x, tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6));
    case 'relu6':
      return (x) => tf.clipByValue(x, 0, 6);
    case 'silu':
    case 'swish':
      return (x) => tf.mul(x, tf.sigmoid(x));
    case 'gelu':
      // Keras' default approximate=False: x · (1 + erf(x / √2)) / 2.
      return (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
    case 'exponential':
      return (x) => tf.exp(x);
    case 'leaky_relu':
      // Keras 3 activations.leaky_relu: negative_slope 0.2.
      return (x) => tf.leakyRelu(x, 0.2);
    case 'log_softmax':
      return (x) => tf.logSoftmax(x);
    case 'mish':
      return (x) => tf.mul(x, tf.tanh(tf.softplus(x)));
    default:
      return undefined;
  }
}

/**
 * Applies a Keras activation by its Keras name, with the definition of the Keras version that wrote the model —
 * for the activations where tfjs-layers has none or a different one (tfjs' `hardSigmoid` is Keras 2's).
 * Passes the mask through, as Keras' `Activation` does.
 */
export class KerasActivation extends tfl.layers.Layer {
  /** @nocollapse */
  static className = 'SeqlabKerasActivation';
  readonly activation: KerasActivationName;
  readonly kerasVersion: 2 | 3;
  private readonly fn: (x: tf.Tensor) => tf.Tensor;

  constructor(args: KerasActivationArgs) {
    super({ name: args.name });
    // tfjs camelCases string values when it loads a saved config ('hard_sigmoid' → 'hardSigmoid').
    const name = args.activation.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() as KerasActivationName;
    this.activation = name;
    this.kerasVersion = args.kerasVersion ?? 3;
    const fn = kerasActivationFn(name, this.kerasVersion);
    if (fn === undefined) {
      throw new ModelsError(
        'INVALID_OPTION',
        `KerasActivation: activation must be a Keras activation name tfjs lacks, got ${JSON.stringify(args.activation)}.`,
      );
    }
    this.fn = fn;
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.fn(Array.isArray(inputs) ? inputs[0]! : inputs));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), activation: this.activation, kerasVersion: this.kerasVersion };
  }
}
tf.serialization.registerClass(KerasActivation);
