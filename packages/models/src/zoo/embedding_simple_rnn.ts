import * as tfl from '@tensorflow/tfjs-layers';
import { KerasSimpleRNN } from '../layers/simple_rnn.js';
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

/** Options of the `embedding-simple-rnn` model. */
export type EmbeddingSimpleRnnOptions = RecurrentModelOptions;

/** `Embedding(500, 16)`, `SimpleRNN(8)`, `Dense(1, sigmoid)`: 8,209 parameters with the defaults. */
export function embeddingSimpleRnn(options: EmbeddingSimpleRnnOptions = {}): tfl.LayersModel {
  const base = resolveBase('embedding-simple-rnn', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits, resolveMaskZero('embedding-simple-rnn', options)), input);
  const rnn = apply(
    new KerasSimpleRNN({
      units: base.units,
      kernelInitializer: inits.glorotUniform(),
      recurrentInitializer: inits.orthogonal(),
      name: 'simple_rnn',
    }),
    emb,
  );
  return tfl.model({
    inputs: input,
    outputs: apply(classifierHead(base, inits), rnn),
    name: 'embedding-simple-rnn',
  });
}
