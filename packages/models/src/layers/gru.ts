import { fusedGru } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CellRNN, type MaskedCell } from './_rnn.js';
import {
  type ActivationName,
  activation,
  checkRate,
  checkUnits,
  deserializeInitializer,
  type Initializer,
  type InitializerConfig,
  MaskSource,
  serializeInitializer,
} from './_util.js';

/** Arguments of {@link KerasGRUCell} and {@link KerasGRU}, with Keras 3's `GRU` defaults. */
export interface KerasGRUArgs {
  /** Dimensionality of the output space. */
  units: number;
  /**
   * Activation of the candidate state.
   * @default 'tanh'
   */
  activation?: ActivationName;
  /**
   * Activation of the update and reset gates. Keras' default; tfjs' own GRU defaults to `'hardSigmoid'`.
   * @default 'sigmoid'
   */
  recurrentActivation?: ActivationName;
  /**
   * Keras `reset_after`: apply the reset gate after the recurrent matrix product, with separate input and
   * recurrent biases (bias shape `[2, 3 * units]`, cuDNN-compatible). `false` is the original GRU (tfjs' variant).
   * @default true
   */
  resetAfter?: boolean;
  /**
   * Initializer of the input kernel `[inputDim, 3 * units]`.
   * @default glorotUniform
   */
  kernelInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the recurrent kernel `[units, 3 * units]`.
   * @default orthogonal
   */
  recurrentInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the bias.
   * @default zeros
   */
  biasInitializer?: Initializer | InitializerConfig;
  /**
   * Fraction of the inputs to drop (one mask per sequence, as in Keras 3).
   * @default 0
   */
  dropout?: number;
  /**
   * Fraction of the recurrent state to drop (one mask per sequence).
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
   * Run the layer with `@seqlab/wasm`'s fused WebAssembly SIMD kernel (whole sequence, forward and backward, in one
   * call; same math) whenever possible — not with `recurrentDropout` in training, which needs the per-step loop.
   * @default true
   */
  fused?: boolean;
  /** Layer name. */
  name?: string;
  /** Input shape without the batch axis, e.g. `[100, 16]`. */
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
 * Keras' GRU cell (`keras.layers.GRUCell`), with `reset_after=True` by default — which tfjs-layers' `GRUCell`
 * rejects. Weight layout as Keras: `kernel [inputDim, 3u]`, `recurrent_kernel [u, 3u]`, gates in z, r, h order,
 * `bias [2, 3u]` (input bias, recurrent bias) when `resetAfter`, else `[3u]`.
 * Port of keras/src/layers/rnn/gru.py GRUCell.call.
 */
export class KerasGRUCell extends tfl.layers.RNNCell implements MaskedCell {
  /** @nocollapse */
  static className = 'SeqlabGRUCell';
  readonly units: number;
  readonly stateSize: number;
  readonly resetAfter: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | undefined;
  private readonly activationName: ActivationName;
  private readonly recurrentActivationName: ActivationName;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly recAct: (x: tf.Tensor) => tf.Tensor;
  private readonly kernelInit: Initializer;
  private readonly recurrentInit: Initializer;
  private readonly biasInit: Initializer;
  private readonly masks: MaskSource;
  private kernel!: tfl.LayerVariable;
  private recurrentKernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  private inputMask: tf.Tensor | null = null;
  private stateMask: tf.Tensor | null = null;
  /** Set by {@link KerasGRU} while its step loop runs on inputs already projected by {@link projectInputs}. */
  projected = false;

  constructor(args: KerasGRUArgs) {
    super({ name: args.name });
    this.units = checkUnits(args.units, 'units', 'KerasGRUCell');
    this.stateSize = this.units;
    this.resetAfter = args.resetAfter ?? true;
    this.activationName = args.activation ?? 'tanh';
    this.recurrentActivationName = args.recurrentActivation ?? 'sigmoid';
    this.act = activation(this.activationName, 'activation', 'KerasGRUCell');
    this.recAct = activation(this.recurrentActivationName, 'recurrentActivation', 'KerasGRUCell');
    this.dropout = checkRate(args.dropout ?? 0, 'dropout', 'KerasGRUCell');
    this.recurrentDropout = checkRate(args.recurrentDropout ?? 0, 'recurrentDropout', 'KerasGRUCell');
    this.seed = args.seed;
    this.masks = new MaskSource(args.seed);
    this.kernelInit = deserializeInitializer(args.kernelInitializer ?? tfl.initializers.glorotUniform({}));
    this.recurrentInit = deserializeInitializer(args.recurrentInitializer ?? tfl.initializers.orthogonal({}));
    this.biasInit = deserializeInitializer(args.biasInitializer ?? tfl.initializers.zeros());
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1] as number;
    const u = this.units;
    this.kernel = this.addWeight('kernel', [inputDim, 3 * u], 'float32', this.kernelInit);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', this.recurrentInit);
    this.bias = this.addWeight('bias', this.resetAfter ? [2, 3 * u] : [3 * u], 'float32', this.biasInit);
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
    if (
      this.activationName !== 'tanh' ||
      !['sigmoid', 'hardSigmoid'].includes(this.recurrentActivationName)
    ) {
      return null;
    }
    if (training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask([x.shape[0]!, x.shape[2]!], this.dropout));
    }
    return tf.tidy(() => {
      const dropped = training && this.inputMask !== null ? tf.mul(x, tf.expandDims(this.inputMask, 1)) : x;
      return fusedGru(
        tf.cast(dropped, 'float32'),
        this.kernel.read(),
        this.recurrentKernel.read(),
        this.bias.read(),
        {
          resetAfter: this.resetAfter,
          recurrentActivation: this.recurrentActivationName as 'sigmoid' | 'hardSigmoid',
          returnSequences,
          mask,
        },
      );
    });
  }

  /** `dropout(x)·kernel + input bias` for every step: `[batch, steps, 3u]` in one MatMul. */
  projectInputs(x: tf.Tensor, training: boolean): tf.Tensor {
    if (training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask([x.shape[0]!, x.shape[2]!], this.dropout));
    }
    return tf.tidy(() => {
      const [batch, steps, dim] = x.shape as [number, number, number];
      const dropped = training && this.inputMask !== null ? tf.mul(x, tf.expandDims(this.inputMask, 1)) : x;
      const flat = tf.matMul(tf.reshape(dropped, [batch * steps, dim]), this.kernel.read());
      const bias = this.bias.read();
      const inputBias = this.resetAfter
        ? tf.reshape(tf.slice(bias, [0, 0], [1, 3 * this.units]), [3 * this.units])
        : bias;
      return tf.reshape(tf.add(flat, inputBias), [batch, steps, 3 * this.units]);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    const [x0, h0] = inputs as tf.Tensor[];
    const training = kwargs?.['training'] === true;
    if (!this.projected && training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask(x0!.shape, this.dropout));
    }
    if (training && this.recurrentDropout > 0 && this.stateMask === null) {
      this.stateMask = tf.keep(this.masks.mask(h0!.shape, this.recurrentDropout));
    }
    return tf.tidy(() => {
      const u = this.units;
      const x = !this.projected && training && this.inputMask !== null ? tf.mul(x0!, this.inputMask) : x0!;
      const hPrev = h0!;
      const hRec = training && this.stateMask !== null ? tf.mul(hPrev, this.stateMask) : hPrev;
      const kernel = this.kernel.read();
      const rk = this.recurrentKernel.read();
      const bias = this.bias.read();
      let h: tf.Tensor;
      if (this.resetAfter) {
        const [inputBias, recurrentBias] = tf.unstack(bias) as [tf.Tensor, tf.Tensor];
        const matrixX = this.projected ? x : tf.add(tf.matMul(x, kernel), inputBias);
        const matrixInner = tf.add(tf.matMul(hRec, rk), recurrentBias);
        const [xZ, xR, xH] = tf.split(matrixX, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [recZ, recR, recH] = tf.split(matrixInner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const z = this.recAct(tf.add(xZ, recZ));
        const r = this.recAct(tf.add(xR, recR));
        const hh = this.act(tf.add(xH, tf.mul(r, recH)));
        h = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), hh));
      } else {
        const matrixX = this.projected ? x : tf.add(tf.matMul(x, kernel), bias);
        const [xZ, xR, xH] = tf.split(matrixX, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [rkZR, rkH] = tf.split(rk, [2 * u, u], 1) as [tf.Tensor, tf.Tensor];
        const [recZ, recR] = tf.split(tf.matMul(hRec, rkZR), 2, 1) as [tf.Tensor, tf.Tensor];
        const z = this.recAct(tf.add(xZ, recZ));
        const r = this.recAct(tf.add(xR, recR));
        const hh = this.act(tf.add(xH, tf.matMul(tf.mul(r, hRec), rkH)));
        h = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), hh));
      }
      return [h, h];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      recurrentActivation: this.recurrentActivationName,
      resetAfter: this.resetAfter,
      kernelInitializer: serializeInitializer(this.kernelInit) as unknown as tf.serialization.ConfigDict,
      recurrentInitializer: serializeInitializer(
        this.recurrentInit,
      ) as unknown as tf.serialization.ConfigDict,
      biasInitializer: serializeInitializer(this.biasInit) as unknown as tf.serialization.ConfigDict,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}
tf.serialization.registerClass(KerasGRUCell);

/**
 * Keras' `GRU` layer (reset_after=True by default) over {@link KerasGRUCell}.
 */
export class KerasGRU extends CellRNN {
  /** @nocollapse */
  static override className = 'SeqlabGRU';

  constructor(args: KerasGRUArgs) {
    const cell = new KerasGRUCell(args);
    super(
      {
        cell,
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
tf.serialization.registerClass(KerasGRU);

/**
 * Creates a Keras-exact GRU layer (`reset_after=True`, sigmoid gates, glorot-uniform/orthogonal/zeros).
 *
 * @example
 * ```ts
 * const layer = kerasGRU({ units: 8, dropout: 0.3 }); // 3 * (16*8 + 8*8 + 2*8) = 624 params on 16 features
 * ```
 */
export function kerasGRU(args: KerasGRUArgs): KerasGRU {
  return new KerasGRU(args);
}
