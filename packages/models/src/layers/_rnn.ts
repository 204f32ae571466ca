import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  ACTIVATIONS,
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
import { embeddingSource } from './embedding.js';
import { oneHotSource } from './one_hot.js';

/** Arguments every seqlab recurrent layer takes, with Keras 3's defaults. */
export interface RecurrentArgs {
  /** Dimensionality of the output space. */
  units: number;
  /**
   * Initializer of the input kernel `[inputDim, gates · units]` (Keras' default; tfjs' SimpleRNN and LSTM use
   * glorot-normal).
   * @default glorotUniform
   */
  kernelInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the recurrent kernel `[units, gates · units]`.
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
   * Process the sequence from the last step to the first (Keras `go_backwards`; a `Bidirectional`'s backward
   * layer). The fused kernels reverse the sequence (and the mask) themselves; with `returnSequences` the outputs
   * are in processing order, as in Keras.
   * @default false
   */
  goBackwards?: boolean;
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

/** {@link RecurrentArgs} plus the activations of a gated layer (LSTM, GRU). */
export interface GatedArgs extends RecurrentArgs {
  /**
   * Activation of the candidate (and, in the LSTM, of the cell output).
   * @default 'tanh'
   */
  activation?: ActivationName;
  /**
   * Activation of the gates. Keras' default; tfjs' own LSTM and GRU default to `'hardSigmoid'`.
   * @default 'sigmoid'
   */
  recurrentActivation?: ActivationName;
}

/**
 * What {@link CellRNN} needs of its cell: per-sequence dropout masks, and optionally projection and fusion.
 * @internal
 */
export interface MaskedCell {
  resetDropoutMasks(): void;
  /**
   * Optional: the input half of every step at once (`x·kernel + bias` for all steps in one MatMul). When present,
   * the layer passes the projected sequence to the step loop and the cell skips that part per step.
   */
  projectInputs?(x: tf.Tensor, training: boolean): tf.Tensor;
  projected?: boolean;
  /**
   * Optional: the whole layer in one call of `@seqlab/wasm`'s fused WebAssembly SIMD kernels (forward and
   * backward through time), or `null` when this configuration needs the per-step loop (recurrent dropout).
   */
  fusedCall?(
    x: tf.Tensor,
    training: boolean,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    goBackwards?: boolean,
  ): tf.Tensor | null;
}

type ConfigDict = tf.serialization.ConfigDict;

/**
 * What a cell hands its fused kernel besides `x`: the input dropout mask, an Embedding layer's table and the
 * direction.
 */
export interface FusedInput {
  inputMask: tf.Tensor | null;
  embeddings: tf.Tensor | null;
  goBackwards: boolean;
}

/**
 * What the seqlab cells share: Keras' three weights (`kernel`, `recurrent_kernel`, `bias`, named and shaped as
 * Keras and tfjs name them), their initializers, seeded per-sequence dropout masks, the fused-kernel plumbing and
 * the serialized config, which carries every field tfjs' own cells write so that stock tfjs-layers can read it.
 */
export abstract class KerasCell extends tfl.layers.RNNCell {
  readonly units: number;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | undefined;
  /**
   * Set by {@link CellRNN} while its step loop runs on inputs already projected by `projectInputs`.
   * @internal
   */
  projected = false;
  protected readonly gates: number;
  protected readonly kernelInit: Initializer;
  protected readonly recurrentInit: Initializer;
  protected readonly biasInit: Initializer;
  protected readonly masks: MaskSource;
  protected kernel!: tfl.LayerVariable;
  protected recurrentKernel!: tfl.LayerVariable;
  protected bias!: tfl.LayerVariable;
  protected inputMask: tf.Tensor | null = null;
  protected stateMask: tf.Tensor | null = null;

  /** `layer` names the class in error messages; `gates` is how many `units`-wide blocks the kernels hold. */
  constructor(args: RecurrentArgs, layer: string, gates: number) {
    super({ name: args.name });
    this.units = checkUnits(args.units, 'units', layer);
    this.gates = gates;
    this.dropout = checkRate(args.dropout ?? 0, 'dropout', layer);
    this.recurrentDropout = checkRate(args.recurrentDropout ?? 0, 'recurrentDropout', layer);
    // Keras 3 configs store `seed: null` for an unseeded layer.
    this.seed = args.seed ?? undefined;
    this.masks = new MaskSource(this.seed);
    this.kernelInit = deserializeInitializer(args.kernelInitializer ?? tfl.initializers.glorotUniform({}));
    this.recurrentInit = deserializeInitializer(args.recurrentInitializer ?? tfl.initializers.orthogonal({}));
    this.biasInit = deserializeInitializer(args.biasInitializer ?? tfl.initializers.zeros());
  }

  /** Adds `kernel [inputDim, gates·u]`, `recurrent_kernel [u, gates·u]` and `bias` (`[gates·u]` unless given). */
  protected buildWeights(inputShape: tfl.Shape | tfl.Shape[], biasShape?: number[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1] as number;
    const width = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inputDim, width], 'float32', this.kernelInit);
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [this.units, width],
      'float32',
      this.recurrentInit,
    );
    this.bias = this.addWeight('bias', biasShape ?? [width], 'float32', this.biasInit);
  }

  /** @internal */
  resetDropoutMasks(): void {
    this.inputMask?.dispose();
    this.stateMask?.dispose();
    this.inputMask = null;
    this.stateMask = null;
  }

  /** Draws the input mask `[batch, features]` of a whole sequence `[batch, steps, features]`, once per call. */
  protected drawSequenceMask(x: tf.Tensor, training: boolean): void {
    if (training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask([x.shape[0]!, x.shape[2]!], this.dropout));
    }
  }

  /** `x [batch, steps, features]` with the input mask applied to every step (in training). */
  protected dropSequence(x: tf.Tensor, training: boolean): tf.Tensor {
    return training && this.inputMask !== null ? tf.mul(x, tf.expandDims(this.inputMask, 1)) : x;
  }

  /** Draws the masks of one step's input (unless it is projected already) and state, once per call. */
  protected drawStepMasks(x: tf.Tensor, h: tf.Tensor, training: boolean): void {
    if (!this.projected && training && this.dropout > 0 && this.inputMask === null) {
      this.inputMask = tf.keep(this.masks.mask(x.shape, this.dropout));
    }
    if (training && this.recurrentDropout > 0 && this.stateMask === null) {
      this.stateMask = tf.keep(this.masks.mask(h.shape, this.recurrentDropout));
    }
  }

  /** One step's input with its mask applied (in training, and not when projected: the mask is applied then). */
  protected dropStep(x: tf.Tensor, training: boolean): tf.Tensor {
    return !this.projected && training && this.inputMask !== null ? tf.mul(x, this.inputMask) : x;
  }

  /** The previous state as the recurrent product sees it (recurrent dropout in training). */
  protected dropState(h: tf.Tensor, training: boolean): tf.Tensor {
    return training && this.stateMask !== null ? tf.mul(h, this.stateMask) : h;
  }

  /** @internal */
  fusedCall(
    x: tf.Tensor,
    training: boolean,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    goBackwards = false,
  ): tf.Tensor | null {
    if ((training && this.recurrentDropout > 0) || !this.fusable()) return null;
    this.drawSequenceMask(x, training);
    // The kernel applies the input dropout mask itself, and reads an Embedding layer's rows by id; a cell that
    // reads one-hot ids does so when there is no dropout to apply to the one-hot floats.
    const inputMask = training ? this.inputMask : null;
    const embedded = embeddingSource(x);
    const oneHot =
      embedded === undefined && inputMask === null && this.readsOneHotIds() ? oneHotSource(x) : undefined;
    return tf.tidy(() => {
      if (embedded !== undefined) {
        return this.runFused(tf.tensor2d(embedded.ids, embedded.shape, 'int32'), returnSequences, mask, {
          inputMask,
          embeddings: embedded.table(),
          goBackwards,
        });
      }
      if (oneHot !== undefined) {
        const ids = tf.tensor2d(oneHot.ids, oneHot.shape, 'int32');
        return this.runFused(ids, returnSequences, mask, { inputMask: null, embeddings: null, goBackwards });
      }
      return this.runFused(tf.cast(x, 'float32'), returnSequences, mask, {
        inputMask,
        embeddings: null,
        goBackwards,
      });
    });
  }

  /** Whether the fused kernel takes one-hot rows as their ids (the {@link OneHot} layer's output). */
  protected readsOneHotIds(): boolean {
    return false;
  }

  /** Whether the fused kernel computes this configuration. */
  protected fusable(): boolean {
    return true;
  }

  /**
   * The fused kernel on the float32 sequence, or on int32 ids with `input.embeddings` (or, for the SimpleRNN,
   * one-hot ids); `input.inputMask` is the input dropout mask.
   */
  protected abstract runFused(
    x: tf.Tensor,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    input: FusedInput,
  ): tf.Tensor;

  /** The activation fields of the config, as tfjs' cell writes them. */
  protected abstract activationConfig(): ConfigDict;

  /**
   * Every field tfjs' own cell writes (tfjs-layers `layers/recurrent.ts` `getConfig`), so stock tfjs-layers
   * rebuilds the same layer; `seed` only when set (Keras 3 knows it, stock tfjs ignores it).
   */
  override getConfig(): ConfigDict {
    const config: ConfigDict = {
      ...super.getConfig(),
      units: this.units,
      ...this.activationConfig(),
      useBias: true,
      kernelInitializer: serializeInitializer(this.kernelInit) as unknown as ConfigDict,
      recurrentInitializer: serializeInitializer(this.recurrentInit) as unknown as ConfigDict,
      biasInitializer: serializeInitializer(this.biasInit) as unknown as ConfigDict,
      kernelRegularizer: null,
      recurrentRegularizer: null,
      biasRegularizer: null,
      activityRegularizer: null,
      kernelConstraint: null,
      recurrentConstraint: null,
      biasConstraint: null,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
    };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}

/** A {@link KerasCell} with gates (LSTM, GRU): configurable activations and input projection before the loop. */
export abstract class GatedCell extends KerasCell {
  protected readonly activationName: ActivationName;
  protected readonly recurrentActivationName: ActivationName;
  protected readonly act: (x: tf.Tensor) => tf.Tensor;
  protected readonly recAct: (x: tf.Tensor) => tf.Tensor;

  constructor(args: GatedArgs, layer: string, gates: number) {
    super(args, layer, gates);
    this.activationName = args.activation ?? 'tanh';
    this.recurrentActivationName = args.recurrentActivation ?? 'sigmoid';
    this.act = activation(this.activationName, 'activation', layer);
    this.recAct = activation(this.recurrentActivationName, 'recurrentActivation', layer);
  }

  protected override fusable(): boolean {
    return (
      this.activationName === 'tanh' &&
      (this.recurrentActivationName === 'sigmoid' || this.recurrentActivationName === 'hardSigmoid')
    );
  }

  /** The recurrent activation as the fused kernels name it (only called when {@link fusable}). */
  protected get fusedRecurrentActivation(): 'sigmoid' | 'hardSigmoid' {
    return this.recurrentActivationName as 'sigmoid' | 'hardSigmoid';
  }

  /** The bias added to the input projection. */
  protected inputBias(): tf.Tensor {
    return this.bias.read();
  }

  /**
   * `dropout(x)·kernel + input bias` for every step: `[batch, steps, gates·u]` in one MatMul.
   * @internal
   */
  projectInputs(x: tf.Tensor, training: boolean): tf.Tensor {
    this.drawSequenceMask(x, training);
    return tf.tidy(() => {
      const [batch, steps, dim] = x.shape as [number, number, number];
      const dropped = this.dropSequence(x, training);
      const flat = tf.matMul(tf.reshape(dropped, [batch * steps, dim]), this.kernel.read());
      return tf.reshape(tf.add(flat, this.inputBias()), [batch, steps, this.gates * this.units]);
    });
  }

  protected activationConfig(): ConfigDict {
    return { activation: this.activationName, recurrentActivation: this.recurrentActivationName };
  }
}

type RnnArgs = ConstructorParameters<typeof tfl.layers.RNN>[0];

/** The stock tfjs-layers layer a seqlab layer is saved as (same class name, config fields and weights). */
export interface StockTwin {
  /** tfjs' class name, which the seqlab class takes as its own `className`. */
  className: string;
  /** tfjs' factory (`tfl.layers.lstm`), for saved configs the seqlab layer cannot run. */
  create(config: ConfigDict): tfl.layers.Layer;
  /** The activation fields of the config and the values seqlab implements. */
  activations: Record<string, readonly string[]>;
  /** A seqlab option stock tfjs cannot run (`resetAfter`, `usePeepholes`): when on, the class name to save as. */
  seqlabOnly?: { option: string; className: string };
}

const STOCK_ONLY_FIELDS = [
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'kernelConstraint',
  'recurrentConstraint',
  'biasConstraint',
];

/**
 * Whether a saved config (e.g. one stock tfjs-layers wrote under `LSTM`) uses something the seqlab layers do not
 * implement — no bias, regularizers, constraints, returned states, stateful sequences, or an
 * activation outside `activations` — so that the stock tfjs layer must load it instead.
 */
export function needsStockLayer(config: ConfigDict, activations: Record<string, readonly string[]>): boolean {
  if (config['useBias'] === false) return true;
  if (config['returnState'] === true || config['stateful'] === true) return true;
  if (STOCK_ONLY_FIELDS.some((field) => config[field] != null)) return true;
  return Object.entries(activations).some(([field, allowed]) => {
    const value = config[field];
    return value != null && !allowed.includes(value as string);
  });
}

/** The activation names the seqlab gated cells implement. */
export const GATED_ACTIVATIONS: Record<string, readonly string[]> = {
  activation: Object.keys(ACTIVATIONS),
  recurrentActivation: Object.keys(ACTIVATIONS),
};

/**
 * An `RNN` over one seqlab cell that, like Keras' `RNN` and tfjs' `LSTM`/`GRU`, draws the cell's dropout masks
 * once per call (per batch) and frees them afterwards, and runs the fused kernel when the configuration allows.
 */
export abstract class CellRNN extends tfl.layers.RNN {
  /** Whether to run the fused kernels when the configuration allows. */
  readonly fused: boolean;

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
    const name = super.getClassName();
    const stock = (this.constructor as typeof CellRNN).stock;
    // `this.cell` is unset while tfjs' Layer constructor asks for the name to name the layer.
    const cell = this.cell as unknown as Record<string, unknown> | undefined;
    const only = stock?.seqlabOnly;
    return only !== undefined && name === stock?.className && cell?.[only.option] === true
      ? only.className
      : name;
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
    const stock = (cls as unknown as typeof CellRNN).stock;
    const seqlabOnly = stock?.seqlabOnly !== undefined && rest[stock.seqlabOnly.option] === true;
    if (stock !== null && !seqlabOnly && needsStockLayer(rest, stock.activations)) {
      return stock.create(rest) as unknown as T;
    }
    return new cls(rest);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const cell: MaskedCell = this.cell as unknown as KerasCell;
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const training = kwargs?.['training'] === true;
    const loopArgs = {
      mask: kwargs?.['mask'],
      training: kwargs?.['training'],
      initialState: kwargs?.['initialState'],
    };
    cell.resetDropoutMasks();
    try {
      if (
        this.fused &&
        cell.fusedCall !== undefined &&
        kwargs?.['initialState'] == null &&
        !this.returnState
      ) {
        const mask = (kwargs?.['mask'] as tf.Tensor | null | undefined) ?? null;
        const out = cell.fusedCall(x, training, this.returnSequences, mask, this.goBackwards);
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

/**
 * Makes `cls` load from saves that name it `name` as well (the names seqlab wrote before its layers took tfjs'
 * class names, and the names of configurations stock tfjs cannot run). `tf.serialization.registerClass` keys a
 * class by its static `className` only, so the extra name goes into the same map directly.
 */
export function registerClassAs(
  cls: tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  name: string,
): void {
  tf.serialization.SerializationMap.getMap().classNameMap[name] = [cls, cls.fromConfig];
}
