import { readFileSync } from 'node:fs';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CallbackError, EarlyStopping, earlyStopping, type MonitorMode } from '../src/index.js';

interface Case {
  sequence: number;
  options: {
    monitor: string;
    minDelta: number;
    patience: number;
    mode: MonitorMode;
    baseline: number | null;
    restoreBestWeights: boolean;
    startFromEpoch: number;
  };
  epochsRun: number;
  stopped: boolean;
  stoppedEpoch: number;
  bestEpoch: number;
  best: number | null;
  wait: number;
  finalWeightsEpoch: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/early_stopping.json', import.meta.url), 'utf8'),
) as {
  sequences: number[][];
  cases: Case[];
};

/** A stand-in for a LayersModel: weights are one tensor per epoch, so restored weights name their epoch. */
class FakeModel {
  stopTraining = false;
  weights: tf.Tensor[] = [];
  getWeights(): tf.Tensor[] {
    return this.weights;
  }
  setWeights(ws: tf.Tensor[]): void {
    const copies = ws.map((w) => tf.clone(w));
    tf.dispose(this.weights);
    this.weights = copies;
  }
}

/** What fit's setModel does; tfjs' own setModel insists on a real LayersModel. */
function attach(callback: tfl.Callback, model: FakeModel): void {
  callback.model = model as unknown as tfl.LayersModel;
}

function weightsOf(epoch: number): tf.Tensor[] {
  // Values that float32 keeps exactly, and a second tensor so the order is checked too.
  return [tf.tensor1d([epoch, epoch + 0.25, -epoch]), tf.tensor2d([[epoch * 0.5, 1e-3 * epoch]])];
}

beforeAll(async () => {
  await initWasm();
});

describe('earlyStopping against the Keras 3 algorithm', () => {
  it(`replays ${fixture.cases.length} loss sequences: stop epoch, best epoch, wait and restored weights`, async () => {
    const before = tf.memory().numTensors;
    for (const c of fixture.cases) {
      const sequence = fixture.sequences[c.sequence]!;
      const { baseline, ...options } = c.options;
      const callback = earlyStopping({
        ...options,
        ...(baseline === null ? {} : { baseline }),
        onWarning: () => {},
      });
      const model = new FakeModel();
      attach(callback, model);
      await callback.onTrainBegin();
      let epochsRun = 0;
      // tfjs logs accuracy as `val_acc`: feed Keras' `val_accuracy` monitor through the alias.
      const key = options.monitor === 'val_accuracy' ? 'val_acc' : options.monitor;
      for (const [epoch, value] of sequence.entries()) {
        tf.dispose(model.weights);
        model.weights = weightsOf(epoch);
        await callback.onEpochEnd(epoch, { [key]: tf.scalar(value), other: 1 });
        epochsRun = epoch + 1;
        if (model.stopTraining) break;
      }
      await callback.onTrainEnd();
      const label = JSON.stringify(c);
      expect({ epochsRun, stopped: model.stopTraining }, label).toEqual({
        epochsRun: c.epochsRun,
        stopped: c.stopped,
      });
      expect(callback.stoppedEpoch, label).toBe(c.stoppedEpoch);
      expect(callback.bestEpoch, label).toBe(c.bestEpoch);
      expect(callback.wait, label).toBe(c.wait);
      expect(callback.best ?? null, label).toBe(c.best);
      const expected = weightsOf(c.finalWeightsEpoch);
      expect(
        model.weights.map((w) => Array.from(w.dataSync())),
        label,
      ).toEqual(expected.map((w) => Array.from(w.dataSync())));
      tf.dispose([...expected, ...model.weights]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(fixture.cases.filter((c) => c.stopped).length).toBeGreaterThan(100);
    expect(fixture.cases.filter((c) => c.finalWeightsEpoch !== c.epochsRun - 1).length).toBeGreaterThan(100);
  });

  it('warns with the available metrics when the monitor is missing, and does not stop', async () => {
    const warnings: string[] = [];
    const callback = earlyStopping({ monitor: 'val_loss', onWarning: (m) => warnings.push(m) });
    const model = new FakeModel();
    attach(callback, model);
    await callback.onTrainBegin();
    await callback.onEpochEnd(0, { loss: 0.5, acc: 0.7 });
    expect(warnings).toEqual([
      'Early stopping conditioned on metric `val_loss` which is not available. Available metrics are: loss,acc',
    ]);
    expect(model.stopTraining).toBe(false);
  });

  it('rejects bad arguments with typed errors', () => {
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof CallbackError ? `${e.code}: ${e.message}` : String(e);
      }
      return undefined;
    };
    expect(codeOf(() => earlyStopping({ mode: 'best' as MonitorMode }))).toBe(
      `UNKNOWN_MODE: EarlyStopping: unknown mode "best". Expected one of 'auto', 'min', 'max'.`,
    );
    expect(codeOf(() => earlyStopping({ patience: -1 }))).toBe(
      'INVALID_ARGUMENT: EarlyStopping: patience must be a non-negative integer, got -1.',
    );
    expect(codeOf(() => earlyStopping({ monitor: 'val_f00' }))).toMatch(
      /^UNKNOWN_DIRECTION: EarlyStopping received monitor=val_f00, but cannot determine/,
    );
    expect(earlyStopping({ monitor: 'val_f00', mode: 'max' }).direction).toBe('max');
    expect(earlyStopping({ monitor: 'val_accuracy' }).direction).toBe('max');
    expect(earlyStopping({ monitor: 'val_acc', minDelta: 0.1 }).minDelta).toBe(0.1);
    expect(earlyStopping({ minDelta: 0.1 }).minDelta).toBe(-0.1);
  });
});

describe('earlyStopping in a real model.fit', () => {
  it('stops early and restores the best epoch bit for bit', async () => {
    const before = tf.memory().numTensors;
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 4,
          inputShape: [3],
          activation: 'tanh',
          // Seeded, so the run (and where it stops) is the same every time.
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }),
        }),
      ],
    });
    model.add(
      tfl.layers.dense({
        units: 1,
        activation: 'sigmoid',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }),
      }),
    );
    // A large learning rate overshoots, so val_loss stops improving within a few epochs.
    const optimizer = tf.train.sgd(8);
    model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor2d([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 1],
      [1, 1, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const y = tf.tensor2d([[0], [1], [0], [1], [1], [0]]);
    const snapshots: number[][][] = [];
    const callback = new EarlyStopping({ patience: 2, restoreBestWeights: true, monitor: 'loss' });
    const recorder = new (class extends tfl.Callback {
      override async onEpochEnd(): Promise<void> {
        snapshots.push(this.model.getWeights().map((w) => Array.from(w.dataSync())));
      }
    })();
    const hist = await model.fit(x, y, {
      epochs: 40,
      batchSize: 6,
      callbacks: [callback, recorder],
      verbose: 0,
    });
    const losses = hist.history['loss'] as number[];
    expect(callback.stoppedEpoch).toBeGreaterThan(0);
    expect(losses.length).toBe(callback.stoppedEpoch + 1);
    expect(losses.length).toBeLessThan(40);
    const bestEpoch = losses.indexOf(Math.min(...losses.map((v) => Math.fround(v))));
    expect(callback.bestEpoch).toBe(bestEpoch);
    expect(callback.stoppedEpoch - callback.bestEpoch).toBe(2);
    const restored = model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(restored).toEqual(snapshots[bestEpoch]);
    expect(restored).not.toEqual(snapshots.at(-1));
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
