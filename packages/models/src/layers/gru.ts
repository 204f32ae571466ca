import { fusedGru } from '@seqlab/wasm';
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

/** Arguments of {@link KerasGRUCell} and {@link KerasGRU}, with Keras 3's `GRU` defaults. */
export interface KerasGRUArgs extends GatedArgs {
  /**
   * Keras `reset_after`: apply the reset gate after the recurrent matrix product, with separate input and
   * recurrent biases (bias shape `[2, 3 * units]`, cuDNN-compatible). `false` is the original GRU (tfjs' variant,
   * saved as tfjs' `GRU`); `true` has no stock tfjs equivalent and is saved as `GRU` with `resetAfter: true`, the
   * config Keras reads as `GRU(reset_after=True)` (stock tfjs-layers refuses it with its own error).
   * @default true
   */
  resetAfter?: boolean;
}

/**
 * Keras' GRU cell (`keras.layers.GRUCell`), with `reset_after=True` by default — which tfjs-layers' `GRUCell`
 * rejects. Weight layout as Keras: `kernel [inputDim, 3u]`, `recurrent_kernel [u, 3u]`, gates in z, r, h order,
 * `bias [2, 3u]` (input bias, recurrent bias) when `resetAfter`, else `[3u]`.
 * Port of keras/src/layers/rnn/gru.py GRUCell.call.
 */
export class KerasGRUCell extends GatedCell {
  /** @nocollapse */
  static className = 'SeqlabGRUCell';
  readonly stateSize: number;
  readonly resetAfter: boolean;

  constructor(args: KerasGRUArgs) {
    super(args, 'KerasGRUCell', 3);
    this.stateSize = this.units;
    this.resetAfter = args.resetAfter ?? true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.buildWeights(inputShape, this.resetAfter ? [2, 3 * this.units] : undefined);
    this.built = true;
  }

  protected runFused(
    x: tf.Tensor,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    input: FusedInput,
  ): tf.Tensor {
    return fusedGru(x, this.kernel.read(), this.recurrentKernel.read(), this.bias.read(), {
      resetAfter: this.resetAfter,
      recurrentActivation: this.fusedRecurrentActivation,
      returnSequences,
      mask,
      ...input,
    });
  }

  /** The input bias: row 0 of the `[2, 3u]` bias with `resetAfter`. */
  protected override inputBias(): tf.Tensor {
    const bias = this.bias.read();
    const width = 3 * this.units;
    return this.resetAfter ? tf.reshape(tf.slice(bias, [0, 0], [1, width]), [width]) : bias;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    const [x0, hPrev] = inputs as [tf.Tensor, tf.Tensor];
    const training = kwargs?.['training'] === true;
    this.drawStepMasks(x0, hPrev, training);
    return tf.tidy(() => {
      const u = this.units;
      const x = this.dropStep(x0, training);
      const hRec = this.dropState(hPrev, training);
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

  /** tfjs' `GRU` config, plus `resetAfter` (which tfjs writes as `false` and Keras reads). */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}
tf.serialization.registerClass(KerasGRUCell);

/**
 * Keras' `GRU` layer (reset_after=True by default) over {@link KerasGRUCell}. Saved as `GRU` (stock tfjs-layers
 * loads it with `resetAfter: false`; Keras reads both), older saves under `SeqlabGRU` still load; once `@seqlab/models` is
 * imported, `GRU` layers — Keras' `reset_after=True` ones too — load as this class.
 */
export class KerasGRU extends CellRNN {
  /** @nocollapse */
  static override className = 'GRU';
  /** @nocollapse */
  protected static override stock: StockTwin = {
    className: 'GRU',
    create: (config) => tfl.layers.gru(config as unknown as Parameters<typeof tfl.layers.gru>[0]),
    activations: GATED_ACTIVATIONS,
    // `resetAfter: true` keeps tfjs' and Keras' name `GRU` (Keras computes it; stock tfjs refuses it by name).
    seqlabOnly: { option: 'resetAfter', className: 'GRU' },
  };

  constructor(args: KerasGRUArgs) {
    super(new KerasGRUCell(args), args);
  }
}
tf.serialization.registerClass(KerasGRU);
registerClassAs(KerasGRU, 'SeqlabGRU');

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
