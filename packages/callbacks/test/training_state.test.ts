// A run stopped after some epochs and resumed from its training state ends with the same weights, bit for bit, as
// the run that never stopped: weights, optimizer slots and iterations, the epoch and the callbacks' state carry over.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, rmsprop, trainLesson } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallbackError,
  earlyStopping,
  loadCheckpointWeights,
  loadTrainingState,
  modelCheckpoint,
  reduceLROnPlateau,
  trainingStateCheckpoint,
} from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'seqlab-state-'));
beforeAll(async () => {
  await initWasm();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function model(): tfl.Sequential {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 4,
        inputShape: [3],
        activation: 'tanh',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  return m;
}

const bytesOf = (m: tfl.LayersModel): number[][] =>
  m.getWeights().map((w) => Array.from(new Uint8Array((w.dataSync() as Float32Array).slice().buffer)));

function data() {
  return {
    x: tf.tensor2d(
      Array.from({ length: 48 }, (_, i) => ((i * 7) % 11) / 11 - 0.4),
      [16, 3],
    ),
    y: tf.tensor2d(
      Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      [16, 1],
    ),
    vx: tf.tensor2d(
      Array.from({ length: 24 }, (_, i) => ((i * 5) % 13) / 13 - 0.5),
      [8, 3],
    ),
    vy: tf.tensor2d([1, 0, 0, 1, 0, 0, 1, 0], [8, 1]),
  };
}

/** The run's stateful callbacks, fresh. */
function callbacks(dir: string) {
  return {
    earlyStopping: earlyStopping({ patience: 100, restoreBestWeights: true }),
    best: modelCheckpoint(join(dir, 'best'), { saveBestOnly: true }),
    reduceLr: reduceLROnPlateau({ patience: 1, factor: 0.5 }),
  };
}

async function fit(m: tfl.LayersModel, cbs: tfl.Callback[], initialEpoch: number, epochs: number) {
  const { x, y, vx, vy } = data();
  await m.fit(x, y, {
    epochs,
    initialEpoch,
    batchSize: 4,
    shuffle: false,
    validationData: [vx, vy],
    callbacks: cbs,
    verbose: 0,
  });
  tf.dispose([x, y, vx, vy]);
}

describe('training state', () => {
  it('a run resumed from its state ends with the same weights and best checkpoint as an uninterrupted run', async () => {
    const before = tf.memory().numTensors;
    const straightDir = join(work, 'straight');
    const straight = model();
    const s = callbacks(straightDir);
    await fit(straight, [s.earlyStopping, s.best, s.reduceLr], 0, 6);

    const dir = join(work, 'resumed');
    const first = model();
    const c1 = callbacks(dir);
    const state = trainingStateCheckpoint(join(dir, 'state'), { callbacks: c1, metadata: { model: 'toy' } });
    // Stopped (as a kill would) after 3 epochs.
    await fit(first, [c1.earlyStopping, c1.best, c1.reduceLr, state], 0, 3);
    // The third epoch's state was saved before onTrainEnd restored the best weights.
    first.optimizer.dispose();
    first.dispose();

    const second = model();
    const c2 = callbacks(dir);
    const resumed = await loadTrainingState(second, join(dir, 'state'), { callbacks: c2 });
    expect(resumed).toEqual({ epoch: 3, metadata: { model: 'toy' } });
    await fit(second, [c2.earlyStopping, c2.best, c2.reduceLr], resumed.epoch, 6);

    expect(bytesOf(second)).toEqual(bytesOf(straight));
    expect(c2.best.best).toBe(s.best.best);
    const a = model();
    const b = model();
    await loadCheckpointWeights(a, join(straightDir, 'best'));
    await loadCheckpointWeights(b, join(dir, 'best'));
    expect(bytesOf(b)).toEqual(bytesOf(a));
    for (const m of [straight, second, a, b]) {
      m.optimizer.dispose();
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('trainLesson resumed at initialEpoch from its state repeats a straight seeded run bit for bit', async () => {
    const before = tf.memory().numTensors;
    const rows = 48;
    const x = {
      data: Int32Array.from({ length: rows * 10 }, (_, i) => 3 + ((i * 31) % 40)),
      shape: [rows, 10] as [number, number],
    };
    const y = Float32Array.from({ length: rows }, (_, i) => (x.data[i * 10 + 4]! % 2 === 0 ? 1 : 0));
    const validationData = {
      x: { data: x.data.slice(0, 16 * 10), shape: [16, 10] as [number, number] },
      y: y.slice(0, 16),
    };
    // embedding-simple-rnn draws no dropout: the seeded shuffle is the only randomness.
    const build = () => {
      const m = createModel('embedding-simple-rnn', { numWords: 50, maxlen: 10, seed: 5 });
      m.compile({
        optimizer: rmsprop({ learningRate: 0.01 }),
        loss: 'binaryCrossentropy',
        metrics: ['accuracy'],
      });
      return m;
    };
    const run = { x, y, validationData, epochs: 4, batchSize: 8, seed: 9, compile: false } as const;
    const straight = build();
    await trainLesson({ ...run, model: straight });

    const dir = join(work, 'lesson');
    const first = build();
    const stopAfter2 = new (class extends tfl.Callback {
      override async onEpochEnd(epoch: number): Promise<void> {
        if (epoch === 1) (this.model as tfl.LayersModel).stopTraining = true;
      }
    })();
    await trainLesson({
      ...run,
      model: first,
      callbacks: [trainingStateCheckpoint(join(dir, 'state')), stopAfter2],
    });
    first.optimizer.dispose();
    first.dispose();
    const second = build();
    const { epoch } = await loadTrainingState(second, join(dir, 'state'));
    expect(epoch).toBe(2);
    await trainLesson({ ...run, model: second, initialEpoch: epoch });
    expect(bytesOf(second)).toEqual(bytesOf(straight));
    for (const m of [straight, second]) {
      m.optimizer.dispose();
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('refuses a plain checkpoint and an uncompiled model with typed errors', async () => {
    const m = model();
    const cb = modelCheckpoint(join(work, 'plain'));
    cb.setModel(m);
    await cb.onEpochEnd(0, { loss: 1 });
    await expect(loadTrainingState(m, join(work, 'plain'))).rejects.toThrowError(
      new CallbackError(
        'INVALID_ARGUMENT',
        `loadTrainingState: '${join(work, 'plain')}' holds no training state; expected a checkpoint written by ` +
          'saveTrainingState or trainingStateCheckpoint, received a plain model checkpoint.',
      ),
    );
    const bare = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [3] })] });
    await expect(loadTrainingState(bare, join(work, 'plain'))).rejects.toMatchObject({ code: 'NO_MODEL' });
    m.optimizer.dispose();
    m.dispose();
    bare.dispose();
  }, 60_000);
});
