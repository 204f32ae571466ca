import { fusedSimpleRnn } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  CellRNN,
  type FusedInput,
  KerasCell,
  type RecurrentArgs,
  registerClassAs,
  type StockTwin,
} from './_rnn.js';

/** Arguments of {@link KerasSimpleRNNCell} and {@link KerasSimpleRNN}, with Keras 3's `SimpleRNN` defaults. */
export interface KerasSimpleRNNArgs extends RecurrentArgs {
  /**
   * Whether gradients flow back into the layer's input. `false` when the input is data (one-hot ids), so the fused
   * backward pass skips the `dz · kernelᵀ` product.
   * @default true
   */
  inputGradient?: boolean;
}

/**
 * Keras' SimpleRNN cell: `h_t = tanh(x_t · kernel + bias + h_{t-1} · recurrent_kernel)`.
 * Port of keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.call.
 */
export class KerasSimpleRNNCell extends KerasCell {
  /** @nocollapse */
  static className = 'SeqlabSimpleRNNCell';
  readonly stateSize: number;
  readonly inputGradient: boolean;

  constructor(args: KerasSimpleRNNArgs) {
    super(args, 'KerasSimpleRNNCell', 1);
    this.stateSize = this.units;
    this.inputGradient = args.inputGradient ?? true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.buildWeights(inputShape);
    this.built = true;
  }

  protected runFused(
    x: tf.Tensor,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    input: FusedInput,
  ): tf.Tensor {
    return fusedSimpleRnn(x, this.kernel.read(), this.recurrentKernel.read(), this.bias.read(), {
      returnSequences,
      mask,
      inputGradient: this.inputGradient,
      ...input,
    });
  }

  /**
   * On the one-hot rows of known ids (the {@link OneHot} layer's output) without input dropout, the fused kernel
   * reads the ids: a kernel row per step instead of a `depth`-long product, with the same float results.
   */
  protected override readsOneHotIds(): boolean {
    return true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    const [x0, h0] = inputs as [tf.Tensor, tf.Tensor];
    const training = kwargs?.['training'] === true;
    this.drawStepMasks(x0, h0, training);
    return tf.tidy(() => {
      const x = this.dropStep(x0, training);
      const hRec = this.dropState(h0, training);
      const h = tf.tanh(
        tf.add(
          tf.add(tf.matMul(x, this.kernel.read()), this.bias.read()),
          tf.matMul(hRec, this.recurrentKernel.read()),
        ),
      );
      return [h, h];
    });
  }

  protected activationConfig(): tf.serialization.ConfigDict {
    return { activation: 'tanh' };
  }

  /** tfjs' `SimpleRNN` config; `inputGradient` only when off (stock tfjs ignores it). */
  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    if (!this.inputGradient) config['inputGradient'] = false;
    return config;
  }
}
tf.serialization.registerClass(KerasSimpleRNNCell);

/**
 * Keras' `SimpleRNN` layer over {@link KerasSimpleRNNCell}, fused kernel by default. Saved as tfjs' `SimpleRNN`
 * (stock tfjs-layers loads it); once `@seqlab/models` is imported, `SimpleRNN` layers load as this class.
 */
export class KerasSimpleRNN extends CellRNN {
  /** @nocollapse */
  static override className = 'SimpleRNN';
  /** @nocollapse */
  protected static override stock: StockTwin = {
    className: 'SimpleRNN',
    create: (config) => tfl.layers.simpleRNN(config as unknown as Parameters<typeof tfl.layers.simpleRNN>[0]),
    activations: { activation: ['tanh'] },
  };

  constructor(args: KerasSimpleRNNArgs) {
    super(new KerasSimpleRNNCell(args), args);
  }
}
tf.serialization.registerClass(KerasSimpleRNN);
registerClassAs(KerasSimpleRNN, 'SeqlabSimpleRNN');

/**
 * Creates a Keras-exact SimpleRNN layer (`d·u + u² + u` parameters on `d` features).
 *
 * @example
 * ```ts
 * const layer = kerasSimpleRNN({ units: 8 }); // 8·16 + 64 + 8 = 200 params on 16 features
 * ```
 */
export function kerasSimpleRNN(args: KerasSimpleRNNArgs): KerasSimpleRNN {
  return new KerasSimpleRNN(args);
}
