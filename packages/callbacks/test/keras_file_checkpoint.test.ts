// ModelCheckpoint('Ex2.h5') and ('best.keras') write Keras model files, through the Keras-file save router that
// @seqlab/models registers in Node (this package does not depend on @seqlab/models; its tests do).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCheckpoint } from '../src/index.js';

const PYTHON = '/usr/bin/python3';
// The models package's reader: h5py + a NumPy forward pass from the Keras sources.
const CHECKER = fileURLToPath(new URL('../../models/test/fixtures/keras/check_keras.py', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'seqlab-keras-ckpt-'));

beforeAll(async () => {
  try {
    await promisify(execFile)(PYTHON, ['-c', 'import h5py, numpy']);
  } catch (cause) {
    throw new Error(
      `These tests read the checkpoints with ${PYTHON} (h5py and numpy), which failed: ${(cause as Error).message}. ` +
        'Install them with: apt-get install -y python3-h5py python3-numpy',
    );
  }
  await initWasm();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function predictions(path: string, inputs: number[][]): Promise<{ errors: string[]; predictions: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [CHECKER]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)[path]));
    child.stdin.end(JSON.stringify({ files: [path], inputs }));
  });
}

describe('modelCheckpoint to Keras model files', () => {
  for (const file of ['Ex2.h5', 'best.keras']) {
    it(`saveBestOnly to ${file} writes one Keras file holding the best epoch's model`, async () => {
      const m = tfl.sequential({
        layers: [tfl.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid', name: 'dense' })],
      });
      m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
      const path = join(work, file);
      const checkpoint = modelCheckpoint(path, { saveBestOnly: true });
      checkpoint.setModel(m);
      await checkpoint.onTrainBegin();
      for (const [epoch, valLoss] of [0.9, 0.7, 0.8].entries()) {
        m.setWeights([tf.fill([2, 1], (epoch + 1) / 4), tf.zeros([1])]);
        await checkpoint.onEpochEnd(epoch, { loss: valLoss, val_loss: valLoss });
      }
      expect(checkpoint.saved).toEqual([path, path]);
      expect(readdirSync(work).filter((n) => n.includes(file))).toEqual([file]);
      const magic = readFileSync(path).subarray(0, 4);
      expect(magic.toString('latin1')).toBe(file.endsWith('.h5') ? '\x89HDF' : 'PK\x03\x04');
      // Epoch 2 (weights 0.5) was the best: sigmoid(0.5·(1 + 2)).
      const report = await predictions(path, [[1, 2]]);
      expect(report.errors).toEqual([]);
      expect(report.predictions[0]).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 6);
      m.dispose();
    }, 60_000);
  }
});
