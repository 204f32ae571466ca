import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, encodeKerasModel, type ModelName, ModelsError, trainLesson } from '../src/index.js';

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const RECURRENT = [
  'simple-rnn-onehot',
  'embedding-simple-rnn',
  'lstm',
  'stacked-lstm',
  'gru',
  'peephole-lstm',
  'bidirectional-lstm',
] as const satisfies readonly ModelName[];

const MAXLEN = 10;
const LENGTHS = [4, 10, 1, 7];
const NUM_WORDS = 30;

/** Rows of word ids 3…29 of the given lengths, and the same rows post-padded with 0 to MAXLEN. */
function sequences(): { rows: Int32Array[]; padded: Int32Array } {
  let s = 12345;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const rows = LENGTHS.map((n) =>
    Int32Array.from({ length: n }, () => 3 + Math.floor(rand() * (NUM_WORDS - 3))),
  );
  const padded = new Int32Array(LENGTHS.length * MAXLEN);
  rows.forEach((row, i) => {
    padded.set(row, i * MAXLEN);
  });
  return { rows, padded };
}

function predict(model: tfl.LayersModel, ids: Int32Array, steps: number): number[] {
  return tf.tidy(() => {
    const out = model.predict(tf.tensor2d(ids, [ids.length / steps, steps], 'int32')) as tf.Tensor;
    return Array.from(out.dataSync());
  });
}

/** `model` rebuilt from its own config (on the current backend), every recurrent layer with `fused: false`. */
async function perStepTwin(model: tfl.LayersModel, weights: Float32Array[]): Promise<tfl.LayersModel> {
  const json = model.toJSON(null, false) as { config: { layers: { config: Record<string, unknown> }[] } };
  let recurrent = 0;
  for (const layer of json.config.layers) {
    // A Bidirectional holds its (forward) layer's config; the backward layer is rebuilt from it.
    const inner = layer.config['layer'] as { config: Record<string, unknown> } | undefined;
    const config = inner?.config ?? layer.config;
    if ('return_sequences' in config) {
      config['fused'] = false;
      recurrent += inner === undefined ? 1 : 2;
    }
  }
  expect(recurrent).toBeGreaterThan(0);
  const twin = await tfl.models.modelFromJSON({
    modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'],
  });
  const flags = twin.layers
    .flatMap((l) => {
      const w = l as { forwardLayer?: tfl.layers.Layer; backwardLayer?: tfl.layers.Layer };
      return w.forwardLayer === undefined ? [l] : [w.forwardLayer, w.backwardLayer!];
    })
    .map((l) => (l as { fused?: boolean }).fused)
    .filter((f) => f !== undefined);
  expect(flags).toEqual(new Array(recurrent).fill(false));
  setWeights(twin, weights);
  return twin;
}

function setWeights(model: tfl.LayersModel, weights: Float32Array[]): void {
  const tensors = model.getWeights().map((w, i) => tf.tensor(weights[i]!, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** d/dw of Σ coef·output over every trainable weight, as flat arrays, in the model's weight order. */
function gradients(model: tfl.LayersModel, ids: Int32Array): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor2d(ids, [LENGTHS.length, MAXLEN], 'int32');
    const coef = tf.tensor2d([1, -0.5, 2, 0.75], [LENGTHS.length, 1]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, coef)) as tf.Scalar,
      vars,
    );
    return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
  });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe.each(RECURRENT)('%s with maskZero', (name) => {
  it('gives post-padded rows the outputs of the unpadded sequences, fused and per-step, and the CPU gradients', async () => {
    const baseline = tf.memory().numTensors;
    const options = { numWords: NUM_WORDS, maxlen: MAXLEN, seed: 3, dropout: 0, maskZero: true };
    const model = createModel(name, options);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const { rows, padded } = sequences();

    const fused = predict(model, padded, MAXLEN);
    const perStep = await perStepTwin(model, weights);
    expectClose(predict(perStep, padded, MAXLEN), fused, 1e-5);
    rows.forEach((row, i) => {
      const alone = createModel(name, { ...options, maxlen: row.length });
      setWeights(alone, weights);
      expectClose(predict(alone, row, row.length), [fused[i]!], 1e-5);
      alone.dispose();
    });
    // Without the mask the padding is read as words: the outputs of the padded rows change.
    const unmasked = createModel(name, { ...options, maskZero: false });
    setWeights(unmasked, weights);
    const plain = predict(unmasked, padded, MAXLEN);
    expect(Math.abs(plain[0]! - fused[0]!)).toBeGreaterThan(1e-4);
    unmasked.dispose();

    // Gradients of the masked batch: fused and per-step on wasm against tfjs' per-step loop on the CPU backend.
    const fusedGrads = gradients(model, padded);
    const perStepGrads = gradients(perStep, padded);
    model.dispose();
    perStep.dispose();
    await tf.setBackend('cpu');
    let reference: Float32Array[];
    try {
      const built = createModel(name, options);
      const cpu = await perStepTwin(built, weights);
      built.dispose();
      reference = gradients(cpu, padded);
      cpu.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
    expect(fusedGrads.length).toBe(reference.length);
    reference.forEach((g, i) => {
      const scale = Math.max(1, ...Array.from(g, Math.abs));
      expectClose(fusedGrads[i]!, g, 1e-5 * scale);
      expectClose(perStepGrads[i]!, g, 1e-5 * scale);
    });
    // The embedding rows of id 0 (padding only) get no gradient through the masked steps.
    if (name !== 'simple-rnn-onehot') {
      const dim = 16;
      expect(Array.from(fusedGrads[0]!.subarray(0, dim))).toEqual(new Array(dim).fill(0));
    }
    expect(tf.memory().numTensors).toBe(baseline);
  }, 120_000);
});

describe('maskZero option', () => {
  it('is off by default, saved in the Embedding config, and must be a boolean', () => {
    const model = createModel('gru', { maskZero: true });
    expect(model.getLayer('embedding').getConfig()['maskZero']).toBe(true);
    model.dispose();
    const plain = createModel('gru');
    expect(plain.getLayer('embedding').getConfig()['maskZero']).toBe(false);
    plain.dispose();
    const error = (() => {
      try {
        createModel('lstm', { maskZero: 'yes' as unknown as boolean });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('INVALID_OPTION');
    expect((error as Error).message).toBe("createModel('lstm'): maskZero must be a boolean, got yes.");
  });
});

describe('maskZero in training and export', () => {
  it('trains with trainLesson on post-padded rows with a flat tensor count', async () => {
    const model = createModel('stacked-lstm', {
      numWords: NUM_WORDS,
      maxlen: MAXLEN,
      seed: 4,
      maskZero: true,
    });
    const { padded } = sequences();
    const counts: number[] = [];
    const history = await trainLesson({
      model,
      x: { data: padded, shape: [LENGTHS.length, MAXLEN] },
      y: [1, 0, 1, 0],
      validationData: { x: { data: padded, shape: [LENGTHS.length, MAXLEN] }, y: [1, 0, 1, 0] },
      epochs: 3,
      batchSize: 2,
      learningRate: 1e-2,
      seed: 1,
      callbacks: { onEpochEnd: async () => void counts.push(tf.memory().numTensors) },
    });
    expect((history.history['loss'] as number[]).every(Number.isFinite)).toBe(true);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
  });

  it('exports Embedding(mask_zero=True) to Keras and refuses a masking OneHot, which Keras cannot express', async () => {
    const model = createModel('lstm', { maskZero: true });
    const files = unzipSync(await encodeKerasModel(model, 'keras'));
    const config = JSON.parse(new TextDecoder().decode(files['config.json']!));
    const layers = config.config.layers as { class_name: string; config: Record<string, unknown> }[];
    expect(layers.find((l) => l.class_name === 'Embedding')?.config['mask_zero']).toBe(true);
    model.dispose();
    const onehot = createModel('simple-rnn-onehot', { maskZero: true });
    await expect(encodeKerasModel(onehot, 'h5')).rejects.toMatchObject({
      code: 'KERAS_EXPORT_UNSUPPORTED',
      message: 'encodeKerasModel: layer "one_hot": a OneHot layer with maskZero has no Keras equivalent.',
    });
    onehot.dispose();
  });
});
