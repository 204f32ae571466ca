// A training stopped mid-epoch (Ctrl-C sets model.stopTraining) must never replace best/ with unvalidated weights.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointWeights, modelCheckpoint } from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'seqlab-interrupt-'));
beforeAll(async () => {
  await initWasm();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function model(): tfl.Sequential {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu', kernelInitializer: 'glorotUniform' }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy' });
  return m;
}

const bytesOf = (m: tfl.LayersModel): Uint8Array[] =>
  m.getWeights().map((w) => new Uint8Array((w.dataSync() as Float32Array).slice().buffer));

/** Stops training (as the CLI's Ctrl-C does) at the end of 0-based batch `batch` of 0-based epoch `epoch`. */
class StopAt extends tfl.Callback {
  private epoch = 0;
  constructor(
    private readonly stopEpoch: number,
    private readonly stopBatch: number,
  ) {
    super();
  }
  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }
  override async onBatchEnd(batch: number): Promise<void> {
    if (this.epoch === this.stopEpoch && batch === this.stopBatch) {
      (this.model as tfl.LayersModel).stopTraining = true;
    }
  }
}

/** Each finished, validated epoch's weights and val_loss. */
class Validated extends tfl.Callback {
  readonly epochs: { valLoss: number; weights: Uint8Array[] }[] = [];
  override async onEpochEnd(_epoch: number, logs?: tfl.Logs): Promise<void> {
    // tfjs hands the epoch's val_loss over as a scalar tensor until the History callback resolves it.
    const valLoss = logs?.['val_loss'] as number | tf.Scalar | undefined;
    if (valLoss !== undefined) {
      const value = typeof valLoss === 'number' ? valLoss : (await valLoss.data())[0]!;
      this.epochs.push({ valLoss: value, weights: bytesOf(this.model as tfl.LayersModel) });
    }
  }
}

async function train(dir: string, stopEpoch: number, stopBatch: number) {
  const m = model();
  const x = tf.tensor2d(
    Array.from({ length: 48 }, (_, i) => ((i * 7) % 11) / 11 - 0.4),
    [16, 3],
  );
  const y = tf.tensor2d(
    Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    [16, 1],
  );
  const vx = tf.tensor2d(
    Array.from({ length: 24 }, (_, i) => ((i * 5) % 13) / 13 - 0.5),
    [8, 3],
  );
  const vy = tf.tensor2d([1, 0, 0, 1, 0, 0, 1, 0], [8, 1]);
  const warnings: string[] = [];
  const validated = new Validated();
  const checkpoint = modelCheckpoint(join(dir, 'best'), {
    saveBestOnly: true,
    onWarning: (w) => warnings.push(w),
  });
  await m.fit(x, y, {
    epochs: 6,
    batchSize: 4,
    shuffle: false,
    validationData: [vx, vy],
    callbacks: [validated, checkpoint, new StopAt(stopEpoch, stopBatch)],
    verbose: 0,
  });
  tf.dispose([x, y, vx, vy]);
  return { m, warnings, validated };
}

describe('modelCheckpoint when training is interrupted', () => {
  it('an interrupt in epoch 1 creates no best/', async () => {
    const dir = join(work, 'first');
    const { m, warnings, validated } = await train(dir, 0, 1);
    expect(validated.epochs).toHaveLength(0);
    expect(existsSync(join(dir, 'best'))).toBe(false);
    expect(warnings).toEqual([
      'ModelCheckpoint: epoch 1 was stopped before its end (no validation metrics in its logs); not saving the ' +
        'weights of an unfinished epoch.',
    ]);
    m.optimizer.dispose();
    m.dispose();
  }, 60_000);

  it('an interrupt later keeps best/ equal, bit for bit, to the best validated weights', async () => {
    const dir = join(work, 'later');
    const before = tf.memory().numTensors;
    const { m, validated } = await train(dir, 3, 2);
    expect(validated.epochs).toHaveLength(3);
    let best = validated.epochs[0]!;
    for (const e of validated.epochs) if (Math.fround(e.valLoss) < Math.fround(best.valLoss)) best = e;
    const restored = model();
    await loadCheckpointWeights(restored, join(dir, 'best'));
    expect(bytesOf(restored)).toEqual(best.weights);
    // The interrupted epoch's weights differ from every validated epoch's: it did train.
    for (const e of validated.epochs) expect(bytesOf(m)).not.toEqual(e.weights);
    restored.optimizer.dispose();
    restored.dispose();
    m.optimizer.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
