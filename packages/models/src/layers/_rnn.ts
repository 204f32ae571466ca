// The seqlab recurrent layer over one cell: dropout masks per call, the fused kernel when the configuration (and,
// for ids, the model graph) allows, and the stock twin it is saved as.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { KerasCell, MaskedCell, RecurrentArgs } from './_cell.js';
import { type IdsConsumer, type IdsLookup, type IdsOffer, idsFor, inputsFor } from './_ids_pairing.js';
import { type StockTwin, savedClassName, stockLayerFor } from './_stock_twin.js';

export {
  type FusedInput,
  type GatedArgs,
  GatedCell,
  KerasCell,
  type MaskedCell,
  type RecurrentArgs,
} from './_cell.js';
export { GATED_ACTIVATIONS, needsStockLayer, registerClassAs, type StockTwin } from './_stock_twin.js';

type ConfigDict = tf.serialization.ConfigDict;
type RnnArgs = ConstructorParameters<typeof tfl.layers.RNN>[0];

/**
 * An `RNN` over one seqlab cell that, like Keras' `RNN` and tfjs' `LSTM`/`GRU`, draws the cell's dropout masks
 * once per call (per batch) and frees them afterwards, and runs the fused kernel when the configuration allows.
 */
export abstract class CellRNN extends tfl.layers.RNN implements IdsConsumer {
  /** Whether to run the fused kernels when the configuration allows. */
  readonly fused: boolean;
  /** The ids behind the latest output of each Embedding/OneHot layer this layer reads in the model graph. */
  private readonly offered = new Map<tfl.layers.Layer, IdsLookup>();

  constructor(cell: KerasCell, args: RecurrentArgs) {
    super({
      cell,
      returnSequences: args.returnSequences ?? false,
      goBackwards: args.goBackwards ?? false,
      name: args.name,
      inputShape: args.inputShape,
      batchInputShape: args.batchInputShape,
      trainable: args.trainable,
    } as RnnArgs);
    this.fused = args.fused ?? true;
  }

  /**
   * Takes the ids behind an Embedding's or OneHot's output that this layer reads in the model graph.
   * @internal
   */
  offerIds(lookup: IdsLookup): void {
    this.offered.set(lookup.producer, lookup);
  }

  /**
   * Whether this layer's next call reads the ids behind `offer`: on the fused path, when the cell does.
   * @internal
   */
  willReadIds(offer: IdsOffer): boolean {
    const cell = this.cell as unknown as MaskedCell;
    return (
      this.fused &&
      cell.fusedCall !== undefined &&
      !this.returnState &&
      cell.readsIds?.(offer.table !== null, offer.training) === true
    );
  }

  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    this.offered.clear();
    return super.dispose();
  }

  /** The layer's config: tfjs' RNN fields and the cell's; `fused` only when off (stock tfjs ignores it). */
  override getConfig(): ConfigDict {
    const config = super.getConfig();
    if (!this.fused) config['fused'] = false;
    return config;
  }

  /**
   * The stock tfjs-layers layer this class is saved as and stands in for, if any (see {@link StockTwin}).
   * @nocollapse
   */
  protected static stock: StockTwin | null = null;

  /** tfjs' class name, or the seqlab one when the cell uses an option stock tfjs cannot run. */
  override getClassName(): string {
    // `this.cell` is unset while tfjs' Layer constructor asks for the name to name the layer.
    return savedClassName(super.getClassName(), (this.constructor as typeof CellRNN).stock, this.cell);
  }

  /**
   * Rebuilds the layer from its config; a config this class cannot run (see {@link needsStockLayer}) gets the
   * stock tfjs layer instead, so that registering seqlab's classes under `LSTM`/`GRU`/`SimpleRNN` loses nothing.
   * @nocollapse
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: ConfigDict,
  ): T {
    const { cell: _cell, ...rest } = config;
    const stock = stockLayerFor(rest, (cls as unknown as typeof CellRNN).stock);
    return stock === null ? new cls(rest) : (stock as unknown as T);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const cell: MaskedCell = this.cell as unknown as KerasCell;
    let x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const training = kwargs?.['training'] === true;
    const fusedPath =
      this.fused && cell.fusedCall !== undefined && kwargs?.['initialState'] == null && !this.returnState;
    const ids = fusedPath ? idsFor(this.offered.values(), x) : null;
    // A producer may have skipped its values for this call: this call takes them if it does not read its ids.
    inputs = inputsFor(inputs, ids !== null && cell.readsIds?.(ids.table !== null, training) === true);
    x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const loopArgs = {
      mask: kwargs?.['mask'],
      training: kwargs?.['training'],
      initialState: kwargs?.['initialState'],
    };
    cell.resetDropoutMasks();
    try {
      if (fusedPath) {
        const mask = (kwargs?.['mask'] as tf.Tensor | null | undefined) ?? null;
        const out = cell.fusedCall!(x, training, this.returnSequences, mask, this.goBackwards, ids);
        if (out !== null) return out;
      }
      if (cell.projectInputs !== undefined) {
        return tf.tidy(() => {
          const projected = cell.projectInputs!(x, training);
          cell.projected = true;
          try {
            return super.call(projected, loopArgs);
          } finally {
            cell.projected = false;
          }
        });
      }
      return super.call(inputs, loopArgs);
    } finally {
      cell.resetDropoutMasks();
    }
  }
}
