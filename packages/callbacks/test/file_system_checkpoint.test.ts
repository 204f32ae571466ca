// ModelCheckpoint through the model zoo's real file-system IOHandler (the `file://` router @seqlab/models registers).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackError, loadCheckpointWeights, modelCheckpoint } from '../src/index.js';

const work = mkdtempSync(join(tmpdir(), 'seqlab-ckpt-'));
beforeAll(async () => {
  await initWasm();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function model(): tfl.Sequential {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', activation: 'sigmoid' }),
    ],
  });
  m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
  return m;
}

async function drive(callback: tfl.Callback, m: tfl.LayersModel, losses: number[]): Promise<void> {
  callback.setModel(m);
  await callback.onTrainBegin();
  for (const [epoch, valLoss] of losses.entries()) {
    m.setWeights([tf.fill([2, 1], epoch), tf.zeros([1])]);
    await callback.onEpochEnd(epoch, { loss: valLoss, val_loss: valLoss });
  }
  await callback.onTrainEnd();
}

describe('modelCheckpoint with the file-system IOHandler', () => {
  it('writes a directory per improving epoch, each loadable with the weights of that epoch', async () => {
    const m = model();
    const template = join(work, 'ckpt-{epoch:02d}-{val_loss:.2f}');
    await drive(modelCheckpoint(template, { saveBestOnly: true }), m, [0.9, 0.95, 0.8, 0.85, 0.7]);
    expect(
      readdirSync(work)
        .filter((n) => n.startsWith('ckpt-'))
        .sort(),
    ).toEqual(['ckpt-01-0.90', 'ckpt-03-0.80', 'ckpt-05-0.70']);
    for (const [name, epoch] of [
      ['ckpt-01-0.90', 0],
      ['ckpt-03-0.80', 2],
      ['ckpt-05-0.70', 4],
    ] as const) {
      expect(readdirSync(join(work, name)).sort()).toEqual(['model.json', 'weights.bin']);
      const loaded = await tfl.loadLayersModel(`file://${join(work, name, 'model.json')}`);
      expect(Array.from(loaded.getWeights()[0]!.dataSync())).toEqual([epoch, epoch]);
      loaded.dispose();
    }
    m.dispose();
  });

  it('a failed save raises a typed error, leaves nothing behind, and the next improvement saves', async () => {
    const m = model();
    const blocked = join(work, 'blocked');
    // A file where the checkpoint's folder must go: the write fails at the file-system level.
    writeFileSync(blocked, 'not a directory');
    const checkpoint = modelCheckpoint(join(blocked, 'best'), { saveBestOnly: true });
    checkpoint.setModel(m);
    await checkpoint.onTrainBegin();
    m.setWeights([tf.fill([2, 1], 1), tf.zeros([1])]);
    await expect(checkpoint.onEpochEnd(0, { val_loss: 0.4 })).rejects.toBeInstanceOf(CallbackError);
    expect(readFileSync(blocked, 'utf8')).toBe('not a directory');
    expect(readdirSync(work).filter((n) => n.includes('.tmp'))).toEqual([]);

    rmSync(blocked);
    m.setWeights([tf.fill([2, 1], 2), tf.zeros([1])]);
    // 0.45 is worse than the epoch that failed to save, but that epoch never became the best.
    await checkpoint.onEpochEnd(1, { val_loss: 0.45 });
    const loaded = await tfl.loadLayersModel(`file://${join(blocked, 'best', 'model.json')}`);
    expect(Array.from(loaded.getWeights()[0]!.dataSync())).toEqual([2, 2]);
    loaded.dispose();
    m.dispose();
  });

  it('loadCheckpointWeights and tfl.loadLayersModel recover a checkpoint whose save was killed mid-swap', async () => {
    const m = model();
    const dir = join(work, 'cut');
    const checkpoint = modelCheckpoint(join(dir, 'best'), { saveBestOnly: true });
    await drive(checkpoint, m, [0.9, 0.8]);
    // A process that no longer runs renamed best/ away and died before renaming its new folder in.
    const pid = spawnSync(process.execPath, ['-e', '']).pid;
    renameSync(join(dir, 'best'), join(dir, `.best.tmp-${pid}-ab`));
    expect(existsSync(join(dir, 'best'))).toBe(false);
    const restored = model();
    await loadCheckpointWeights(restored, join(dir, 'best'));
    expect(Array.from(restored.getWeights()[0]!.dataSync())).toEqual([1, 1]);
    expect(readdirSync(dir)).toEqual(['best']);
    const loaded = await tfl.loadLayersModel(`file://${join(dir, 'best', 'model.json')}`);
    expect(Array.from(loaded.getWeights()[0]!.dataSync())).toEqual([1, 1]);
    for (const x of [m, restored, loaded]) x.dispose();
  });
});
