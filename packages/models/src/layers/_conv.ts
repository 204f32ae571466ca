import { type Conv1dActivation, fusedConv1d } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type IdsConsumer, type IdsLookup, type IdsOffer, idsFor, inputsFor } from './_ids_pairing.js';

type ConfigDict = tf.serialization.ConfigDict;

/** The activations the fused convolution applies itself; a layer with another one takes the stock path. */
export const FUSED_CONV_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'tanh', 'sigmoid'];

/**
 * Whether the convolution layers run `@seqlab/wasm`'s fused kernel: on the `wasm` backend (whose `initWasm` loads
 * the module); every other backend keeps the stock tfjs ops, with the same results.
 */
export function fusedConvBackend(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * The fused convolution of a float32 `[batch, steps, channels]` input, channels last, stride 1. With `pooled` (the
 * layer's only reader is a `GlobalMaxPooling1D`, see {@link pairConvPooling}) the op pools too and returns the
 * maxima as one step, `[batch, 1, filters]`: the pooling layer's max over that one step is the same value, and its
 * gradient passes through unchanged.
 */
export function runFusedConv1d(
  x: tf.Tensor,
  kernel: tfl.LayerVariable,
  bias: tfl.LayerVariable | null,
  padding: 'valid' | 'same' | 'causal',
  dilationRate: number,
  activation: string,
  pooled: boolean,
  ids: IdsLookup | null = null,
): tf.Tensor {
  const options = {
    padding,
    dilationRate,
    activation: activation as Conv1dActivation,
    globalMaxPool: pooled,
    keepDims: pooled,
  };
  const k = kernel.read();
  const b = bias === null ? null : bias.read();
  // After an Embedding layer, the kernel reads its table by id: a product per tap and word instead of per tap and
  // step, the better deal while the vocabulary is below the batch's steps (the zoo's 500 words vs 64 × 100).
  const table = ids?.table ?? null;
  return ids !== null && readsTable(table, ids.ids)
    ? fusedConv1d(ids.ids.dtype === 'int32' ? ids.ids : tf.cast(ids.ids, 'int32'), k, b, {
        ...options,
        embeddings: table,
      })
    : fusedConv1d(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), k, b, options);
}

/** Whether {@link runFusedConv1d} reads an Embedding's `table` by `ids` (rather than its output). */
export function readsTable(table: tf.Tensor | null, ids: tf.Tensor): boolean {
  return table !== null && table.shape[0]! <= ids.size;
}

/** A convolution layer that can hand its `GlobalMaxPooling1D` reader the pooled steps (see {@link pairConvPooling}). */
export interface PoolingConv {
  /** The `GlobalMaxPooling1D` layer that is the only reader of this layer's output, or null. */
  pooledBy: tfl.layers.Layer | null;
}

/** tfjs-layers' graph fields (`Layer.inboundNodes`/`outboundNodes`, `Node.outboundLayer`). */
interface GraphLayer {
  inboundNodes: unknown[];
  outboundNodes: { outboundLayer: tfl.layers.Layer }[];
}

/**
 * Decides from the model's graph, once it is built, which convolution layers (`layers`, the model's
 * {@link PoolingConv}s) pool inside the fused kernel: those applied once whose output only a `GlobalMaxPooling1D`
 * reads and that is not an output of the model. On the fused path they then return the maxima as one step
 * (`[batch, 1, filters]`), so the `[batch, steps, filters]` output and its gradient never leave the kernel; the
 * layers, their configs and the results stay Keras'.
 */
export function pairConvPooling(model: tfl.LayersModel, convs: readonly PoolingConv[]): void {
  for (const conv of convs) {
    const layer = conv as unknown as tfl.layers.Layer & GraphLayer;
    const reader = layer.outboundNodes.length === 1 ? layer.outboundNodes[0]!.outboundLayer : null;
    const isOutput = model.outputs.some((o) => o.sourceLayer === layer);
    conv.pooledBy =
      layer.inboundNodes.length === 1 && !isOutput && reader?.getClassName() === 'GlobalMaxPooling1D'
        ? reader
        : null;
  }
}

// tfjs-layers' own Conv1D, taken before causal_conv1d.ts registers its class under 'Conv1D'.
export const StockConv1D: new (config: ConfigDict) => tfl.layers.Layer =
  tf.serialization.SerializationMap.getMap().classNameMap['Conv1D']![0] as never;

/** tfjs' `Conv1D` fields the fused path reads (tfjs-layers `layers/convolutional.ts` `BaseConv`/`Conv`). */
interface StockConvFields {
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[] | number;
  activation: { getClassName(): string } | null;
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
}

/** Arguments of {@link KerasConv1D}: tfjs' `tf.layers.conv1d` arguments. */
export type KerasConv1DArgs = Parameters<typeof tfl.layers.conv1d>[0];

/**
 * tfjs' `Conv1D` (the same class name, config, weights and initialisation) that runs `@seqlab/wasm`'s fused
 * convolution on the wasm backend when it computes the configuration (stride 1, channels last, `'valid'` or
 * `'same'` padding, a linear, relu, tanh or sigmoid activation), and tfjs' own ops otherwise.
 */
export class KerasConv1D extends StockConv1D implements PoolingConv, IdsConsumer {
  /** Whether to run the fused kernel when the backend and configuration allow; `false` keeps tfjs' ops. */
  fused = true;
  /** Set by {@link pairConvPooling}. */
  pooledBy: tfl.layers.Layer | null = null;
  /** The ids behind the latest output of each Embedding this layer reads in the model graph. */
  readonly offered: Map<tfl.layers.Layer, IdsLookup> = new Map();

  /** @internal */
  offerIds(lookup: IdsLookup): void {
    this.offered.set(lookup.producer, lookup);
  }

  /**
   * Whether the next call reads the Embedding's table by id: on the fused path, when {@link runFusedConv1d} does.
   * @internal
   */
  willReadIds(offer: IdsOffer): boolean {
    return this.fused && fusedConvBackend() && this.fusable() && readsTable(offer.table, offer.ids);
  }

  constructor(args: KerasConv1DArgs) {
    super(args as unknown as ConfigDict);
  }

  /** Whether the fused kernel computes this layer's configuration. */
  fusable(): boolean {
    const self = this as unknown as StockConvFields;
    const dilation = Array.isArray(self.dilationRate) ? self.dilationRate : [self.dilationRate];
    return (
      self.strides.length === 1 &&
      self.strides[0] === 1 &&
      dilation.length === 1 &&
      self.dataFormat === 'channelsLast' &&
      (self.padding === 'valid' || self.padding === 'same') &&
      FUSED_CONV_ACTIVATIONS.includes(self.activation?.getClassName() ?? 'linear')
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    let x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const fusedPath = this.fused && fusedConvBackend() && x.rank === 3 && this.fusable();
    const ids = fusedPath ? idsFor(this.offered.values(), x) : null;
    // The Embedding may have skipped its gather for this call: this call takes its values if it does not read its table.
    inputs = inputsFor(inputs, ids !== null && readsTable(ids.table, ids.ids));
    x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (fusedPath) {
      const self = this as unknown as StockConvFields;
      return tf.tidy(() =>
        runFusedConv1d(
          x,
          self.kernel,
          self.bias ?? null,
          self.padding as 'valid' | 'same',
          (Array.isArray(self.dilationRate) ? self.dilationRate[0] : self.dilationRate) ?? 1,
          self.activation?.getClassName() ?? 'linear',
          this.pooledBy !== null,
          ids,
        ),
      );
    }
    return super.call(inputs, kwargs);
  }
}

/**
 * Creates a {@link KerasConv1D}: tfjs' `tf.layers.conv1d` on seqlab's fused kernel where it runs.
 *
 * @example
 * ```ts
 * const conv = kerasConv1d({ filters: 32, kernelSize: 5, activation: 'relu' }); // [b, t, c] → [b, t - 4, 32]
 * ```
 */
export function kerasConv1d(args: KerasConv1DArgs): KerasConv1D {
  return new KerasConv1D(args);
}
