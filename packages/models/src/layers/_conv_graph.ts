import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { KerasConv1D, pairConvPooling } from './_conv.js';
import { pairGatedBlocks } from './_gated_block.js';
import { pairSumReluPool } from './_sum_pool.js';
import { CausalConv1D } from './causal_conv1d.js';

/** tfjs-layers' graph fields (`Layer.inboundNodes`/`outboundNodes`, `Node.inputTensors`/`inboundLayers`). */
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

/**
 * Pairs WaveNet's filter and gate convolutions: a `Multiply` of exactly two {@link CausalConv1D} outputs, one
 * `tanh` and one `sigmoid`, both applied once to the same tensor with the same kernel size, dilation and bias use,
 * each read by that `Multiply` alone and neither an output of the model. The filter then computes the gated
 * product in one kernel call ({@link CausalConv1D.gate}); the graph, the layers and their weights stay Keras'.
 */
export function pairGatedConvs(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    if (layer instanceof CausalConv1D) {
      layer.gate = null;
      layer.gateOf = null;
    }
  }
  const outputs = new Set(model.outputs.map((o) => o.sourceLayer));
  for (const multiply of model.layers) {
    if (multiply.getClassName() !== 'Multiply' || graph(multiply).inboundNodes.length !== 1) continue;
    const pair = graph(multiply).inboundNodes[0]!.inboundLayers;
    if (pair.length !== 2 || !pair.every((l) => l instanceof CausalConv1D)) continue;
    const [a, b] = pair as [CausalConv1D, CausalConv1D];
    const filter = a.activationName === 'tanh' ? a : b;
    const gate = filter === a ? b : a;
    const alone = (l: CausalConv1D) =>
      graph(l).inboundNodes.length === 1 && graph(l).outboundNodes.length === 1 && !outputs.has(l);
    if (
      filter === gate ||
      filter.activationName !== 'tanh' ||
      gate.activationName !== 'sigmoid' ||
      !alone(filter) ||
      !alone(gate) ||
      filter.gate !== null ||
      gate.gateOf !== null ||
      (graph(filter).inboundNodes[0]!.inputTensors[0] as tf.TensorLike | undefined) !==
        (graph(gate).inboundNodes[0]!.inputTensors[0] as tf.TensorLike | undefined) ||
      filter.kernelSize !== gate.kernelSize ||
      filter.dilationRate !== gate.dilationRate ||
      filter.filters !== gate.filters ||
      filter.useBias !== gate.useBias
    ) {
      continue;
    }
    filter.gate = gate;
    gate.gateOf = filter;
  }
}

/**
 * Decides from the model's graph which convolution layers run fused with their neighbours: a `GlobalMaxPooling1D`
 * that alone reads a convolution (`pairConvPooling`), WaveNet's filter/gate pairs ({@link pairGatedConvs}), whole
 * gated blocks (`pairGatedBlocks`) and the summed skips' ReLU and pooling (`pairSumReluPool`).
 * Returns the model.
 */
export function fuseConvLayers(model: tfl.LayersModel): tfl.LayersModel {
  pairConvPooling(
    model,
    model.layers.filter((l) => l instanceof KerasConv1D || l instanceof CausalConv1D),
  );
  pairGatedConvs(model);
  pairGatedBlocks(model);
  pairSumReluPool(model);
  return model;
}
