import { fusedLstm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  CellRNN,
  type FusedInput,
  GATED_ACTIVATIONS,
  type GatedArgs,
  GatedCell,
  registerClassAs,
  type StockTwin,
} from './_rnn.js';
import {
  deserializeInitializer,
  type Initializer,
  type InitializerConfig,
  serializeInitializer,
} from './_util.js';

/** Arguments of {@link KerasLSTMCell} and {@link KerasLSTM}, with Keras 3's `LSTM` defaults. */
export interface KerasLSTMArgs extends GatedArgs {
  /**
   * Peephole connections (Gers & Schmidhuber 2000; tf.keras `PeepholeLSTMCell`): three more weight vectors `[u]`.
   * A layer with peepholes has no stock tfjs equivalent and is saved as `SeqlabLSTM`.
   * @default false
   */
  usePeepholes?: boolean;
  /**
   * Add 1 to the forget-gate bias at initialisation (Jozefowicz et al. 2015), as Keras does by default.
   * @default true
   */
  unitForgetBias?: boolean;
  /**
   * Initializer of the three peephole weight vectors `[units]`. tf.keras uses the kernel initializer,
   * glorot-uniform, which on a vector of length `u` draws from `U(-sqrt(3 / u), sqrt(3 / u))`.
   * @default randomUniform(-sqrt(3 / units), sqrt(3 / units))
   */
  peepholeInitializer?: Initializer | InitializerConfig;
}

/**
 * Keras' LSTM cell: weights `kernel [inputDim, 4u]`, `recurrent_kernel [u, 4u]`, `bias [4u]`, gates i, f, c, o;
 * sigmoid gates and `unit_forget_bias` as Keras (tfjs' LSTMCell defaults to hardSigmoid and glorot-normal). With
 * `usePeepholes` (Gers & Schmidhuber 2000) the input and forget gates also see the previous cell state and the
 * output gate the new one, through `input_gate_peephole_weights`, `forget_gate_peephole_weights`,
 * `output_gate_peephole_weights` `[u]`.
 * Port of keras/src/layers/rnn/lstm.py LSTMCell and tf.keras' PeepholeLSTMCell (tensorflow/python/keras/layers/recurrent.py).
 */
export class KerasLSTMCell extends GatedCell {
  /** @nocollapse */
  static className = 'SeqlabLSTMCell';
  readonly usePeepholes: boolean;
  readonly stateSize: number[];
  readonly unitForgetBias: boolean;
  private readonly peepholeInit: Initializer;
  private inputPeephole: tfl.LayerVariable | null = null;
  private forgetPeephole: tfl.LayerVariable | null = null;
  private outputPeephole: tfl.LayerVariable | null = null;

  constructor(args: KerasLSTMArgs) {
    super(args, 'KerasLSTMCell', 4);
    this.usePeepholes = args.usePeepholes ?? false;
    this.stateSize = [this.units, this.units];
    // Stock tfjs writes `unitForgetBias: null` for "off".
    this.unitForgetBias = args.unitForgetBias === undefined ? true : args.unitForgetBias === true;
    const limit = Math.sqrt(3 / this.units);
    this.peepholeInit = deserializeInitializer(
      args.peepholeInitializer ?? tfl.initializers.randomUniform({ minval: -limit, maxval: limit }),
    );
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const u = this.units;
    this.buildWeights(inputShape);
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

  protected runFused(
    x: tf.Tensor,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    input: FusedInput,
  ): tf.Tensor {
    return fusedLstm(x, this.kernel.read(), this.recurrentKernel.read(), this.bias.read(), {
      recurrentActivation: this.fusedRecurrentActivation,
      peepholes: this.usePeepholes
        ? { i: this.inputPeephole!.read(), f: this.forgetPeephole!.read(), o: this.outputPeephole!.read() }
        : null,
      returnSequences,
      mask,
      ...input,
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    const [x0, h0, cPrev] = inputs as [tf.Tensor, tf.Tensor, tf.Tensor];
    const training = kwargs?.['training'] === true;
    this.drawStepMasks(x0, h0, training);
    return tf.tidy(() => {
      const recurrent = tf.matMul(this.dropState(h0, training), this.recurrentKernel.read());
      const z = this.projected
        ? tf.add(x0, recurrent)
        : tf.add(
            tf.add(tf.matMul(this.dropStep(x0, training), this.kernel.read()), recurrent),
            this.bias.read(),
          );
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

  /** tfjs' `LSTM` config (with `unitForgetBias`); the peephole fields only when the cell has peepholes. */
  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), unitForgetBias: this.unitForgetBias };
    if (this.usePeepholes) {
      config['usePeepholes'] = true;
      config['peepholeInitializer'] = serializeInitializer(
        this.peepholeInit,
      ) as unknown as tf.serialization.ConfigDict;
    }
    return config;
  }
}
tf.serialization.registerClass(KerasLSTMCell);

/**
 * Keras' `LSTM` layer over {@link KerasLSTMCell} (peepholes optional), fused kernel by default. Saved as tfjs'
 * `LSTM` (stock tfjs-layers loads it) unless it has peepholes (`SeqlabLSTM`); once `@seqlab/models` is imported,
 * `LSTM` layers load as this class.
 */
export class KerasLSTM extends CellRNN {
  /** @nocollapse */
  static override className = 'LSTM';
  /** @nocollapse */
  protected static override stock: StockTwin = {
    className: 'LSTM',
    create: (config) => tfl.layers.lstm(config as unknown as Parameters<typeof tfl.layers.lstm>[0]),
    activations: GATED_ACTIVATIONS,
    seqlabOnly: { option: 'usePeepholes', className: 'SeqlabLSTM' },
  };

  constructor(args: KerasLSTMArgs) {
    super(new KerasLSTMCell(args), args);
  }
}
tf.serialization.registerClass(KerasLSTM);
registerClassAs(KerasLSTM, 'SeqlabLSTM');

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
