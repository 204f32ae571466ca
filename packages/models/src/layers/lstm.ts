import { fusedLstm } from '@seqlab/wasm';
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

/** Arguments of {@link KerasLSTMCell} and {@link KerasLSTM}, with Keras 3's `LSTM` defaults. */
export interface KerasLSTMArgs {
  /** Dimensionality of the output space. */
  units: number;
  /**
   * Activation of the cell input and output.
   * @default 'tanh'
   */
  activation?: ActivationName;
  /**
   * Activation of the input, forget and output gates (Keras' default; tfjs' LSTM defaults to `'hardSigmoid'`).
   * @default 'sigmoid'
   */
  recurrentActivation?: ActivationName;
  /**
   * Peephole connections (Gers & Schmidhuber 2000; tf.keras `PeepholeLSTMCell`): three more weight vectors `[u]`.
   * @default false
   */
  usePeepholes?: boolean;
  /**
   * Add 1 to the forget-gate bias at initialisation (Jozefowicz et al. 2015), as Keras does by default.
   * @default true
   */
  unitForgetBias?: boolean;
  /**
   * Initializer of the input kernel `[inputDim, 4 * units]`.
   * @default glorotUniform
   */
  kernelInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the recurrent kernel `[units, 4 * units]`.
   * @default orthogonal
   */
  recurrentInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the bias `[4 * units]`.
   * @default zeros
   */
  biasInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the three peephole weight vectors `[units]`. tf.keras uses the kernel initializer,
   * glorot-uniform, which on a vector of length `u` draws from `U(-sqrt(3 / u), sqrt(3 / u))`.
   * @default randomUniform(-sqrt(3 / units), sqrt(3 / units))
   */
  peepholeInitializer?: Initializer | InitializerConfig;
  /**
   * Fraction of the inputs to drop (one mask per sequence).
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
 * Keras' LSTM cell: weights `kernel [inputDim, 4u]`, `recurrent_kernel [u, 4u]`, `bias [4u]`, gates i, f, c, o;
 * sigmoid gates and `unit_forget_bias` as Keras (tfjs' LSTMCell defaults to hardSigmoid and glorot-normal). With
 * `usePeepholes` (Gers & Schmidhuber 2000) the input and forget gates also see the previous cell state and the
 * output gate the new one, through `input_gate_peephole_weights`, `forget_gate_peephole_weights`,
 * `output_gate_peephole_weights` `[u]`.
 * Port of keras/src/layers/rnn/lstm.py LSTMCell and tf.keras' PeepholeLSTMCell (tensorflow/python/keras/layers/recurrent.py).
 */
export class KerasLSTMCell extends tfl.layers.RNNCell implements MaskedCell {
  /** @nocollapse */
  static className = 'SeqlabLSTMCell';
  readonly units: number;
  readonly usePeepholes: boolean;
  readonly stateSize: number[];
  readonly unitForgetBias: boolean;
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
  private readonly peepholeInit: Initializer;
  private readonly masks: MaskSource;
  private kernel!: tfl.LayerVariable;
  private recurrentKernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  private inputPeephole: tfl.LayerVariable | null = null;
  private forgetPeephole: tfl.LayerVariable | null = null;
  private outputPeephole: tfl.LayerVariable | null = null;
  private inputMask: tf.Tensor | null = null;
  private stateMask: tf.Tensor | null = null;
  /** Set by {@link KerasLSTM} while its step loop runs on inputs already projected by {@link projectInputs}. */
  projected = false;

  constructor(args: KerasLSTMArgs) {
    super({ name: args.name });
    this.units = checkUnits(args.units, 'units', 'KerasLSTMCell');
    this.usePeepholes = args.usePeepholes ?? false;
    this.stateSize = [this.units, this.units];
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.activationName = args.activation ?? 'tanh';
    this.recurrentActivationName = args.recurrentActivation ?? 'sigmoid';
    this.act = activation(this.activationName, 'activation', 'KerasLSTMCell');
    this.recAct = activation(this.recurrentActivationName, 'recurrentActivation', 'KerasLSTMCell');
    this.dropout = checkRate(args.dropout ?? 0, 'dropout', 'KerasLSTMCell');
    this.recurrentDropout = checkRate(args.recurrentDropout ?? 0, 'recurrentDropout', 'KerasLSTMCell');
    this.seed = args.seed;
    this.masks = new MaskSource(args.seed);
    this.kernelInit = deserializeInitializer(args.kernelInitializer ?? tfl.initializers.glorotUniform({}));
    this.recurrentInit = deserializeInitializer(args.recurrentInitializer ?? tfl.initializers.orthogonal({}));
    this.biasInit = deserializeInitializer(args.biasInitializer ?? tfl.initializers.zeros());
    const limit = Math.sqrt(3 / this.units);
    this.peepholeInit = deserializeInitializer(
      args.peepholeInitializer ?? tfl.initializers.randomUniform({ minval: -limit, maxval: limit }),
    );
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1] as number;
    const u = this.units;
    this.kernel = this.addWeight('kernel', [inputDim, 4 * u], 'float32', this.kernelInit);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 4 * u], 'float32', this.recurrentInit);
    this.bias = this.addWeight('bias', [4 * u], 'float32', this.biasInit);
    if (this.unitForgetBias) {
      // Keras: concat(bias_init(u), ones(u), bias_init(2u)).
      const value = tf.tidy(() =>
        tf.concat([this.biasInit.apply([u]), tf.ones([u]), this.biasInit.apply([2 * u])], 0),
      );
      this.bias.write(value);
      value.dispose();
    }
    if (this.usePeepholes) {
      this.inputPeephole = this.addWeight('input_gate_peephole_weights', [u], 'float32', this.peepholeInit);
      this.forgetPeephole = this.addWeight('forget_gate_peephole_weights', [u], 'float32', this.peepholeInit);
      this.outputPeephole = this.addWeight('output_gate_peephole_weights', [u], 'float32', this.peepholeInit);
    }
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
      return fusedLstm(
        tf.cast(dropped, 'float32'),
        this.kernel.read(),
        this.recurrentKernel.read(),
        this.bias.read(),
        {
          recurrentActivation: this.recurrentActivationName as 'sigmoid' | 'hardSigmoid',
          peepholes: this.usePeepholes
            ? {
                i: this.inputPeephole!.read(),
                f: this.forgetPeephole!.read(),
                o: this.outputPeephole!.read(),
              }
            : null,
          returnSequences,
          mask,
        },
      );
    });
  }

  /** `dropout(x)·kernel + bias` for every step: `[batch, steps, 4u]` in one MatMul. */
  projectInputs(x: tf.Tensor, training: boolean): tf.Tensor {
    if (training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask([x.shape[0]!, x.shape[2]!], this.dropout));
    }
    return tf.tidy(() => {
      const [batch, steps, dim] = x.shape as [number, number, number];
      const dropped = training && this.inputMask !== null ? tf.mul(x, tf.expandDims(this.inputMask, 1)) : x;
      const flat = tf.add(
        tf.matMul(tf.reshape(dropped, [batch * steps, dim]), this.kernel.read()),
        this.bias.read(),
      );
      return tf.reshape(flat, [batch, steps, 4 * this.units]);
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    const [x0, h0, c0] = inputs as tf.Tensor[];
    const training = kwargs?.['training'] === true;
    if (!this.projected && training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask(x0!.shape, this.dropout));
    }
    if (training && this.recurrentDropout > 0 && this.stateMask === null) {
      this.stateMask = tf.keep(this.masks.mask(h0!.shape, this.recurrentDropout));
    }
    return tf.tidy(() => {
      const hRec = training && this.stateMask !== null ? tf.mul(h0!, this.stateMask) : h0!;
      const cPrev = c0!;
      const recurrent = tf.matMul(hRec, this.recurrentKernel.read());
      let z: tf.Tensor;
      if (this.projected) {
        z = tf.add(x0!, recurrent);
      } else {
        const x = training && this.inputMask !== null ? tf.mul(x0!, this.inputMask) : x0!;
        z = tf.add(tf.add(tf.matMul(x, this.kernel.read()), recurrent), this.bias.read());
      }
      const [zI, zF, zC, zO] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const peep = (w: tfl.LayerVariable | null, t: tf.Tensor, state: tf.Tensor) =>
        w === null ? t : tf.add(t, tf.mul(w.read(), state));
      const i = this.recAct(peep(this.inputPeephole, zI, cPrev));
      const f = this.recAct(peep(this.forgetPeephole, zF, cPrev));
      const c = tf.add(tf.mul(f, cPrev), tf.mul(i, this.act(zC)));
      const o = this.recAct(peep(this.outputPeephole, zO, c));
      const h = tf.mul(o, this.act(c));
      return [h, h, c];
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      recurrentActivation: this.recurrentActivationName,
      unitForgetBias: this.unitForgetBias,
      usePeepholes: this.usePeepholes,
      kernelInitializer: serializeInitializer(this.kernelInit) as unknown as tf.serialization.ConfigDict,
      recurrentInitializer: serializeInitializer(
        this.recurrentInit,
      ) as unknown as tf.serialization.ConfigDict,
      biasInitializer: serializeInitializer(this.biasInit) as unknown as tf.serialization.ConfigDict,
      peepholeInitializer: serializeInitializer(this.peepholeInit) as unknown as tf.serialization.ConfigDict,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}
tf.serialization.registerClass(KerasLSTMCell);

/** Keras' `LSTM` layer over {@link KerasLSTMCell} (peepholes optional), fused kernel by default. */
export class KerasLSTM extends CellRNN {
  /** @nocollapse */
  static override className = 'SeqlabLSTM';

  constructor(args: KerasLSTMArgs) {
    super(
      {
        cell: new KerasLSTMCell(args),
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
tf.serialization.registerClass(KerasLSTM);

/**
 * Creates a Keras-exact LSTM layer (4·(d·u + u² + u) parameters on `d` features, + 3u with peepholes).
 *
 * @example
 * ```ts
 * const layer = kerasLSTM({ units: 8, dropout: 0.3 }); // 800 params on 16 features
 * ```
 */
export function kerasLSTM(args: KerasLSTMArgs): KerasLSTM {
  return new KerasLSTM(args);
}
