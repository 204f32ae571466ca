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

/** Options of the `lstm` model. */
export type LstmOptions = RecurrentModelOptions;

/**
 * Keras `LSTM(units, dropout=…, return_sequences=…)` with Keras' defaults where tfjs differs (sigmoid gates,
 * glorot-uniform kernel, `unit_forget_bias=True`), on the fused WebAssembly kernel.
 */
export function kerasLstm(
  base: ResolvedBase,
  inits: Inits,
  name: string,
  returnSequences: boolean,
): tfl.layers.Layer {
  return new KerasLSTM({
    units: base.units,
    dropout: base.dropout,
    returnSequences,
    kernelInitializer: inits.glorotUniform(),
    recurrentInitializer: inits.orthogonal(),
    seed: inits.seed(),
    name,
  });
}

/** `Embedding(500, 16)`, `LSTM(8, dropout=0.3)`, `Dense(1, sigmoid)`: 8,809 parameters with the defaults. */
export function lstm(options: LstmOptions = {}): tfl.LayersModel {
  const base = resolveBase('lstm', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits, resolveMaskZero('lstm', options)), input);
  const h = apply(kerasLstm(base, inits, 'lstm', false), emb);
  return tfl.model({ inputs: input, outputs: apply(classifierHead(base, inits), h), name: 'lstm' });
}
