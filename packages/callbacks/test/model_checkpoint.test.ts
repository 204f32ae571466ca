import { resolve } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkpointUrl } from '../src/_target.js';
import { CallbackError, loadCheckpointWeights, modelCheckpoint } from '../src/index.js';

/** An in-memory checkpoint store whose writes commit all at once, like a directory renamed into place. */
function memoryStore() {
  const store = new Map<string, tf.io.ModelArtifacts>();
  const failOn = new Set<string>();
  const handler = (path: string): tf.io.IOHandler => ({
    save: async (artifacts) => {
      if (failOn.has(path)) throw new Error(`disk full while writing ${path}/weights.bin`);
      store.set(path, structuredClone(artifacts));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => {
      const artifacts = store.get(path);
      if (artifacts === undefined) throw new Error(`no checkpoint at ${path}`);
      return artifacts;
    },
  });
  return { store, failOn, handler };
}

function smallModel(): tfl.Sequential {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'rmsprop', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function fill(model: tfl.LayersModel, value: number): void {
  const ws = model.getWeights().map((w) => tf.fill(w.shape, value));
  model.setWeights(ws);
  tf.dispose(ws);
}

const values = (model: tfl.LayersModel): number[][] =>
  model.getWeights().map((w) => Array.from(w.dataSync()));

let before = 0;
beforeAll(async () => {
  await initWasm();
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

describe('modelCheckpoint', () => {
  it('with saveBestOnly writes exactly the improving epochs, each with that epoch’s weights', async () => {
    before = tf.memory().numTensors;
    const { store, handler } = memoryStore();
    const model = smallModel();
    const checkpoint = modelCheckpoint('ckpt-{epoch:02d}-{val_loss:.4f}', { saveBestOnly: true, handler });
    checkpoint.setModel(model);
    const sequence = [0.9, 0.8, 0.85, 0.8, 0.7, 0.75, 0.70000001];
    for (const [epoch, v] of sequence.entries()) {
      fill(model, epoch);
      await checkpoint.onEpochBegin(epoch);
      await checkpoint.onEpochEnd(epoch, { loss: 1, val_loss: Math.fround(v) });
    }
    expect(checkpoint.saved).toEqual(['ckpt-01-0.9000', 'ckpt-02-0.8000', 'ckpt-05-0.7000']);
    expect([...store.keys()]).toEqual(checkpoint.saved);
    const restored = smallModel();
    await loadCheckpointWeights(restored, 'ckpt-02-0.8000', { handler });
    expect(values(restored)).toEqual(values(restored).map((w) => w.map(() => 1)));
    await loadCheckpointWeights(restored, handler('ckpt-05-0.7000'));
    expect(
      values(restored)
        .flat()
        .every((v) => v === 4),
    ).toBe(true);
    // Full saves carry the training config and the optimizer state, as Keras' .keras files do.
    const full = store.get('ckpt-01-0.9000')!;
    expect(full.trainingConfig?.loss).toBe('binary_crossentropy');
    expect(full.weightSpecs?.some((s) => s.group === 'optimizer')).toBe(true);
    model.dispose();
    restored.dispose();
  });

  it('initialValueThreshold and max mode decide the first save', async () => {
    before = tf.memory().numTensors;
    const { handler } = memoryStore();
    const model = smallModel();
    const checkpoint = modelCheckpoint('acc-{epoch}', {
      monitor: 'val_accuracy',
      saveBestOnly: true,
      initialValueThreshold: 0.6,
      handler,
    });
    checkpoint.setModel(model);
    for (const [epoch, v] of [0.5, 0.6, 0.61, 0.7, 0.65].entries()) {
      await checkpoint.onEpochEnd(epoch, { val_acc: Math.fround(v) });
    }
    expect(checkpoint.saved).toEqual(['acc-3', 'acc-4']);
    model.dispose();
  });

  it('survives a failing write: typed error, previous checkpoint intact, and with onSaveError=warn retries', async () => {
    before = tf.memory().numTensors;
    const { store, failOn, handler } = memoryStore();
    const model = smallModel();
    const strict = modelCheckpoint('best', { saveBestOnly: true, handler });
    strict.setModel(model);
    fill(model, 1);
    await strict.onEpochEnd(0, { val_loss: 0.5 });
    const good = structuredClone(store.get('best'));
    failOn.add('best');
    fill(model, 2);
    const error = await strict.onEpochEnd(1, { val_loss: 0.4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbackError);
    expect((error as CallbackError).code).toBe('CHECKPOINT_SAVE_FAILED');
    expect((error as CallbackError).message).toBe(
      "ModelCheckpoint: saving the model of epoch 2 to 'best' failed: disk full while writing best/weights.bin. " +
        'The previous checkpoint, if any, is unchanged.',
    );
    expect(((error as CallbackError).cause as Error).message).toBe(
      'disk full while writing best/weights.bin',
    );
    expect(store.get('best')).toEqual(good);
    expect(strict.best).toBe(0.5);

    const warnings: string[] = [];
    const lenient = modelCheckpoint('e{epoch}', {
      saveBestOnly: true,
      handler,
      onSaveError: 'warn',
      onWarning: (m) => warnings.push(m),
    });
    lenient.setModel(model);
    failOn.add('e1');
    await lenient.onEpochEnd(0, { val_loss: 0.5 });
    await lenient.onEpochEnd(1, { val_loss: 0.6 });
    expect(warnings).toHaveLength(1);
    expect(lenient.saved).toEqual(['e2']);
    model.dispose();
  });

  it('saveWeightsOnly writes topology and weights without training config or optimizer state', async () => {
    before = tf.memory().numTensors;
    const { store, handler } = memoryStore();
    const model = smallModel();
    const checkpoint = modelCheckpoint('w', { saveWeightsOnly: true, handler });
    checkpoint.setModel(model);
    fill(model, 3);
    await checkpoint.onEpochEnd(0, { loss: 0.3 });
    const artifacts = store.get('w')!;
    expect(artifacts.trainingConfig).toBeUndefined();
    expect(artifacts.weightSpecs?.map((s) => s.name)).toEqual([
      model.layers[0]!.weights[0]!.originalName,
      model.layers[0]!.weights[1]!.originalName,
      model.layers[1]!.weights[0]!.originalName,
      model.layers[1]!.weights[1]!.originalName,
    ]);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(
      values(loaded)
        .flat()
        .every((v) => v === 3),
    ).toBe(true);
    model.dispose();
    loaded.dispose();
  });

  it('saves every N batches in a real fit, with Keras’ 1-based {epoch} and {batch}', async () => {
    before = tf.memory().numTensors;
    const { handler } = memoryStore();
    const model = smallModel();
    const x = tf.ones([6, 3]);
    const y = tf.ones([6, 1]);
    const checkpoint = modelCheckpoint('b-{epoch}-{batch}', { saveFreq: 2, handler });
    await model.fit(x, y, { epochs: 2, batchSize: 2, callbacks: [checkpoint], verbose: 0 });
    expect(checkpoint.saved).toEqual(['b-1-2', 'b-2-1', 'b-2-3']);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });

  it('in a real fit with validation saves exactly when val_loss improves', async () => {
    before = tf.memory().numTensors;
    const { store, handler } = memoryStore();
    const model = smallModel();
    const x = tf.tensor2d([0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0], [8, 3]);
    const y = tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0], [8, 1]);
    const checkpoint = modelCheckpoint('v{epoch:02d}', { saveBestOnly: true, handler });
    const h = await model.fit(x, y, {
      epochs: 8,
      batchSize: 4,
      validationSplit: 0.25,
      callbacks: [checkpoint],
      verbose: 0,
    });
    const val = h.history['val_loss'] as number[];
    let best = Infinity;
    const improving: string[] = [];
    val.forEach((v, epoch) => {
      if (Math.fround(v) < Math.fround(best)) {
        best = v;
        improving.push(`v${String(epoch + 1).padStart(2, '0')}`);
      }
    });
    expect(checkpoint.saved).toEqual(improving);
    expect([...store.keys()]).toEqual(improving);
    tf.dispose([x, y]);
    model.optimizer.dispose();
    model.dispose();
  });

  it('routes filepaths: URLs pass through, plain paths become file:// absolute paths', () => {
    before = tf.memory().numTensors;
    expect(checkpointUrl('indexeddb://ex2')).toBe('indexeddb://ex2');
    expect(checkpointUrl('file:///tmp/a')).toBe('file:///tmp/a');
    expect(checkpointUrl('runs/Ex2.h5')).toBe(`file://${resolve('runs/Ex2.h5')}`);
  });

  it('explains a missing router, a bad template and bad options', async () => {
    before = tf.memory().numTensors;
    const model = smallModel();
    const checkpoint = modelCheckpoint('nosuchscheme://x');
    checkpoint.setModel(model);
    await expect(checkpoint.onEpochEnd(0, { val_loss: 1 })).rejects.toThrow(
      "ModelCheckpoint: no tfjs IOHandler is registered to save 'nosuchscheme://x'. Expected a router for " +
        "'nosuchscheme://' (import '@seqlab/models' for file:// in Node, or use indexeddb:// in the browser) or a " +
        '`handler` option; received none.',
    );
    const templated = modelCheckpoint('c-{val_los:.2f}', { handler: memoryStore().handler });
    templated.setModel(model);
    await expect(templated.onEpochEnd(0, { val_loss: 1 })).rejects.toMatchObject({
      code: 'FILEPATH_FORMAT',
      message:
        'ModelCheckpoint: failed to format this callback filepath: "c-{val_los:.2f}". ' +
        "Reason: missing field 'val_los'; available: val_loss, epoch.",
    });
    expect(() => modelCheckpoint('x', { saveFreq: 0 })).toThrow(/Expected 'epoch' or a positive integer/);
    expect(() => modelCheckpoint('x', { mode: 'up' as 'min' })).toThrow(/unknown mode "up"/);
    model.dispose();
  });
});
