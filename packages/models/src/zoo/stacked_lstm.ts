import * as tfl from '@tensorflow/tfjs-layers';
import {
  apply,
  classifierHead,
  embedding,
  Inits,
  idsInput,
  type RecurrentModelOptions,
  resolveBase,
  resolveMaskZero,
} from './_common.js';
import { kerasLstm } from './lstm.js';

/** Options of the `stacked-lstm` model. */
export type StackedLstmOptions = RecurrentModelOptions;

/**
 * `Embedding(500, 16)`, `LSTM(8, dropout=0.3, return_sequences=True)`, `LSTM(8, dropout=0.3)`, `Dense(1)`:
 * 9,353 parameters with the defaults.
 */
export function stackedLstm(options: StackedLstmOptions = {}): tfl.LayersModel {
  const base = resolveBase('stacked-lstm', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits, resolveMaskZero('stacked-lstm', options)), input);
  const seq = apply(kerasLstm(base, inits, 'lstm_1', true), emb);
  const h = apply(kerasLstm(base, inits, 'lstm_2', false), seq);
  return tfl.model({ inputs: input, outputs: apply(classifierHead(base, inits), h), name: 'stacked-lstm' });
}
