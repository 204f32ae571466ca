import { fusedGatedConv1d } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import {
  FUSED_CONV_ACTIVATIONS,
  fusedConvBackend,
  KerasConv1D,
  type PoolingConv,
  runFusedConv1d,
} from './_conv.js';
import type { GatedBlock } from './_gated_block.js';
import { type IdsConsumer, type IdsLookup, idsFor } from './_ids_pairing.js';
import {
  type ActivationName,
  activation,
  checkUnits,
  deserializeInitializer,
  type Initializer,
  type InitializerConfig,
  serializeInitializer,
} from './_util.js';

/** Arguments of {@link CausalConv1D}: Keras `Conv1D(filters, kernel_size, padding='causal', dilation_rate=…)`. */
export interface CausalConv1DArgs {
  /** Number of output channels. */
  filters: number;
  /** Number of taps. */
  kernelSize: number;
  /**
   * Distance between taps (Keras `dilation_rate`).
   * @default 1
   */
  dilationRate?: number;
  /**
   * Activation applied to the output.
   * @default 'linear'
   */
  activation?: ActivationName;
  /**
   * Whether a bias is added.
   * @default true
   */
  useBias?: boolean;
  /**
   * Initializer of the kernel `[kernelSize, inputChannels, filters]`.
   * @default glorotUniform
   */
  kernelInitializer?: Initializer | InitializerConfig;
  /**
   * Initializer of the bias `[filters]`.
   * @default zeros
   */
  biasInitializer?: Initializer | InitializerConfig;
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

type ConfigDict = tf.serialization.ConfigDict;

function single(value: unknown, field: string): number | undefined {
  if (value == null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length !== 1 || typeof list[0] !== 'number') {
    throw new ModelsError(
      'INVALID_OPTION',
      `CausalConv1D: ${field} must be one number (or a list of one), got ${JSON.stringify(value)}.`,
    );
  }
  return list[0];
}

/**
 * Causal, dilated 1-D convolution that trains on every tfjs backend: `out[t] = Σ_k x[t - (K-1-k)·d] · W[k] + b`,
 * with zeros before the start — Keras' `Conv1D(padding='causal')` with its weight layout (`kernel [K, in, filters]`,
 * `bias [filters]`). tfjs' `conv1d` rejects `'causal'` and its gradients reject dilation > 1, so this layer left-pads
 * by `(K-1)·d` and sums one matrix product per tap (tap `k` reads the padded input shifted by `k·d`), computed as
 * one MatMul of the side-by-side taps: its gradient needs only Pad, Slice, Concat and MatMul.
 * Port of keras/src/layers/convolutional/base_conv.py (causal padding in keras/src/ops/nn.py conv).
 */
export class CausalConv1D extends tfl.layers.Layer implements PoolingConv, IdsConsumer {
  /**
   * Saved as tfjs' and Keras' `Conv1D` with `padding: 'causal'` (Keras computes it; stock tfjs-layers reads the
   * config but cannot run causal padding). Saves from before, under `SeqlabCausalConv1D`, still load.
   * @nocollapse
   */
  static className = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly dilationRate: number;
  readonly useBias: boolean;
  /** @internal */
  readonly activationName: ActivationName;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;
  private kernel!: tfl.LayerVariable;
  private bias: tfl.LayerVariable | null = null;
  /**
   * Whether to run `@seqlab/wasm`'s fused convolution on the wasm backend (for the activations it fuses: linear,
   * relu, tanh, sigmoid); `false` keeps the tfjs ops below. Not saved.
   */
  fused = true;
  /** Set by `pairConvPooling` (the model's graph): the `GlobalMaxPooling1D` layer that alone reads the output. */
  pooledBy: tfl.layers.Layer | null = null;
  /** The ids behind the latest output of each Embedding this layer reads in the model graph. */
  readonly offered: Map<tfl.layers.Layer, IdsLookup> = new Map();

  /** @internal */
  offerIds(lookup: IdsLookup): void {
    this.offered.set(lookup.producer, lookup);
  }
  /**
   * Set by `pairGatedConvs` (the model's graph) on a WaveNet filter convolution (tanh): its gate (sigmoid) on the
   * same input, whose product with this layer's output alone is read. On the fused path this layer then returns
   * the whole product `tanh(filter) · sigmoid(gate)` from one kernel call and the gate returns ones, so the
   * `Multiply` after them gives the same value and both layers' weights the same gradients.
   */
  gate: CausalConv1D | null = null;
  /** Set by `pairGatedConvs` on the gate of a paired filter convolution. */
  gateOf: CausalConv1D | null = null;
  /**
   * Set by `pairGatedBlocks` (the model's graph) on the convolutions of a WaveNet gated block, which then run as one
   * fused op on the wasm backend.
   */
  block: GatedBlock | null = null;

  constructor(args: CausalConv1DArgs) {
    super({
      name: args.name,
      inputShape: args.inputShape,
      batchInputShape: args.batchInputShape,
      trainable: args.trainable,
    } as ConstructorParameters<typeof tfl.layers.Layer>[0]);
    this.filters = checkUnits(args.filters, 'filters', 'CausalConv1D');
    this.kernelSize = checkUnits(args.kernelSize, 'kernelSize', 'CausalConv1D');
    this.dilationRate = checkUnits(args.dilationRate ?? 1, 'dilationRate', 'CausalConv1D');
    this.useBias = args.useBias ?? true;
    this.activationName = args.activation ?? 'linear';
    this.act = activation(this.activationName, 'activation', 'CausalConv1D');
    this.kernelInit = deserializeInitializer(args.kernelInitializer ?? tfl.initializers.glorotUniform({}));
    this.biasInit = deserializeInitializer(args.biasInitializer ?? tfl.initializers.zeros());
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 3 || shape[2] == null) {
      throw new ModelsError(
        'INVALID_OPTION',
        `CausalConv1D: expected input of shape [batch, steps, channels] with known channels, got ` +
          `${JSON.stringify(shape)}.`,
      );
    }
    const channels = shape[2];
    this.kernel = this.addWeight(
      'kernel',
      [this.kernelSize, channels, this.filters],
      'float32',
      this.kernelInit,
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInit);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0] ?? null, shape[1] ?? null, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    // Outside a tidy: the block's outputs and tokens outlive this call (later layers of the block return them).
    const fromBlock = this.block?.convCall(this, Array.isArray(inputs) ? inputs[0]! : inputs) ?? null;
    if (fromBlock !== null) return fromBlock;
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const paired = this.gate ?? this.gateOf;
      if (paired !== null && this.fused && paired.fused && fusedConvBackend()) {
        // Ones of the output's shape (a broadcast Multiply takes tfjs-backend-wasm's slow path); Fill runs in wasm.
        if (this.gateOf !== null) return tf.fill([x.shape[0], x.shape[1], this.filters], 1);
        const gate = this.gate!;
        return fusedGatedConv1d(
          x.dtype === 'float32' ? x : tf.cast(x, 'float32'),
          this.kernel.read(),
          this.bias?.read() ?? null,
          gate.kernel.read(),
          gate.bias?.read() ?? null,
          { padding: 'causal', dilationRate: this.dilationRate },
        );
      }
      if (this.fused && fusedConvBackend() && FUSED_CONV_ACTIVATIONS.includes(this.activationName)) {
        return runFusedConv1d(
          x,
          this.kernel,
          this.bias,
          'causal',
          this.dilationRate,
          this.activationName,
          this.pooledBy !== null,
          idsFor(this.offered.values(), x),
        );
      }
      const [batch, steps, channels] = x.shape;
      const kernel = this.kernel.read() as tf.Tensor3D;
      const pad = (this.kernelSize - 1) * this.dilationRate;
      const padded =
        pad > 0
          ? tf.pad(x, [
              [0, 0],
              [pad, 0],
              [0, 0],
            ])
          : x;
      // Tap k reads the padded input shifted by k·d; the taps side by side ([b·t, K·in]) times the kernel
      // reshaped to [K·in, filters] is the sum of the per-tap products, in one MatMul.
      const taps: tf.Tensor[] = [];
      for (let k = 0; k < this.kernelSize; k++) {
        taps.push(tf.slice(padded, [0, k * this.dilationRate, 0], [batch, steps, channels]));
      }
      const stacked = taps.length === 1 ? taps[0]! : tf.concat(taps, 2);
      const out = tf.matMul(
        tf.reshape(stacked, [batch * steps, this.kernelSize * channels]) as tf.Tensor2D,
        tf.reshape(kernel, [this.kernelSize * channels, this.filters]) as tf.Tensor2D,
      );
      let y: tf.Tensor = tf.reshape(out, [batch, steps, this.filters]);
      if (this.bias !== null) y = tf.add(y, this.bias.read());
      return this.act(y);
    });
  }

  /** The fields tfjs' `Conv1D` writes (`padding: 'causal'`, sizes as lists of one), so both can read it. */
  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [this.kernelSize],
      strides: [1],
      padding: 'causal',
      dilationRate: [this.dilationRate],
      activation: this.activationName,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInit) as unknown as ConfigDict,
      biasInitializer: serializeInitializer(this.biasInit) as unknown as ConfigDict,
      kernelRegularizer: null,
      biasRegularizer: null,
      activityRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
    };
  }

  /**
   * A `Conv1D` config with `padding: 'causal'` (stride 1, channels last, no regularizers or constraints) builds
   * this layer; any other `Conv1D` config builds tfjs' own (as {@link KerasConv1D}, which runs the fused kernel).
   * @nocollapse
   */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: ConfigDict,
  ): T {
    const stockOnly =
      config['padding'] !== 'causal' ||
      (single(config['strides'], 'strides') ?? 1) !== 1 ||
      (config['dataFormat'] ?? 'channelsLast') !== 'channelsLast' ||
      [
        'kernelRegularizer',
        'biasRegularizer',
        'activityRegularizer',
        'kernelConstraint',
        'biasConstraint',
      ].some((field) => config[field] != null);
    if (stockOnly) return new KerasConv1D(config as never) as unknown as T;
    return new cls(causalArgs(config) as unknown as ConfigDict);
  }
}

function causalArgs(config: ConfigDict): CausalConv1DArgs {
  const { kernelSize, dilationRate, strides: _s, padding: _p, dataFormat: _d, ...rest } = config;
  return {
    ...(rest as unknown as CausalConv1DArgs),
    kernelSize: single(kernelSize, 'kernelSize') as number,
    dilationRate: single(dilationRate, 'dilationRate'),
  };
}

tf.serialization.registerClass(CausalConv1D);
// Saves from before the layer took the name Conv1D: causal by definition, sizes as plain numbers.
tf.serialization.SerializationMap.getMap().classNameMap['SeqlabCausalConv1D'] = [
  CausalConv1D,
  (cls, config) => new (cls as unknown as typeof CausalConv1D)(causalArgs({ ...config, padding: 'causal' })),
];

/**
 * Creates a {@link CausalConv1D} layer.
 *
 * @example
 * ```ts
 * const conv = causalConv1d({ filters: 16, kernelSize: 2, dilationRate: 4 }); // [b, t, c] → [b, t, 16]
 * ```
 */
export function causalConv1d(args: CausalConv1DArgs): CausalConv1D {
  return new CausalConv1D(args);
}
