// The seqlab cell base: Keras' weights and defaults, per-sequence dropout masks, and the fused-kernel plumbing.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { IdsLookup } from './_ids_pairing.js';
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
    goBackwards: boolean,
    ids: IdsLookup | null,
  ): tf.Tensor | null;
  /** Optional: whether `fusedCall` reads a paired producer's ids (an Embedding's when `embedded`), not `x`. */
  readsIds?(embedded: boolean, training: boolean): boolean;
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

  /**
   * The fused kernel on `x`, or on `ids` — the ids an Embedding or OneHot layer made `x` from, when the model graph
   * pairs it with this layer (`x` is that layer's output): an embedding's rows are then read by id inside the
   * kernel, and a one-hot's ids stand for their rows when the cell reads them ({@link readsOneHotIds}) and no input
   * dropout applies to the one-hot floats.
   * @internal
   */
  fusedCall(
    x: tf.Tensor,
    training: boolean,
    returnSequences: boolean,
    mask: tf.Tensor | null,
    goBackwards: boolean,
    ids: IdsLookup | null,
  ): tf.Tensor | null {
    if ((training && this.recurrentDropout > 0) || !this.fusable()) return null;
    this.drawSequenceMask(x, training);
    const inputMask = training ? this.inputMask : null;
    const embeddings = ids?.table ?? null;
    const oneHot = ids !== null && embeddings === null && inputMask === null && this.readsOneHotIds();
    return tf.tidy(() => {
      if (embeddings !== null || oneHot) {
        // Cast as the Embedding and OneHot layers cast their input (truncation); int32 ids (trainLesson's) as they
        // are: a Cast kernel and its tape entry fewer a step.
        const idsInt = ids!.ids.dtype === 'int32' ? ids!.ids : tf.cast(ids!.ids, 'int32');
        return this.runFused(idsInt, returnSequences, mask, { inputMask, embeddings, goBackwards });
      }
      // A float32 input as it is: no Cast kernel (and its tape entry) a step.
      return this.runFused(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), returnSequences, mask, {
        inputMask,
        embeddings: null,
        goBackwards,
      });
    });
  }

  /**
   * Whether {@link fusedCall} reads the ids (not `x`) for a paired Embedding (`embedded`) or OneHot layer: the rule
   * it applies, asked ahead of the call by the ids agreement.
   * @internal
   */
  readsIds(embedded: boolean, training: boolean): boolean {
    if ((training && this.recurrentDropout > 0) || !this.fusable()) return false;
    return embedded || (!(training && this.dropout > 0) && this.readsOneHotIds());
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
