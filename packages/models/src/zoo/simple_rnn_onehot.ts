import * as tfl from '@tensorflow/tfjs-layers';
import { OneHot } from '../layers/one_hot.js';
import { KerasSimpleRNN } from '../layers/simple_rnn.js';
import {
  apply,
  classifierHead,
  Inits,
  idsInput,
  type RecurrentModelOptions,
  resolveBase,
  resolveMaskZero,
} from './_common.js';

/** Options of the `simple-rnn-onehot` model. */
export type SimpleRnnOneHotOptions = RecurrentModelOptions;

/**
 * The lesson's first model: `SimpleRNN(8, input_shape=(100, 500))` on one-hot ids, `Dense(1, sigmoid)`.
 * The one-hot encoding happens inside the graph per batch, so the input is int ids `[batch, maxlen]`.
 * Parameters: `numWords·u + u² + u` + `u + 1` = 4,081 with the defaults.
 */
export function simpleRnnOneHot(options: SimpleRnnOneHotOptions = {}): tfl.LayersModel {
  const base = resolveBase('simple-rnn-onehot', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const onehot = apply(
    new OneHot({
      depth: base.numWords,
      maskZero: resolveMaskZero('simple-rnn-onehot', options),
      name: 'one_hot',
    }),
    input,
  );
  const rnn = apply(
    new KerasSimpleRNN({
      units: base.units,
      kernelInitializer: inits.glorotUniform(),
      recurrentInitializer: inits.orthogonal(),
      inputGradient: false,
      name: 'simple_rnn',
    }),
    onehot,
  );
  return tfl.model({
    inputs: input,
    outputs: apply(classifierHead(base, inits), rnn),
    name: 'simple-rnn-onehot',
  });
}
