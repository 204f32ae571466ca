import { registerTfjsExtras } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, listModels, MODEL_NAMES, type ModelName, ModelsError } from '../src/index.js';

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
        'stacked-lstm, gru, peephole-lstm, conv1d, wavenet.',
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
});
