import * as tfl from '@tensorflow/tfjs-layers';
import { PeepholeLSTM } from '../layers/peephole_lstm.js';
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

/** Options of the `peephole-lstm` model. */
export type PeepholeLstmOptions = RecurrentModelOptions;

/**
 * `Embedding(500, 16)`, an LSTM(8, dropout=0.3) with peephole connections (tf.keras `PeepholeLSTMCell`),
 * `Dense(1, sigmoid)`: 8,000 + (800 + 24) + 9 = 8,833 parameters with the defaults.
 */
export function peepholeLstm(options: PeepholeLstmOptions = {}): tfl.LayersModel {
  const base = resolveBase('peephole-lstm', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits, resolveMaskZero('peephole-lstm', options)), input);
  const limit = Math.sqrt(3 / base.units);
  const h = apply(
    new PeepholeLSTM({
      units: base.units,
      dropout: base.dropout,
      kernelInitializer: inits.glorotUniform(),
      recurrentInitializer: inits.orthogonal(),
      peepholeInitializer: tfl.initializers.randomUniform({
        minval: -limit,
        maxval: limit,
        seed: inits.seed(),
      }),
      seed: inits.seed(),
      name: 'peephole_lstm',
    }),
    emb,
  );
  return tfl.model({ inputs: input, outputs: apply(classifierHead(base, inits), h), name: 'peephole-lstm' });
}
