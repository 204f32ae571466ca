import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  type IdMatrix,
  MODEL_NAMES,
  type ModelName,
  ModelsError,
  trainLesson,
} from '../src/index.node.js';

beforeAll(async () => {
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
});

/**
 * Keras' count_params() of each zoo model with `numClasses: 4`, from Keras' formulas: Embedding(500, 16) = 8,000;
 * SimpleRNN(u) on d inputs = d·u + u² + u; LSTM(u) = 4·(d·u + u² + u); GRU(u, reset_after=True) = 3·(d·u + u² + 2u);
 * the peephole LSTM adds 3·u; Conv1D(f, k) on d channels = k·d·f + f; and the head Dense(4, softmax) on an n-wide
 * feature = 4·n + 4 (instead of Dense(1)'s n + 1).
 */
const PARAMS_4: Record<ModelName, number> = {
  // SimpleRNN(8) on 500 one-hot inputs, Dense(4).
  'simple-rnn-onehot': 500 * 8 + 64 + 8 + (4 * 8 + 4),
  'embedding-simple-rnn': 8000 + (16 * 8 + 64 + 8) + (4 * 8 + 4),
  lstm: 8000 + 4 * (16 * 8 + 64 + 8) + (4 * 8 + 4),
  // LSTM(8) on 16 then LSTM(8) on 8.
  'stacked-lstm': 8000 + 4 * (16 * 8 + 64 + 8) + 4 * (8 * 8 + 64 + 8) + (4 * 8 + 4),
  gru: 8000 + 3 * (16 * 8 + 64 + 16) + (4 * 8 + 4),
  'peephole-lstm': 8000 + 4 * (16 * 8 + 64 + 8) + 3 * 8 + (4 * 8 + 4),
  // Conv1D(32, 5) on 16 channels, GlobalMaxPooling1D, Dense(4) on 32.
  conv1d: 8000 + (5 * 16 * 32 + 32) + (4 * 32 + 4),
  // Causal Conv1D(16, 2); four blocks of filter + gate Conv1D(16, 2) and a 1×1 skip Conv1D(16); three 1×1
  // residual Conv1D(16); Dense(4) on the 16 skip channels.
  wavenet:
    8000 +
    (2 * 16 * 16 + 16) +
    4 * (2 * (2 * 16 * 16 + 16) + (16 * 16 + 16)) +
    3 * (16 * 16 + 16) +
    (4 * 16 + 4),
  // Two LSTM(8) on 16 features; Dense(4) on their concatenated 16 outputs.
  'bidirectional-lstm': 8000 + 2 * 4 * (16 * 8 + 64 + 8) + (4 * 16 + 4),
};

describe('numClasses', () => {
  for (const name of MODEL_NAMES) {
    it(`${name} with numClasses 4 has a Dense(4, softmax) head and Keras' parameter count`, () => {
      const model = createModel(name, { numClasses: 4 });
      expect(model.countParams()).toBe(PARAMS_4[name]);
      expect(model.outputs[0]!.shape).toEqual([null, 4]);
      const head = model.layers[model.layers.length - 1]!.getConfig();
      expect([head['units'], head['activation']]).toEqual([4, 'softmax']);
      model.dispose();
    });
  }

  it('numClasses 2 (the default) is the sigmoid Dense(1) head with the same seeded weights', () => {
    const weights = (options: { seed: number; numClasses?: number }) => {
      const model = createModel('lstm', options);
      const head = model.layers[model.layers.length - 1]!.getConfig();
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return { units: head['units'], activation: head['activation'], values };
    };
    const byDefault = weights({ seed: 5 });
    expect([byDefault.units, byDefault.activation]).toEqual([1, 'sigmoid']);
    expect(weights({ seed: 5, numClasses: 2 })).toEqual(byDefault);
    // The softmax head is built last: every weight before it is the binary model's.
    expect(weights({ seed: 5, numClasses: 3 }).values.slice(0, -2)).toEqual(byDefault.values.slice(0, -2));
  });

  it('rejects a numClasses that is not an integer >= 2 with INVALID_OPTION', () => {
    const message = (numClasses: number) => {
      try {
        createModel('gru', { numClasses });
      } catch (e) {
        expect(e).toBeInstanceOf(ModelsError);
        expect((e as ModelsError).code).toBe('INVALID_OPTION');
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message(1)).toBe(
      "createModel('gru'): numClasses must be at least 2 (2 is the binary sigmoid head), got 1.",
    );
    expect(message(2.5)).toBe("createModel('gru'): numClasses must be a positive integer, got 2.5.");
    expect(message(0)).toBe("createModel('gru'): numClasses must be a positive integer, got 0.");
    expect(message(1e6)).toBe("createModel('gru'): numClasses must be at most 100000, got 1000000.");
  });
});

const MAXLEN = 12;

/** A 4-class toy task: the class is which of the words 4, 5, 6, 7 occurs in a sequence of noise words 8…47. */
function fourClassData(rows: number, seed: number): { x: IdMatrix; y: Int32Array } {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const data = new Int32Array(rows * MAXLEN);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = r % 4;
    for (let c = 0; c < MAXLEN; c++) data[r * MAXLEN + c] = c < 3 ? 0 : 8 + Math.floor(rand() * 40);
    data[r * MAXLEN + 3 + Math.floor(rand() * (MAXLEN - 3))] = 4 + y[r]!;
  }
  return { x: { data, shape: [rows, MAXLEN] }, y };
}

describe('trainLesson with 4 classes', () => {
  for (const name of ['lstm', 'conv1d'] as const) {
    it(`${name}: learns better than chance, reports Keras' sparse categorical accuracy as acc, repeats, no leaks`, async () => {
      const baseline = tf.memory().numTensors;
      const train = fourClassData(128, 3);
      const val = fourClassData(64, 4);
      const run = async () => {
        const model = createModel(name, { numWords: 50, maxlen: MAXLEN, numClasses: 4, seed: 7, dropout: 0 });
        const history = await trainLesson({
          model,
          ...train,
          validationData: val,
          epochs: 12,
          batchSize: 16,
          learningRate: 1e-2,
          seed: 2,
        });
        // The last epoch's val_acc / val_loss are Keras' sparse_categorical_accuracy and
        // sparse_categorical_crossentropy of the trained model, recomputed here from its predictions.
        const probs = tf.tidy(() =>
          model.predict(tf.tensor2d(val.x.data as Int32Array, [64, MAXLEN], 'int32')),
        ) as tf.Tensor;
        const p = (await probs.array()) as number[][];
        probs.dispose();
        model.dispose();
        let correct = 0;
        let loss = 0;
        p.forEach((row, i) => {
          const label = val.y[i]!;
          if (row.indexOf(Math.max(...row)) === label) correct++;
          loss -= Math.log(Math.min(Math.max(row[label]!, 1e-7), 1 - 1e-7));
        });
        return { history: history.history, accuracy: correct / 64, loss: loss / 64 };
      };
      const first = await run();
      expect(Object.keys(first.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      const valAcc = first.history['val_acc'] as number[];
      const valLoss = first.history['val_loss'] as number[];
      expect(valAcc.at(-1)).toBeCloseTo(first.accuracy, 6);
      expect(valLoss.at(-1)).toBeCloseTo(first.loss, 4);
      // Chance is 0.25 and ln 4 = 1.386.
      expect(first.accuracy).toBeGreaterThan(0.6);
      expect(valLoss.at(-1)).toBeLessThan(Math.log(4) - 0.3);
      const second = await run();
      expect(second.history).toEqual(first.history);
      expect(tf.memory().numTensors).toBe(baseline);
    }, 120_000);
  }

  it('rejects labels outside [0, numClasses) or not integers with INVALID_DATA, naming row and value', async () => {
    const multi = createModel('conv1d', { numWords: 50, maxlen: MAXLEN, numClasses: 4 });
    const binary = createModel('conv1d', { numWords: 50, maxlen: MAXLEN });
    const { x } = fourClassData(4, 3);
    const error = async (model: typeof multi, y: number[], validation = false) => {
      const e = await trainLesson(
        validation ? { model, x, y: [0, 1, 0, 1], validationData: { x, y } } : { model, x, y },
      ).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ModelsError);
      expect((e as ModelsError).code).toBe('INVALID_DATA');
      return (e as Error).message;
    };
    expect(await error(multi, [0, 1, 4, 2])).toBe(
      'trainLesson: train.y must hold integer class labels in [0, 4) for a 4-class model, got 4 at row 2.',
    );
    expect(await error(multi, [0, -1, 3, 2])).toBe(
      'trainLesson: train.y must hold integer class labels in [0, 4) for a 4-class model, got -1 at row 1.',
    );
    expect(await error(multi, [0.5, 1, 3, 2])).toBe(
      'trainLesson: train.y must hold integer class labels in [0, 4) for a 4-class model, got 0.5 at row 0.',
    );
    expect(await error(multi, [0, 1, 2, Number.NaN], true)).toBe(
      'trainLesson: validationData.y must hold integer class labels in [0, 4) for a 4-class model, got NaN at row 3.',
    );
    expect(await error(binary, [0, 1, 2, 1])).toBe(
      'trainLesson: train.y must hold integer class labels in [0, 2) for a binary model, got 2 at row 2.',
    );
    multi.dispose();
    binary.dispose();
  });
});
