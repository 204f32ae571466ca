import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { type BidirectionalLstmOptions, bidirectionalLstm } from './bidirectional_lstm.js';
import { type Conv1dOptions, conv1d } from './conv1d.js';
import { type EmbeddingSimpleRnnOptions, embeddingSimpleRnn } from './embedding_simple_rnn.js';
import { type GruOptions, gru } from './gru.js';
import { type LstmOptions, lstm } from './lstm.js';
import { type PeepholeLstmOptions, peepholeLstm } from './peephole_lstm.js';
import { type SimpleRnnOneHotOptions, simpleRnnOneHot } from './simple_rnn_onehot.js';
import { type StackedLstmOptions, stackedLstm } from './stacked_lstm.js';
import { type WavenetOptions, wavenet } from './wavenet.js';

/** Options of each zoo model, by name. */
export interface ModelOptionsByName {
  'simple-rnn-onehot': SimpleRnnOneHotOptions;
  'embedding-simple-rnn': EmbeddingSimpleRnnOptions;
  lstm: LstmOptions;
  'stacked-lstm': StackedLstmOptions;
  gru: GruOptions;
  'peephole-lstm': PeepholeLstmOptions;
  conv1d: Conv1dOptions;
  wavenet: WavenetOptions;
  'bidirectional-lstm': BidirectionalLstmOptions;
}

/** Name of a zoo model. */
export type ModelName = keyof ModelOptionsByName;

/** One zoo entry, as {@link listModels} describes it. */
export interface ModelInfo {
  /** The name to pass to {@link createModel}. */
  name: ModelName;
  /** One line on what the model is. */
  description: string;
  /** Parameter count with the default options (Keras' count for the same model). */
  params: number;
}

interface Entry<N extends ModelName> extends ModelInfo {
  name: N;
  create: (options?: ModelOptionsByName[N]) => tfl.LayersModel;
}

type Registry = { [N in ModelName]: Entry<N> };

const REGISTRY: Registry = {
  'simple-rnn-onehot': {
    name: 'simple-rnn-onehot',
    description: 'SimpleRNN(8) on per-batch one-hot ids (500 words), Dense(1, sigmoid)',
    params: 4081,
    create: simpleRnnOneHot,
  },
  'embedding-simple-rnn': {
    name: 'embedding-simple-rnn',
    description: 'Embedding(500, 16), SimpleRNN(8), Dense(1, sigmoid)',
    params: 8209,
    create: embeddingSimpleRnn,
  },
  lstm: {
    name: 'lstm',
    description: 'Embedding(500, 16), LSTM(8, dropout=0.3), Dense(1, sigmoid)',
    params: 8809,
    create: lstm,
  },
  'stacked-lstm': {
    name: 'stacked-lstm',
    description: 'Embedding(500, 16), LSTM(8, return_sequences) → LSTM(8), dropout 0.3, Dense(1, sigmoid)',
    params: 9353,
    create: stackedLstm,
  },
  gru: {
    name: 'gru',
    description: "Embedding(500, 16), GRU(8, dropout=0.3) with Keras' reset_after=True, Dense(1, sigmoid)",
    params: 8633,
    create: gru,
  },
  'peephole-lstm': {
    name: 'peephole-lstm',
    description:
      'Embedding(500, 16), peephole LSTM(8, dropout=0.3) (Gers & Schmidhuber 2000), Dense(1, sigmoid)',
    params: 8833,
    create: peepholeLstm,
  },
  conv1d: {
    name: 'conv1d',
    description: 'Embedding(500, 16), Conv1D(32, 5, relu), GlobalMaxPooling1D, Dense(1, sigmoid)',
    params: 10625,
    create: conv1d,
  },
  wavenet: {
    name: 'wavenet',
    description:
      'Embedding(500, 16), gated causal dilated Conv1D blocks (1, 2, 4, 8) with skips, max pool, Dense(1)',
    params: 14673,
    create: wavenet,
  },
  'bidirectional-lstm': {
    name: 'bidirectional-lstm',
    description:
      "Embedding(500, 16), Bidirectional(LSTM(8, dropout=0.3), merge_mode='concat'), Dense(1, sigmoid)",
    params: 9617,
    create: bidirectionalLstm,
  },
};

/** The zoo's model names, in the lesson's order. */
export const MODEL_NAMES: readonly ModelName[] = Object.keys(REGISTRY) as ModelName[];

/**
 * Builds a zoo model, untrained and uncompiled (see `trainLesson` for the lesson's recipe). Every option defaults
 * to the Keras lesson's value: `numWords` 500, `maxlen` 100, `units` 8, `embeddingDim` 16, `dropout` 0.3.
 * The model's input is padded int ids `[batch, maxlen]`; its output the positive-class probability `[batch, 1]`
 * (`numClasses` 2, the default) or one softmax probability per class `[batch, numClasses]` (`numClasses` > 2).
 *
 * @example
 * ```ts
 * const model = createModel('gru', { seed: 42 });
 * model.countParams(); // 8633, as Keras
 * ```
 */
export function createModel<N extends ModelName>(name: N, options?: ModelOptionsByName[N]): tfl.LayersModel {
  const entry = Object.hasOwn(REGISTRY, name) ? (REGISTRY[name] as Entry<N>) : undefined;
  if (entry === undefined) {
    throw new ModelsError(
      'UNKNOWN_MODEL',
      `Unknown model ${JSON.stringify(name)}. Valid models are: ${MODEL_NAMES.join(', ')}.`,
    );
  }
  return entry.create(options ?? ({} as ModelOptionsByName[N]));
}

/** The zoo: each model's name, a one-line description and its parameter count with the defaults. */
export function listModels(): ModelInfo[] {
  return MODEL_NAMES.map((name) => {
    const { description, params } = REGISTRY[name];
    return { name, description, params };
  });
}
