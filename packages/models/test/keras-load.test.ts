import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSystem, inspectKerasModel, loadKerasModel } from '../src/index.node.js';

const FIXTURES = join(import.meta.dirname, 'fixtures/keras');
const SHARED = join(import.meta.dirname, '../../../../shared/keras-models');

interface Case {
  inputs: number[][][] | number[][][][];
  expected: number[][][];
}

const own = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, Case>;
const real = JSON.parse(readFileSync(join(FIXTURES, 'real-expected.json'), 'utf8')) as Record<string, Case>;

beforeAll(async () => {
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
  await (await import('h5wasm')).ready; // compiling the 4 MB HDF5 module is not part of any one test
}, 60_000);

function maxAbsDiff(a: ArrayLike<number>, b: number[]): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < b.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Predicts every case input and compares with the NumPy forward pass; checks no tensor outlives the call. */
function checkPredictions(model: tfl.LayersModel, c: Case): number {
  const before = tf.memory().numTensors;
  const xs = c.inputs.map((x, i) => {
    const dtype = model.inputs[i]!.dtype === 'int32' ? 'int32' : 'float32';
    return tf.tensor(x as number[][], undefined, dtype);
  });
  const out = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(out) ? out : [out];
  let worst = 0;
  outs.forEach((o, i) => {
    expect(o.shape).toEqual(shapeOf(c.expected[i]!));
    worst = Math.max(worst, maxAbsDiff(o.dataSync(), (c.expected[i] as unknown[]).flat(3) as number[]));
  });
  tf.dispose([...xs, ...outs]);
  expect(tf.memory().numTensors).toBe(before);
  return worst;
}

function shapeOf(a: unknown): number[] {
  const shape: number[] = [];
  let x = a;
  while (Array.isArray(x)) {
    shape.push(x.length);
    x = x[0];
  }
  return shape;
}

describe('real Keras files (../shared/keras-models) predict like the Keras that wrote them', {
  timeout: 60_000,
}, () => {
  it.each(Object.keys(real))('%s', async (name) => {
    const before = tf.memory().numTensors;
    const model = await loadKerasModel(join(SHARED, name));
    expect(checkPredictions(model, real[name]!)).toBeLessThanOrEqual(1e-4);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('inspects the real files: format, Keras version, numWords and maxlen from the input', async () => {
    const info = await inspectKerasModel(join(SHARED, '01-imdb-lstm-k2.15.h5'));
    expect(info).toMatchObject({
      format: 'h5',
      kerasVersion: '2.15.0',
      backend: 'tensorflow',
      modelClass: 'Sequential',
      inputKind: 'ids',
      numWords: 5000,
      maxlen: 500,
    });
    expect(info.layers.map((l) => l.className)).toEqual(['InputLayer', 'Embedding', 'LSTM', 'Dense']);
    const old = await inspectKerasModel(join(SHARED, '03-imdb-gru-resetafter0-hardsig-k2.2.4.h5'));
    expect(old).toMatchObject({ kerasVersion: '2.2.4-tf', numWords: 5000, maxlen: undefined });
    expect(old.inputs).toEqual([{ name: 'embedding_5_input', batchShape: [null, null], dtype: 'float32' }]);
    const k3 = await inspectKerasModel(readFileSync(join(SHARED, '13-movie-lstm-k3.13.keras')));
    expect(k3).toMatchObject({
      format: 'keras',
      kerasVersion: '3.13.2',
      backend: undefined,
      numWords: 10000,
      maxlen: 200,
    });
  });

  it('runs the real LSTM and GRU on the fused layers', async () => {
    const model = await loadKerasModel(join(SHARED, '01-imdb-lstm-k2.15.h5'));
    expect(model.layers.map((l) => l.constructor.name)).toEqual([
      'InputLayer',
      'KerasEmbedding',
      'KerasLSTM',
      'KerasDense',
    ]);
    model.dispose();
    const gru = await loadKerasModel(join(SHARED, '03-imdb-gru-resetafter0-hardsig-k2.2.4.h5'));
    const layer = gru.getLayer('gru_1') as unknown as {
      cell: { resetAfter: boolean; recurrentActivationName: string };
    };
    expect(layer.constructor.name).toBe('KerasGRU');
    expect(layer.cell.resetAfter).toBe(false);
    expect(layer.cell.recurrentActivationName).toBe('hardSigmoid');
    gru.dispose();
  });
});

describe('seqlab fixtures in Keras layouts predict like the NumPy forward pass of the Keras layers', {
  timeout: 30_000,
}, () => {
  it.each(Object.keys(own))('%s', async (name) => {
    const before = tf.memory().numTensors;
    const bytes = readFileSync(join(FIXTURES, name));
    const model = await loadKerasModel(new Uint8Array(bytes));
    expect(checkPredictions(model, own[name]!)).toBeLessThanOrEqual(1e-4);
    // Twice: no state carried between calls.
    expect(checkPredictions(model, own[name]!)).toBeLessThanOrEqual(1e-4);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("inspects the lesson's one-hot SimpleRNN: numWords is the one-hot depth", async () => {
    const info = await inspectKerasModel(join(FIXTURES, 'k2-simple-rnn-onehot.h5'));
    expect(info).toMatchObject({ inputKind: 'one-hot', numWords: 12, maxlen: 6, kerasVersion: '2.15.0' });
    expect(info.inputs).toEqual([{ name: 'simple_rnn_input', batchShape: [null, 6, 12], dtype: 'float32' }]);
    const functional = await inspectKerasModel(join(FIXTURES, 'k2-functional-two-inputs.h5'));
    expect(functional).toMatchObject({ modelClass: 'Functional', inputKind: 'ids', numWords: 30, maxlen: 8 });
    expect(functional.inputs.map((i) => i.name)).toEqual(['ids', 'feats']);
    const built = await inspectKerasModel(join(FIXTURES, 'k3-sequential-build-input-shape.keras'));
    expect(built).toMatchObject({ inputKind: 'ids', numWords: 30, maxlen: 5 });
  });

  it('takes an ArrayBuffer as well as a Uint8Array', async () => {
    const bytes = readFileSync(join(FIXTURES, 'k3-bidirectional-concat.keras'));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const model = await loadKerasModel(buffer);
    expect(checkPredictions(model, own['k3-bidirectional-concat.keras']!)).toBeLessThanOrEqual(1e-4);
    model.dispose();
  });
});

describe('a loaded Keras model saved in the tfjs layers format loads again and predicts the same', {
  timeout: 60_000,
}, () => {
  it.each(Object.keys(own))('%s', async (name) => {
    const dir = await mkdtemp(join(tmpdir(), 'seqlab-keras-'));
    try {
      const model = await loadKerasModel(join(FIXTURES, name));
      await model.save(fileSystem(dir));
      model.dispose();
      const again = await tfl.loadLayersModel(fileSystem(join(dir, 'model.json')));
      expect(checkPredictions(again, own[name]!)).toBeLessThanOrEqual(1e-4);
      again.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
