import { fusedSimpleRnn } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CellRNN, type MaskedCell } from './_rnn.js';
import {
  checkRate,
  checkUnits,
  deserializeInitializer,
  type Initializer,
  type InitializerConfig,
  MaskSource,
  serializeInitializer,
} from './_util.js';

/** Arguments of {@link KerasSimpleRNNCell} and {@link KerasSimpleRNN}, with Keras 3's `SimpleRNN` defaults. */
export interface KerasSimpleRNNArgs {
  /** Dimensionality of the output space. */
  units: number;
  /**
   * Initializer of the input kernel `[inputDim, units]` (Keras' default; tfjs' SimpleRNN uses glorot-normal).
   * @default glorotUniform
   */
  kernelInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the recurrent kernel `[units, units]`.
   * @default orthogonal
   */
  recurrentInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the bias `[units]`.
   * @default zeros
   */
  biasInitializer?: Initializer | InitializerConfig;
  /**
   * Fraction of the inputs to drop (one mask per sequence).
   * @default 0
   */
  dropout?: number;
  /**
   * Fraction of the recurrent state to drop (one mask per sequence; needs the per-step loop).
   * @default 0
   */
  recurrentDropout?: number;
  /** Seed of the dropout masks, so that a training run repeats exactly. Random when unset. */
  seed?: number;
  /**
   * Whether the layer returns the whole output sequence, or only the last output.
   * @default false
   */
  returnSequences?: boolean;
  /**
   * Whether gradients flow back into the layer's input. `false` when the input is data (one-hot ids), so the fused
   * backward pass skips the `dz · kernelᵀ` product.
   * @default true
   */
  inputGradient?: boolean;
  /**
   * Run the layer with `@seqlab/wasm`'s fused WebAssembly SIMD kernel whenever possible (not with
   * `recurrentDropout` in training).
   * @default true
   */
  fused?: boolean;
  /** Layer name. */
  name?: string;
  /** Input shape without the batch axis, e.g. `[100, 500]`. */
  inputShape?: number[];
  /** Input shape with the batch axis (tfjs serialization fills this in). */
  batchInputShape?: (number | null)[];
  /**
   * Whether the weights train.
   * @default true
   */
  trainable?: boolean;
}

/**
 * Keras' SimpleRNN cell: `h_t = tanh(x_t · kernel + bias + h_{t-1} · recurrent_kernel)`.
 * Port of keras/src/layers/rnn/simple_rnn.py SimpleRNNCell.call.
 */
export class KerasSimpleRNNCell extends tfl.layers.RNNCell implements MaskedCell {
  /** @nocollapse */
  static className = 'SeqlabSimpleRNNCell';
  readonly units: number;
  readonly stateSize: number;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly inputGradient: boolean;
  readonly seed: number | undefined;
  private readonly kernelInit: Initializer;
  private readonly recurrentInit: Initializer;
  private readonly biasInit: Initializer;
  private readonly masks: MaskSource;
  private kernel!: tfl.LayerVariable;
  private recurrentKernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  private inputMask: tf.Tensor | null = null;
  private stateMask: tf.Tensor | null = null;

  constructor(args: KerasSimpleRNNArgs) {
    super({ name: args.name });
    this.units = checkUnits(args.units, 'units', 'KerasSimpleRNNCell');
    this.stateSize = this.units;
    this.dropout = checkRate(args.dropout ?? 0, 'dropout', 'KerasSimpleRNNCell');
    this.recurrentDropout = checkRate(args.recurrentDropout ?? 0, 'recurrentDropout', 'KerasSimpleRNNCell');
    this.inputGradient = args.inputGradient ?? true;
    this.seed = args.seed;
    this.masks = new MaskSource(args.seed);
    this.kernelInit = deserializeInitializer(args.kernelInitializer ?? tfl.initializers.glorotUniform({}));
    this.recurrentInit = deserializeInitializer(args.recurrentInitializer ?? tfl.initializers.orthogonal({}));
    this.biasInit = deserializeInitializer(args.biasInitializer ?? tfl.initializers.zeros());
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inputDim, this.units], 'float32', this.kernelInit);
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, this.units],
      'float32',
      this.recurrentInit,
    );
    this.bias = this.addWeight('bias', [this.units], 'float32', this.biasInit);
    this.built = true;
  }

  resetDropoutMasks(): void {
    this.inputMask?.dispose();
    this.stateMask?.dispose();
    this.inputMask = null;
    this.stateMask = null;
  }

  fusedCall(
    x: tf.Tensor,
    training: boolean,
    returnSequences: boolean,
    mask: tf.Tensor | null,
  ): tf.Tensor | null {
    if (training && this.recurrentDropout > 0) return null;
    if (training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask([x.shape[0]!, x.shape[2]!], this.dropout));
    }
    return tf.tidy(() => {
      const dropped = training && this.inputMask !== null ? tf.mul(x, tf.expandDims(this.inputMask, 1)) : x;
      return fusedSimpleRnn(
        tf.cast(dropped, 'float32'),
        this.kernel.read(),
        this.recurrentKernel.read(),
        this.bias.read(),
        { returnSequences, mask, inputGradient: this.inputGradient },
      );
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    const [x0, h0] = inputs as tf.Tensor[];
    const training = kwargs?.['training'] === true;
    if (training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask(x0!.shape, this.dropout));
    }
    if (training && this.recurrentDropout > 0 && this.stateMask === null) {
      this.stateMask = tf.keep(this.masks.mask(h0!.shape, this.recurrentDropout));
    }
    return tf.tidy(() => {
      const x = training && this.inputMask !== null ? tf.mul(x0!, this.inputMask) : x0!;
      const hRec = training && this.stateMask !== null ? tf.mul(h0!, this.stateMask) : h0!;
      const h = tf.tanh(
        tf.add(
          tf.add(tf.matMul(x, this.kernel.read()), this.bias.read()),
          tf.matMul(hRec, this.recurrentKernel.read()),
        ),
      );
      return [h, h];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      kernelInitializer: serializeInitializer(this.kernelInit) as unknown as tf.serialization.ConfigDict,
      recurrentInitializer: serializeInitializer(
        this.recurrentInit,
      ) as unknown as tf.serialization.ConfigDict,
      biasInitializer: serializeInitializer(this.biasInit) as unknown as tf.serialization.ConfigDict,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      inputGradient: this.inputGradient,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}
tf.serialization.registerClass(KerasSimpleRNNCell);

/** Keras' `SimpleRNN` layer over {@link KerasSimpleRNNCell}, fused kernel by default. */
export class KerasSimpleRNN extends CellRNN {
  /** @nocollapse */
  static override className = 'SeqlabSimpleRNN';

  constructor(args: KerasSimpleRNNArgs) {
    super(
      {
        cell: new KerasSimpleRNNCell(args),
        returnSequences: args.returnSequences ?? false,
        name: args.name,
        inputShape: args.inputShape,
        batchInputShape: args.batchInputShape,
        trainable: args.trainable,
      } as ConstructorParameters<typeof tfl.layers.RNN>[0],
      args.fused ?? true,
    );
  }

  /** @nocollapse */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { cell: _cell, ...rest } = config;
    return new cls(rest);
  }
}
tf.serialization.registerClass(KerasSimpleRNN);

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
