// WaveNet's gated residual block as one fused op (`@seqlab/wasm`'s fusedGatedBlock), decided from the model graph:
// the filter and gate causal convolutions of h, their Multiply, the 1×1 skip convolution and the 1×1 residual
// convolution with the Add that sums it with h. The layers, their weights, names and configs stay Keras'; on the
// fused path the first of the filter and gate to run computes the whole block and every layer of the block returns
// its part: the skip convolution the skip output, the Add the next block's input, the others tokens (empty tensors
// only the block's own layers read). A layer in between, another backend or `fused = false` on one of the
// convolutions takes each layer's own path. The filter or gate called on its own, outside the model, computes the
// block too and returns its token: set `fused = false` on the block's convolutions to call them one by one.
import { fusedGatedBlock } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fusedConvBackend } from './_conv.js';
import { interceptCall, isIntercepted, releaseCall } from './_intercept.js';
import { CausalConv1D } from './causal_conv1d.js';

/** tfjs-layers' graph fields (`Layer.inboundNodes`/`outboundNodes`, `Node.inputTensors`/`outboundLayer`). */
interface GraphNode {
  inputTensors: tfl.SymbolicTensor[];
  outboundLayer: tfl.layers.Layer;
}
interface GraphLayer {
  inboundNodes: GraphNode[];
  outboundNodes: GraphNode[];
}

const graph = (layer: tfl.layers.Layer): GraphLayer => layer as unknown as GraphLayer;

/** The owner of the `call` a block puts on its Multiply and Add. */
const OWNER = 'gatedBlock';

/** One run of a block: its input, the tokens its layers hand each other, and the two outputs. */
interface Run {
  h: tf.Tensor;
  served: Set<'filter' | 'gate'>;
  filterToken: tf.Tensor;
  gateToken: tf.Tensor;
  z: tf.Tensor;
  residualToken: tf.Tensor | null;
  skip: tf.Tensor;
  next: tf.Tensor | null;
  /** Outputs not handed out yet (the skip convolution and the Add run in either order). */
  left: Set<'skip' | 'next'>;
}

const token = (): tf.Tensor => tf.zeros([0]);

/** A WaveNet gated block found in a model's graph (see {@link pairGatedBlocks}). */
export class GatedBlock {
  private run: Run | null = null;

  constructor(
    readonly filter: CausalConv1D,
    readonly gate: CausalConv1D,
    readonly multiply: tfl.layers.Layer,
    readonly skip: CausalConv1D,
    readonly residual: CausalConv1D | null,
    readonly add: tfl.layers.Layer | null,
  ) {}

  private convs(): CausalConv1D[] {
    const out = [this.filter, this.gate, this.skip];
    if (this.residual !== null) out.push(this.residual);
    return out;
  }

  private start(h: tf.Tensor): Run {
    const weights = (l: CausalConv1D) => {
      const [kernel, bias] = l.weights.map((v) => v.read());
      return { kernel: kernel!, bias: l.useBias ? bias! : null };
    };
    const f = weights(this.filter);
    const g = weights(this.gate);
    const s = weights(this.skip);
    const r = this.residual === null ? null : weights(this.residual);
    const { skip, next } = fusedGatedBlock(
      h,
      {
        filterKernel: f.kernel,
        filterBias: f.bias,
        gateKernel: g.kernel,
        gateBias: g.bias,
        skipKernel: s.kernel,
        skipBias: s.bias,
        residualKernel: r?.kernel ?? null,
        residualBias: r?.bias ?? null,
      },
      { dilationRate: this.filter.dilationRate },
    );
    return {
      h,
      served: new Set(),
      filterToken: token(),
      gateToken: token(),
      z: token(),
      residualToken: this.residual === null ? null : token(),
      skip,
      next,
      left: new Set(next === null ? ['skip'] : ['skip', 'next']),
    };
  }

  /**
   * The output of one of the block's convolutions on `x` when the block runs fused, or null (the layer's own
   * path). The filter or gate that runs first on an input computes the block.
   * @internal
   */
  convCall(layer: CausalConv1D, x: tf.Tensor): tf.Tensor | null {
    if (layer === this.filter || layer === this.gate) {
      const role = layer === this.filter ? 'filter' : 'gate';
      if (!fusedConvBackend() || x.dtype !== 'float32' || !this.convs().every((l) => l.fused)) return null;
      if (this.run === null || this.run.h !== x || this.run.served.has(role)) this.run = this.start(x);
      this.run.served.add(role);
      return role === 'filter' ? this.run.filterToken : this.run.gateToken;
    }
    const run = this.run;
    if (run === null || x !== run.z) return null;
    if (layer === this.skip) return this.handOut(run, 'skip');
    return run.residualToken;
  }

  /** `run`'s skip or next output; the run ends once both are handed out. */
  private handOut(run: Run, which: 'skip' | 'next'): tf.Tensor | null {
    if (!run.left.delete(which)) return null;
    if (run.left.size === 0) this.run = null;
    return which === 'skip' ? run.skip : run.next;
  }

  /** The Multiply's output (z's token) or the Add's (the next block's input) for a fused run, else null. */
  private mergeCall(layer: tfl.layers.Layer, inputs: tf.Tensor[]): tf.Tensor | null {
    const run = this.run;
    if (run === null || inputs.length !== 2) return null;
    const [a, b] = inputs;
    if (layer === this.multiply) {
      const tokens = [run.filterToken, run.gateToken];
      return tokens.includes(a!) && tokens.includes(b!) && a !== b ? run.z : null;
    }
    if ((a === run.h && b === run.residualToken) || (b === run.h && a === run.residualToken)) {
      return this.handOut(run, 'next');
    }
    return null;
  }

  /** Puts the block on its layers: the convolutions' `block`, the Multiply's and Add's `call`. */
  attach(): void {
    for (const l of this.convs()) l.block = this;
    for (const layer of [this.multiply, this.add]) {
      if (layer === null) continue;
      interceptCall(layer, OWNER, (inputs) => (Array.isArray(inputs) ? this.mergeCall(layer, inputs) : null));
    }
  }
}

/** A 1×1 causal convolution applied once, linear: a skip or residual convolution of a block. */
function pointwise(layer: tfl.layers.Layer): layer is CausalConv1D {
  return (
    layer instanceof CausalConv1D &&
    layer.kernelSize === 1 &&
    layer.dilationRate === 1 &&
    layer.activationName === 'linear' &&
    graph(layer).inboundNodes.length === 1 &&
    graph(layer).inboundNodes[0]!.inputTensors.length === 1
  );
}

/**
 * Finds WaveNet's gated blocks in the model graph, after `pairGatedConvs` paired their filter and gate: the
 * `Multiply` of a paired filter and gate (applied once, not a model output) read by a 1×1 linear causal skip
 * convolution and, except in a last block, a 1×1 linear causal residual convolution with `channels` filters whose
 * only reader is an `Add` of exactly the block input h and its output (neither a model output). Each block found
 * then runs as one fused op on the wasm backend ({@link GatedBlock}). Returns the blocks.
 */
export function pairGatedBlocks(model: tfl.LayersModel): GatedBlock[] {
  for (const layer of model.layers) {
    if (layer instanceof CausalConv1D) layer.block = null;
    else releaseCall(layer, OWNER);
  }
  const outputs = new Set(model.outputs.map((o) => o.sourceLayer));
  const blocks: GatedBlock[] = [];
  for (const filter of model.layers) {
    if (!(filter instanceof CausalConv1D) || filter.gate === null) continue;
    const gate = filter.gate;
    const multiply = graph(filter).outboundNodes[0]!.outboundLayer;
    if (graph(multiply).inboundNodes.length !== 1 || outputs.has(multiply)) continue;
    const h = graph(filter).inboundNodes[0]!.inputTensors[0]!;
    const channels = h.shape[2];
    const readers = graph(multiply).outboundNodes.map((n) => n.outboundLayer);
    if (readers.length < 1 || readers.length > 2 || !readers.every(pointwise)) continue;
    // The residual: read by an Add of h and its output alone.
    const addOf = (l: CausalConv1D): tfl.layers.Layer | null => {
      if (graph(l).outboundNodes.length !== 1 || outputs.has(l) || l.filters !== channels) return null;
      const add = graph(l).outboundNodes[0]!.outboundLayer;
      if (add.getClassName() !== 'Add' || graph(add).inboundNodes.length !== 1) return null;
      const ins = graph(add).inboundNodes[0]!.inputTensors;
      const out = l.output as tfl.SymbolicTensor;
      return ins.length === 2 && ins.includes(h) && ins.includes(out) && ins[0] !== ins[1] ? add : null;
    };
    let block: GatedBlock | null = null;
    if (readers.length === 1) {
      block = new GatedBlock(filter, gate, multiply, readers[0]!, null, null);
    } else {
      const [a, b] = readers as [CausalConv1D, CausalConv1D];
      if (a === b) continue;
      const addA = addOf(a);
      const addB = addOf(b);
      if (addA !== null) block = new GatedBlock(filter, gate, multiply, b, a, addA);
      else if (addB !== null) block = new GatedBlock(filter, gate, multiply, a, b, addB);
    }
    if (
      block === null ||
      [block.skip, block.residual].some((l) => l !== null && l.block !== null) ||
      [block.multiply, block.add].some((l) => l !== null && isIntercepted(l))
    ) {
      continue;
    }
    block.attach();
    blocks.push(block);
  }
  return blocks;
}
