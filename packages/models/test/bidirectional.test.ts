import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createModel,
  KerasGRU,
  KerasLSTM,
  KerasLSTMCell,
  KerasSimpleRNN,
  listModels,
  trainLesson,
} from '../src/index.js';

beforeAll(async () => {
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
});
afterEach(() => {
  vi.restoreAllMocks();
});

const MAXLEN = 8;

function wrapper(model: tfl.LayersModel): {
  forwardLayer: tfl.layers.Layer;
  backwardLayer: tfl.layers.Layer;
} {
  return model.getLayer('bidirectional') as unknown as {
    forwardLayer: tfl.layers.Layer;
    backwardLayer: tfl.layers.Layer;
  };
}

describe('bidirectional-lstm', () => {
  it("is listed with Keras' parameter count and builds Bidirectional(LSTM(8)) with concat", () => {
    expect(listModels().find((m) => m.name === 'bidirectional-lstm')).toEqual({
      name: 'bidirectional-lstm',
      description:
        "Embedding(500, 16), Bidirectional(LSTM(8, dropout=0.3), merge_mode='concat'), Dense(1, sigmoid)",
      params: 9617,
    });
    const model = createModel('bidirectional-lstm', { seed: 1 });
    // 8,000 + 2 · 4 · (16·8 + 8·8 + 8) + (16 + 1), as Keras counts it.
    expect(model.countParams()).toBe(8000 + 2 * 800 + 17);
    expect(model.getLayer('bidirectional').outputShape).toEqual([null, 16]);
    const { forwardLayer, backwardLayer } = wrapper(model);
    expect([forwardLayer.name, backwardLayer.name]).toEqual(['forward_lstm', 'backward_lstm']);
    expect([forwardLayer.getConfig()['goBackwards'], backwardLayer.getConfig()['goBackwards']]).toEqual([
      false,
      true,
    ]);
    model.dispose();
  });

  it('starts the two directions from different seeded weights, the same for the same seed', () => {
    const weights = (seed: number) => {
      const model = createModel('bidirectional-lstm', { seed });
      const { forwardLayer, backwardLayer } = wrapper(model);
      const read = (l: tfl.layers.Layer) => l.getWeights().map((w) => Array.from(w.dataSync()));
      const out = { forward: read(forwardLayer), backward: read(backwardLayer) };
      model.dispose();
      return out;
    };
    const a = weights(9);
    expect(a.forward[0]).not.toEqual(a.backward[0]); // kernels
    expect(a.forward[1]).not.toEqual(a.backward[1]); // recurrent kernels
    expect(a.forward[2]).toEqual(a.backward[2]); // biases: zeros with unit_forget_bias ones, as Keras
    expect(weights(9)).toEqual(a);
  });

  it('runs both directions on the fused LSTM kernel, in prediction and in training, without leaks', async () => {
    const runFused = vi.spyOn(
      KerasLSTMCell.prototype as unknown as { runFused: () => tf.Tensor },
      'runFused',
    );
    const baseline = tf.memory().numTensors;
    const model = createModel('bidirectional-lstm', { numWords: 20, maxlen: MAXLEN, seed: 2 });
    const data = Int32Array.from({ length: 4 * MAXLEN }, (_, i) => 1 + ((i * 7) % 19));
    tf.tidy(() => {
      model.predict(tf.tensor2d(data, [4, MAXLEN], 'int32'));
    });
    const directions = () =>
      (runFused.mock.calls as unknown[][]).map((call) => (call[3] as { goBackwards: boolean }).goBackwards);
    expect(directions()).toEqual([false, true]);
    runFused.mockClear();
    const history = await trainLesson({
      model,
      x: { data, shape: [4, MAXLEN] },
      y: [1, 0, 1, 0],
      epochs: 2,
      batchSize: 4,
      learningRate: 1e-2,
      seed: 1,
    });
    expect(directions()).toEqual([false, true, false, true]);
    expect((history.history['loss'] as number[]).every(Number.isFinite)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  }, 60_000);
});

describe('goBackwards on the seqlab recurrent layers', () => {
  const layers = {
    KerasSimpleRNN: (fused: boolean, returnSequences: boolean) =>
      new KerasSimpleRNN({ units: 3, goBackwards: true, returnSequences, fused, kernelInitializer: init(1) }),
    KerasLSTM: (fused: boolean, returnSequences: boolean) =>
      new KerasLSTM({ units: 3, goBackwards: true, returnSequences, fused, kernelInitializer: init(1) }),
    KerasGRU: (fused: boolean, returnSequences: boolean) =>
      new KerasGRU({ units: 3, goBackwards: true, returnSequences, fused, kernelInitializer: init(1) }),
  };
  function init(seed: number) {
    return { className: 'GlorotUniform', config: { seed } };
  }
  for (const [name, make] of Object.entries(layers)) {
    it(`${name}: fused equals tfjs' per-step loop (reversed, masked, both output modes) and its gradients`, () => {
      const baseline = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.randomUniform([2, 5, 4], -1, 1, 'float32', 3);
        const mask = tf.tensor2d([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], [2, 5], 'bool');
        for (const returnSequences of [false, true]) {
          const fused = make(true, returnSequences);
          const perStep = make(false, returnSequences);
          fused.apply(x); // builds the weights
          perStep.apply(x);
          perStep.setWeights(fused.getWeights());
          expect(fused.getConfig()['goBackwards']).toBe(true);
          const run = (layer: tfl.layers.Layer) => {
            const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
            const { value, grads } = tf.variableGrads(
              () => tf.sum(tf.square(layer.call(x, { mask }) as tf.Tensor)) as tf.Scalar,
              vars,
            );
            return [value, ...vars.map((v) => grads[v.name]!)].map((t) => Array.from(t.dataSync()));
          };
          const a = run(fused);
          const b = run(perStep);
          a.forEach((values, i) => {
            for (const [j, v] of values.entries()) {
              expect(Math.abs(v - b[i]![j]!)).toBeLessThanOrEqual(1e-5);
            }
          });
          fused.dispose();
          perStep.dispose();
        }
      });
      expect(tf.memory().numTensors).toBe(baseline);
    });
  }
});
