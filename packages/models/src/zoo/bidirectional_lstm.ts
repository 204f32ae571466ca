import * as tfl from '@tensorflow/tfjs-layers';
import { KerasLSTM } from '../layers/lstm.js';
import {
  apply,
  classifierHead,
  embedding,
  Inits,
  idsInput,
  type RecurrentModelOptions,
  type ResolvedBase,
  resolveBase,
  resolveMaskZero,
} from './_common.js';

/** Options of the `bidirectional-lstm` model. */
export type BidirectionalLstmOptions = RecurrentModelOptions;

function lstmLayer(base: ResolvedBase, inits: Inits, name: string, goBackwards: boolean): KerasLSTM {
  return new KerasLSTM({
    units: base.units,
    dropout: base.dropout,
    goBackwards,
    kernelInitializer: inits.glorotUniform(),
    recurrentInitializer: inits.orthogonal(),
    seed: inits.seed(),
    name,
  });
}

/**
 * Keras `Bidirectional(LSTM(8), merge_mode='concat')` with its own `backward_layer`: tfjs' `Bidirectional` has no
 * such argument and clones the forward layer's config (with `goBackwards` flipped), so a seeded model would start
 * both directions from the same weights and dropout seed. The clone is replaced by a backward layer with its own
 * initializer and dropout seeds; a saved model loads as tfjs' clone, with the saved weights.
 */
function bidirectional(forward: KerasLSTM, backward: KerasLSTM): tfl.layers.Layer {
  const layer = tfl.layers.bidirectional({ layer: forward, mergeMode: 'concat', name: 'bidirectional' });
  const wrapper = layer as unknown as { forwardLayer: KerasLSTM; backwardLayer: KerasLSTM };
  backward.name = wrapper.backwardLayer.name;
  wrapper.backwardLayer = backward;
  return layer;
}

/**
 * `Embedding(500, 16)`, `Bidirectional(LSTM(8, dropout=0.3), merge_mode='concat')`, `Dense(1, sigmoid)`: 8,000 +
 * 2 · 4 · (16·8 + 8·8 + 8) + (16 + 1) = 9,617 parameters with the defaults. Both directions run on the fused
 * WebAssembly LSTM kernel (the backward one reverses the sequence, and the `maskZero` mask, inside the kernel).
 */
export function bidirectionalLstm(options: BidirectionalLstmOptions = {}): tfl.LayersModel {
  const base = resolveBase('bidirectional-lstm', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits, resolveMaskZero('bidirectional-lstm', options)), input);
  const forward = lstmLayer(base, inits, 'lstm', false);
  const backward = lstmLayer(base, inits, 'lstm', true);
  const h = apply(bidirectional(forward, backward), emb);
  return tfl.model({
    inputs: input,
    outputs: apply(classifierHead(base, inits), h),
    name: 'bidirectional-lstm',
  });
}
