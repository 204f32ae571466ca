// WaveNet's tail as one fused op (`@seqlab/wasm`'s fusedSumReluMaxPool), decided from the model graph: an `Add` of
// convolution outputs (the skip outputs), read only by a ReLU `Activation`, read only by a `GlobalMaxPooling1D`.
// The layers stay Keras'; on the fused path the Add computes the pooled maxima and hands the Activation a token
// (an empty tensor only this tail reads), which hands the pooling layer another, which returns the maxima. Another
// backend or a summed convolution with `fused = false` takes each layer's own path; the Add called on its own,
// outside the model, returns its token.
import { fusedSumReluMaxPool } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fusedConvBackend, KerasConv1D } from './_conv.js';
import { interceptCall, isIntercepted, releaseCall } from './_intercept.js';
import { CausalConv1D } from './causal_conv1d.js';

/** tfjs-layers' graph fields (`Layer.inboundNodes`/`outboundNodes`, `Node.inboundLayers`/`outboundLayer`). */
interface GraphNode {
  inboundLayers: tfl.layers.Layer[];
  inputTensors: tfl.SymbolicTensor[];
  outboundLayer: tfl.layers.Layer;
}
interface GraphLayer {
  inboundNodes: GraphNode[];
  outboundNodes: GraphNode[];
}

const graph = (layer: tfl.layers.Layer): GraphLayer => layer as unknown as GraphLayer;

const OWNER = 'sumReluPool';

interface Run {
  summed: tf.Tensor;
  activated: tf.Tensor;
  pooled: tf.Tensor;
}

/** An `Add` → ReLU → `GlobalMaxPooling1D` tail found in a model's graph (see {@link pairSumReluPool}). */
export class SumReluPool {
  private run: Run | null = null;

  constructor(
    readonly add: tfl.layers.Layer,
    readonly relu: tfl.layers.Layer,
    readonly pool: tfl.layers.Layer,
    /** The convolutions whose outputs the Add sums: the tail runs fused while all of them do. */
    readonly convs: readonly (CausalConv1D | KerasConv1D)[],
  ) {}

  private addCall(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
    if (!Array.isArray(inputs) || !fusedConvBackend() || !this.convs.every((c) => c.fused)) return null;
    const first = inputs[0];
    if (
      first === undefined ||
      first.rank !== 3 ||
      !inputs.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, first.shape))
    ) {
      return null;
    }
    // Tokens of rank 3: GlobalMaxPooling1D checks its input's rank before its call.
    const pooled = fusedSumReluMaxPool(inputs);
    this.run = { pooled, summed: tf.zeros([0, 0, 0]), activated: tf.zeros([0, 0, 0]) };
    return this.run.summed;
  }

  private reluCall(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return this.run !== null && x === this.run.summed ? this.run.activated : null;
  }

  private poolCall(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | null {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const run = this.run;
    if (run === null || x !== run.activated) return null;
    this.run = null;
    return run.pooled;
  }

  /** Puts the tail on its layers' calls. */
  attach(): void {
    interceptCall(this.add, OWNER, (inputs) => this.addCall(inputs));
    interceptCall(this.relu, OWNER, (inputs) => this.reluCall(inputs));
    interceptCall(this.pool, OWNER, (inputs) => this.poolCall(inputs));
  }
}

/** The only layer reading `layer`'s output, when it is applied once and is not a model output; else null. */
function onlyReader(layer: tfl.layers.Layer, outputs: Set<tfl.layers.Layer>): tfl.layers.Layer | null {
  const g = graph(layer);
  if (g.inboundNodes.length !== 1 || g.outboundNodes.length !== 1 || outputs.has(layer)) return null;
  const reader = g.outboundNodes[0]!.outboundLayer;
  return graph(reader).inboundNodes.length === 1 ? reader : null;
}

/**
 * Finds `Add` → `Activation('relu')` → `GlobalMaxPooling1D` tails in the model graph whose Add sums the outputs of
 * convolution layers ({@link CausalConv1D}, {@link KerasConv1D}: WaveNet's skip outputs), each layer the only
 * reader of the one before and neither the Add nor the Activation a model output. Each then runs as one fused op
 * on the wasm backend ({@link SumReluPool}). Returns the tails.
 */
export function pairSumReluPool(model: tfl.LayersModel): SumReluPool[] {
  for (const layer of model.layers) releaseCall(layer, OWNER);
  const outputs = new Set(model.outputs.map((o) => o.sourceLayer));
  const tails: SumReluPool[] = [];
  for (const add of model.layers) {
    if (add.getClassName() !== 'Add' || isIntercepted(add)) continue;
    const relu = onlyReader(add, outputs);
    if (
      relu === null ||
      relu.getClassName() !== 'Activation' ||
      relu.getConfig()['activation'] !== 'relu' ||
      isIntercepted(relu)
    ) {
      continue;
    }
    const pool = onlyReader(relu, outputs);
    if (pool === null || pool.getClassName() !== 'GlobalMaxPooling1D' || isIntercepted(pool)) continue;
    const convs = graph(add).inboundNodes[0]!.inboundLayers;
    if (
      convs.length < 2 ||
      !convs.every((c) => c instanceof CausalConv1D || c instanceof KerasConv1D) ||
      new Set(convs).size !== convs.length
    ) {
      continue;
    }
    const tail = new SumReluPool(add, relu, pool, convs as (CausalConv1D | KerasConv1D)[]);
    tail.attach();
    tails.push(tail);
  }
  return tails;
}
