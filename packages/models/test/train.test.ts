import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, fileSystem, MODEL_NAMES, ModelsError, trainLesson } from '../src/index.node.js';
import { expectCurvesClose, toyCurve, toyData } from './_toy.js';

const MAXLEN = 12;
const ROWS = 64;

let root: string;
beforeAll(async () => {
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
  root = await mkdtemp(join(tmpdir(), 'seqlab-models-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(MODEL_NAMES)('%s on wasm', (name) => {
  it('trains a few batches with falling loss, leaks no tensors across epochs, and saves/loads exactly', async () => {
    const baseline = tf.memory().numTensors;
    const model = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const { x, y } = toyData(ROWS, 3, MAXLEN);
    const val = toyData(16, 4, MAXLEN);
    const tensorsAtEpochEnd: number[] = [];
    const history = await trainLesson({
      model,
      x,
      y,
      validationData: val,
      epochs: 4,
      batchSize: 16,
      learningRate: 1e-2,
      seed: 5,
      callbacks: { onEpochEnd: async () => void tensorsAtEpochEnd.push(tf.memory().numTensors) },
    });
    const loss = history.history['loss'] as number[];
    expect(loss).toHaveLength(4);
    expect(history.history['val_loss']).toHaveLength(4);
    expect(history.history['val_acc']).toHaveLength(4);
    expect(loss[3]!).toBeLessThan(loss[0]!);
    expect(new Set(tensorsAtEpochEnd.slice(1)).size).toBe(1);
    expect(tensorsAtEpochEnd[3]).toBe(tensorsAtEpochEnd[1]);

    const dir = join(root, name);
    await model.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(join(dir, 'model.json')));
    const probe = tf.tensor2d(toyData(8, 9, MAXLEN).x.data as Int32Array, [8, MAXLEN], 'int32');
    const a = model.predict(probe) as tf.Tensor;
    const b = loaded.predict(probe) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(loaded.countParams()).toBe(model.countParams());
    tf.dispose([probe, a, b]);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(baseline); // weights, optimizer slots and masks all freed
  });
});

/** `model` rebuilt from its own config with every recurrent layer's `fused: false` (the per-step tfjs loop). */
async function unfusedTwin(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const json = model.toJSON(null, false) as { config: { layers: { config: Record<string, unknown> }[] } };
  let recurrent = 0;
  for (const layer of json.config.layers) {
    if ('return_sequences' in layer.config) {
      layer.config['fused'] = false;
      recurrent++;
    }
  }
  expect(recurrent).toBeGreaterThan(0);
  const twin = await tfl.models.modelFromJSON({
    modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'],
  });
  const flags = twin.layers
    .map((l) => (l as unknown as { fused?: boolean }).fused)
    .filter((f) => f !== undefined);
  expect(flags).toEqual(new Array(recurrent).fill(false));
  twin.setWeights(model.getWeights());
  return twin;
}

const RECURRENT = [
  'simple-rnn-onehot',
  'embedding-simple-rnn',
  'lstm',
  'stacked-lstm',
  'gru',
  'peephole-lstm',
] as const;

describe.each(RECURRENT)('%s: fused and per-step layers', (name) => {
  it('trace the same training curve for a fixed seed (dropout masks included)', async () => {
    const curve = async (unfused: boolean) => {
      const built = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 21 });
      const model = unfused ? await unfusedTwin(built) : built;
      if (unfused) built.dispose();
      return toyCurve(model, MAXLEN);
    };
    const fused = await curve(false);
    const perStep = await curve(true);
    // Float sums in another order, compounded over 12 RMSprop steps at lr 1e-2: close, not bit-equal.
    expectCurvesClose(fused, perStep, { curve: 1e-4, weights: 1e-3 });
  });
});

describe('trainLesson', () => {
  it('repeats a run exactly with the same seeds', async () => {
    const run = async () => {
      const model = createModel('gru', { numWords: 50, maxlen: MAXLEN, seed: 11 });
      const { x, y } = toyData(32, 3, MAXLEN);
      const history = await trainLesson({
        model,
        x,
        y,
        epochs: 2,
        batchSize: 8,
        learningRate: 1e-2,
        seed: 2,
      });
      model.dispose();
      return history.history['loss'];
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects labels that do not match the rows with INVALID_DATA', async () => {
    const model = createModel('conv1d', { numWords: 50, maxlen: MAXLEN });
    const { x } = toyData(8, 3, MAXLEN);
    const error = await trainLesson({ model, x, y: [1, 0] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('INVALID_DATA');
    expect((error as Error).message).toBe(
      'trainLesson: train.y must have one label per row (8), got 2 labels.',
    );
    model.dispose();
  });
});

describe('trainLesson callbacks', () => {
  it('hands tfl.Callback subclasses numeric logs and keeps the tensor count flat across epochs', async () => {
    class Probe extends tfl.Callback {
      counts: number[] = [];
      kinds: string[] = [];
      override async onEpochEnd(_epoch: number, logs?: Record<string, unknown>): Promise<void> {
        this.counts.push(tf.memory().numTensors);
        this.kinds.push(typeof logs?.['val_loss']);
      }
    }
    const probe = new Probe();
    const seen: number[] = [];
    const model = createModel('embedding-simple-rnn', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const { x, y } = toyData(32, 3, MAXLEN);
    await trainLesson({
      model,
      x,
      y,
      validationData: toyData(8, 4, MAXLEN),
      epochs: 4,
      batchSize: 16,
      callbacks: [probe, { onEpochEnd: async (epoch: number) => void seen.push(epoch) }],
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(probe.kinds).toEqual(['number', 'number', 'number', 'number']);
    expect(new Set(probe.counts.slice(1)).size).toBe(1);
    model.dispose();
  });
});
