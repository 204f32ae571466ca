import { registerTfjsExtras } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertFinitePredictions,
  createModel,
  listModels,
  MODEL_NAMES,
  type ModelName,
  ModelsError,
} from '../src/index.js';

beforeAll(async () => {
  await registerTfjsExtras();
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
});

// Keras' model.count_params() for the lesson's models; ours for the remedies (see README for the arithmetic).
const PARAMS: Record<ModelName, number> = {
  'simple-rnn-onehot': 4081,
  'embedding-simple-rnn': 8209,
  lstm: 8809,
  'stacked-lstm': 9353,
  gru: 8633,
  'peephole-lstm': 8833,
  conv1d: 10625,
  wavenet: 14673,
  // Keras: Embedding 500·16 + Bidirectional 2 · LSTM 4·(16·8 + 8·8 + 8) + Dense (2·8 + 1) = 8,000 + 1,600 + 17.
  'bidirectional-lstm': 9617,
};

describe('model zoo', () => {
  it('lists every model in order with a description and its parameter count', () => {
    expect(listModels().map((m) => [m.name, m.params])).toEqual(Object.entries(PARAMS));
    for (const m of listModels()) expect(m.description.length).toBeGreaterThan(10);
    expect(MODEL_NAMES).toEqual(Object.keys(PARAMS));
  });

  for (const name of Object.keys(PARAMS) as ModelName[]) {
    it(`${name} has Keras' parameter count with the lesson's defaults`, () => {
      const model = createModel(name);
      expect(model.countParams()).toBe(PARAMS[name]);
      expect(model.inputs[0]!.shape).toEqual([null, 100]);
      expect(model.outputs[0]!.shape).toEqual([null, 1]);
      model.dispose();
    });
  }

  it('gru with resetAfter: false has the original GRU count (tfjs variant)', () => {
    const model = createModel('gru', { resetAfter: false });
    expect(model.countParams()).toBe(8609);
    model.dispose();
  });

  it('scales with the options', () => {
    const model = createModel('lstm', { numWords: 1000, units: 4, embeddingDim: 8, maxlen: 50 });
    expect(model.countParams()).toBe(1000 * 8 + 4 * (8 * 4 + 4 * 4 + 4) + 5);
    expect(model.inputs[0]!.shape).toEqual([null, 50]);
    model.dispose();
    const wave = createModel('wavenet', { dilations: [1, 2] });
    expect(wave.countParams()).toBe(8000 + 528 + 2 * (528 + 528 + 272) + 272 + 17);
    wave.dispose();
  });

  it('builds identical weights from the same seed and different ones from another', () => {
    const weights = (seed: number) => {
      const model = createModel('gru', { seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights(42)).toEqual(weights(42));
    expect(weights(42)[0]).not.toEqual(weights(43)[0]);
  });

  it('throws UNKNOWN_MODEL listing the valid names', () => {
    const error = (() => {
      try {
        createModel('transformer' as ModelName);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('UNKNOWN_MODEL');
    expect((error as Error).message).toBe(
      'Unknown model "transformer". Valid models are: simple-rnn-onehot, embedding-simple-rnn, lstm, ' +
        'stacked-lstm, gru, peephole-lstm, conv1d, wavenet, bidirectional-lstm.',
    );
  });

  it('rejects invalid options with INVALID_OPTION', () => {
    expect(() => createModel('lstm', { units: 0 })).toThrowError(
      "createModel('lstm'): units must be a positive integer, got 0.",
    );
    expect(() => createModel('gru', { dropout: 1 })).toThrowError(
      "createModel('gru'): dropout must be a number in [0, 1), got 1.",
    );
  });

  it('checks options against each other and against upper bounds, with typed errors', () => {
    const cases: [ModelName, Record<string, unknown>, string][] = [
      [
        'conv1d',
        { maxlen: 4 },
        "createModel('conv1d'): maxlen must be at least kernelSize (5), the convolution's receptive field, so " +
          'that it has an output step, got 4.',
      ],
      [
        'lstm',
        { numWords: 2 },
        "createModel('lstm'): numWords must be at least 3 (IMDB ids 0, 1 and 2 stand for padding, start and " +
          'out-of-vocabulary words), got 2.',
      ],
      ['lstm', { units: 1e8 }, "createModel('lstm'): units must be at most 4096, got 100000000."],
      ['gru', { embeddingDim: 4097 }, "createModel('gru'): embeddingDim must be at most 4096, got 4097."],
      [
        'lstm',
        { numWords: 10_000_001 },
        "createModel('lstm'): numWords must be at most 10000000, got 10000001.",
      ],
      ['conv1d', { maxlen: 100_001 }, "createModel('conv1d'): maxlen must be at most 100000, got 100001."],
      ['conv1d', { filters: 5000 }, "createModel('conv1d'): filters must be at most 4096, got 5000."],
      [
        'lstm',
        { numWords: 10_000_000, embeddingDim: 64 },
        "createModel('lstm'): numWords × embeddingDim must be at most 268435456 (a 1 GiB embedding table), got " +
          '10000000 × 64 = 640000000.',
      ],
    ];
    for (const [name, options, message] of cases) {
      let error: unknown;
      try {
        createModel(name, options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ModelsError);
      expect((error as ModelsError).code).toBe('INVALID_OPTION');
      expect((error as Error).message).toBe(message);
    }
    // The smallest valid sizes still build and predict.
    const small = createModel('conv1d', { numWords: 3, maxlen: 5 });
    const p = small.predict(tf.zeros([2, 5], 'int32')) as tf.Tensor;
    expect(p.shape).toEqual([2, 1]);
    tf.dispose(p);
    small.dispose();
  });

  it('assertFinitePredictions passes finite probabilities and refuses NaN with a typed error', () => {
    const model = createModel('lstm', { maxlen: 6, seed: 1 });
    const ids = tf.tensor2d([[1, 4, 5, 6, 7, 8]], [1, 6], 'int32');
    const good = model.predict(ids) as tf.Tensor;
    expect(Array.from(assertFinitePredictions(good))).toEqual(Array.from(good.dataSync()));
    const weights = model.getWeights().map((w) => tf.fill(w.shape, Number.NaN));
    model.setWeights(weights);
    const bad = model.predict(ids) as tf.Tensor;
    expect(() => assertFinitePredictions(bad)).toThrowError(
      new ModelsError(
        'NON_FINITE_PREDICTION',
        "predict: expected finite predictions, got 1 of 1 not finite (the first, at index 0, is NaN). The model's " +
          'weights are probably NaN or infinite (a training that diverged); retrain it, e.g. with a lower ' +
          'learning rate.',
      ),
    );
    expect(() => assertFinitePredictions([0.5, Number.POSITIVE_INFINITY])).toThrowError(
      /got 1 of 2 not finite/,
    );
    tf.dispose([ids, good, bad, ...weights]);
    model.dispose();
  });
});
