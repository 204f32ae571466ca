import { fusedThreads, initWasm, setFusedThreads } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { threadMechanism } from '../src/_threads.js';
import { liveTrainingThreads } from '../src/_threads.node.js';
import { createModel, type ModelName, ModelsError, resolveThreads, trainLesson } from '../src/index.node.js';
import { toyData } from './_toy.js';

const MAXLEN = 20;

beforeAll(async () => {
  const info = await initWasm({ threads: 1 });
  expect(info.backend).toBe('wasm');
});

interface Run {
  history: Record<string, number[]>;
  weights: Float32Array[];
  /** The fused kernels' threads during training, and the mechanism trainLesson picked. */
  kernelThreads: number;
  mechanism: 'kernels' | 'data';
}

/** 3 epochs of 150 rows (batches 64, 64, 22: the last batch's shards are uneven for 3 threads), seeded. */
async function run(name: ModelName, threads: number | 'auto'): Promise<Run> {
  const model = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 1 });
  const val = toyData(32, 4, MAXLEN);
  let kernelThreads = 0;
  const history = await trainLesson({
    model,
    ...toyData(150, 3, MAXLEN),
    validationData: val,
    epochs: 3,
    seed: 5,
    threads,
    callbacks: {
      onBatchEnd: async () => {
        kernelThreads = fusedThreads().threads;
      },
    },
  });
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  const mechanism = threadMechanism(model);
  model.dispose();
  return { history: history.history as Record<string, number[]>, weights, kernelThreads, mechanism };
}

function maxDifference(a: Run, b: Run): number {
  let worst = 0;
  for (const key of ['loss', 'acc', 'val_loss', 'val_acc']) {
    const x = a.history[key]!;
    const y = b.history[key]!;
    expect(y).toHaveLength(x.length);
    x.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - y[i]!));
    });
  }
  a.weights.forEach((w, i) => {
    w.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - b.weights[i]![j]!));
    });
  });
  return worst;
}

// Measured (3 epochs, this machine): the 2- and 3-thread runs differ from the 1-thread run by at most 1.2e-7 in any
// loss, metric or weight (float rounding of the shard-weighted mean, or of the kernels' two partial weight-gradient
// sums). 1e-6 leaves room for that without letting a wrong dropout mask, shard or weighting through (those move the
// losses by 1e-3 and more).
const TOLERANCE = 1e-6;

// Recurrent models and wavenet (its gated blocks) split inside their fused kernels (helper thread on the shared
// memory); conv1d trains data-parallel (worker threads with their own models, fused as the main thread's).
describe.each([
  ['lstm', 'kernels'],
  ['gru', 'kernels'],
  ['embedding-simple-rnn', 'kernels'],
  ['stacked-lstm', 'kernels'],
  ['bidirectional-lstm', 'kernels'],
  ['conv1d', 'data'],
  ['wavenet', 'kernels'],
] as const)('%s over threads (%s)', (name, mechanism) => {
  it('follows the 1-thread curve and weights (dropout included), repeats exactly, and leaks nothing', async () => {
    const tensors = tf.memory().numTensors;
    const one = await run(name, 1);
    const two = await run(name, 2);
    const again = await run(name, 2);
    const three = await run(name, 3);
    expect(two.mechanism).toBe(mechanism);
    // Kernel threads on during a kernel-split run (two at most), back to the setting of before afterwards.
    expect([one.kernelThreads, two.kernelThreads, three.kernelThreads]).toEqual(
      mechanism === 'kernels' ? [1, 2, 2] : [1, 1, 1],
    );
    expect(fusedThreads().threads).toBe(1);
    expect(maxDifference(one, two)).toBeLessThan(TOLERANCE);
    expect(maxDifference(one, three)).toBeLessThan(TOLERANCE);
    expect(again).toEqual(two);
    // The curve moved: the comparison is between trained runs, not initial weights.
    expect(one.history.loss![2]).not.toBe(one.history.loss![0]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(liveTrainingThreads()).toBe(0);
  }, 120_000);
});

describe('wavenet at the lesson length on two kernel threads', () => {
  it('follows the 1-thread curve within 1e-4 with the last block on its sparse skip gradients', async () => {
    // maxlen 100: the GlobalMaxPooling1D's gradient reaches at most 16 of each sequence's 100 steps, under a quarter
    // of the rows, so the last block takes its sparse path in each half (at maxlen 20 it does not).
    const train = async (threads: number) => {
      const model = createModel('wavenet', { numWords: 50, maxlen: 100, seed: 3 });
      let kernelThreads = 0;
      const history = await trainLesson({
        model,
        ...toyData(200, 7, 100),
        epochs: 2,
        seed: 9,
        threads,
        callbacks: {
          onBatchEnd: async () => {
            kernelThreads = fusedThreads().threads;
          },
        },
      });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return {
        loss: history.history.loss as number[],
        acc: history.history.acc as number[],
        weights,
        kernelThreads,
      };
    };
    const tensors = tf.memory().numTensors;
    const one = await train(1);
    const two = await train(2);
    const again = await train(2);
    expect([one.kernelThreads, two.kernelThreads]).toEqual([1, 2]);
    expect(again).toEqual(two);
    let worst = 0;
    two.loss.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - one.loss[i]!));
    });
    two.weights.forEach((w, i) => {
      w.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - one.weights[i]![j]!));
      });
    });
    expect(worst).toBeLessThan(1e-4);
    // The runs really split: some weight's gradient sums differ in the last bits.
    expect(worst).toBeGreaterThan(0);
    expect(one.loss[1]).not.toBe(one.loss[0]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(liveTrainingThreads()).toBe(0);
  }, 120_000);
});

describe('kernel threads and the runtime setting', () => {
  it("'auto' never trains conv1d data-parallel (measured slower), whatever the load", async () => {
    const model = createModel('conv1d', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const live: number[] = [];
    await trainLesson({
      model,
      ...toyData(64 * 100, 3, MAXLEN),
      epochs: 1,
      seed: 5,
      threads: 'auto',
      callbacks: {
        onBatchEnd: async (batch: number) => {
          live.push(liveTrainingThreads());
          if (batch === 1) model.stopTraining = true;
        },
      },
    });
    expect(live).toEqual([0, 0]);
    model.dispose();
  }, 60_000);

  it('leave the fused kernels as initWasm set them when threads is unset, and restore them after a run', async () => {
    await setFusedThreads(2);
    try {
      const unset = await run('lstm', undefined as never);
      expect(unset.kernelThreads).toBe(2);
      const one = await run('lstm', 1);
      expect(one.kernelThreads).toBe(1);
      expect(fusedThreads().threads).toBe(2);
    } finally {
      await setFusedThreads(1);
    }
  }, 60_000);
});

describe('threads', () => {
  it('continues a run (compile: false, initialEpoch) on 2 threads with the dropout masks where it left them', async () => {
    const data = toyData(150, 3, MAXLEN);
    const straight = createModel('lstm', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const full = await trainLesson({ model: straight, ...data, epochs: 3, seed: 5 });
    const resumed = createModel('lstm', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    await trainLesson({ model: resumed, ...data, epochs: 2, seed: 5 });
    // The main thread's layers have drawn 6 masks; the threads start from the same counters, not from 0.
    const last = await trainLesson({
      model: resumed,
      ...data,
      epochs: 3,
      initialEpoch: 2,
      compile: false,
      seed: 5,
      threads: 2,
    });
    const a = full.history.loss![2] as number;
    const b = last.history.loss![0] as number;
    expect(Math.abs(a - b)).toBeLessThan(TOLERANCE);
    const wa = straight.getWeights().map((w) => w.dataSync());
    const wb = resumed.getWeights().map((w) => w.dataSync());
    wa.forEach((w, i) => {
      w.forEach((v, j) => {
        expect(Math.abs(v - wb[i]![j]!)).toBeLessThan(TOLERANCE);
      });
    });
    straight.dispose();
    resumed.dispose();
  }, 60_000);

  it('stops mid-epoch (stopTraining, as runLesson does on abort) and ends its threads', async () => {
    const tensors = tf.memory().numTensors;
    const model = createModel('lstm', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const seen: number[] = [];
    const history = await trainLesson({
      model,
      ...toyData(150, 3, MAXLEN),
      epochs: 3,
      seed: 5,
      threads: 2,
      callbacks: {
        onBatchEnd: async (batch: number) => {
          seen.push(batch);
          if (batch === 1) model.stopTraining = true;
        },
      },
    });
    expect(seen).toEqual([0, 1]);
    expect(history.epoch).toEqual([0]);
    expect(liveTrainingThreads()).toBe(0);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('turns an error in a training thread into a typed error and ends the threads', async () => {
    const tensors = tf.memory().numTensors;
    // conv1d: data-parallel, so the shard runs on a worker thread.
    const model = createModel('conv1d', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const { x, y } = toyData(64, 3, MAXLEN);
    // An id past the vocabulary in the last row only: shard 1 (rows 32-63), on the worker.
    const data = Int32Array.from(x.data);
    data[data.length - 1] = 5000;
    const error = await trainLesson({
      model,
      x: { data, shape: x.shape },
      y,
      epochs: 1,
      shuffle: false,
      threads: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('THREAD_FAILED');
    expect((error as ModelsError).message).toMatch(/^trainLesson: training thread 1 failed on its shard: /);
    expect(liveTrainingThreads()).toBe(0);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('refuses bad thread counts with a typed error', async () => {
    const model = createModel('lstm', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    for (const [value, shown] of [
      [0, '0'],
      [1.5, '1.5'],
      [65, '65'],
      ['two', '"two"'],
      [Number.NaN, 'NaN'],
    ] as const) {
      const error = await trainLesson({ model, ...toyData(8, 1, MAXLEN), threads: value as never }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ModelsError);
      expect((error as ModelsError).code).toBe('INVALID_OPTION');
      expect((error as ModelsError).message).toBe(
        `trainLesson: threads must be 'auto' or an integer in [1, 64], got ${shown}.`,
      );
    }
    model.dispose();
    expect(liveTrainingThreads()).toBe(0);
  });

  it("resolves 'auto' to 1 or 2 and keeps explicit counts", () => {
    expect([1, 2]).toContain(resolveThreads('auto'));
    expect(resolveThreads(3)).toBe(3);
    expect(() => resolveThreads(-1)).toThrow("threads must be 'auto' or an integer in [1, 64], got -1.");
  });
});
