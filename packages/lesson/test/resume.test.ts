// A run stopped after some epochs and resumed from its training state (`stateCheckpoint` → `resume`) ends where a
// run that never stopped ends: the same history, best epoch and weights, bit for bit — dropout included, because the
// state carries the dropout generators' positions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LessonError, type LessonResult, type RunLessonOptions, runLesson } from '../src/index.js';
import { toySequences } from './_toy.js';

let root: string;
beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
  root = await mkdtemp(join(tmpdir(), 'seqlab-resume-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const data = { train: toySequences(160, 1), test: toySequences(48, 2) };

function recipe(over: Partial<RunLessonOptions> = {}): RunLessonOptions {
  // lstm with dropout 0.3: its masks are drawn from a seeded generator that a resumed run must continue.
  return {
    data,
    model: 'lstm',
    numWords: 40,
    maxlen: 16,
    batchSize: 16,
    learningRate: 0.01,
    epochs: 6,
    patience: 1,
    seed: 11,
    ...over,
  };
}

const bytes = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/** Runs the recipe and aborts at the first batch of `abortAt` (1-based), so epochs before it are validated. */
async function stoppedAt(abortAt: number, over: Partial<RunLessonOptions>): Promise<LessonResult> {
  const controller = new AbortController();
  return runLesson(
    recipe({
      ...over,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'batch' && event.epoch === abortAt) controller.abort();
      },
    }),
  );
}

describe('runLesson resume', () => {
  for (const earlyStopping of [false, true]) {
    it(`continues a stopped run exactly as if it never stopped (earlyStopping ${earlyStopping})`, async () => {
      const before = tf.memory().numTensors;
      const straight = await runLesson(recipe({ earlyStopping }));
      expect(straight.epochs.length).toBeGreaterThan(3);
      expect(straight.stoppedEarly).toBe(earlyStopping);

      const state = `file://${join(root, `state-${earlyStopping}`)}`;
      const first = await stoppedAt(3, { earlyStopping, stateCheckpoint: state });
      expect(first.interrupted).toBe(true);
      expect(first.epochs).toHaveLength(2);
      first.model.dispose();

      const resumed = await runLesson(recipe({ earlyStopping, resume: state, stateCheckpoint: state }));
      expect(resumed.resumedFrom).toBe(2);
      expect(resumed.history).toEqual(straight.history);
      expect(resumed.epochs.map((e) => e.epoch)).toEqual(straight.epochs.map((e) => e.epoch));
      expect(resumed.bestEpoch).toBe(straight.bestEpoch);
      expect(resumed.stoppedEarly).toBe(straight.stoppedEarly);
      expect(resumed.test).toEqual(straight.test);
      expect(bytes(resumed.model)).toEqual(bytes(straight.model));
      straight.model.dispose();
      resumed.model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }, 180_000);
  }

  it("records the dropout generators' positions in the state", async () => {
    const state = `file://${join(root, 'state-random')}`;
    (await stoppedAt(3, { earlyStopping: false, stateCheckpoint: state })).model.dispose();
    const { readTrainingState } = await import('@seqlab/callbacks');
    const { epoch, metadata } = await readTrainingState(state);
    expect(epoch).toBe(2);
    const lesson = metadata.seqlabLesson as { randomState: Record<string, number>; epochs: unknown[] };
    // 10 training batches of 16 rows in two epochs, one input-dropout mask per call of the layer.
    expect(lesson.randomState).toEqual({ 'lstm/cell': 2 * Math.ceil(128 / 16) });
    expect(lesson.epochs).toHaveLength(2);
  }, 180_000);

  it('refuses a state that does not fit, a finished run, and a plain checkpoint, with what was expected', async () => {
    const state = `file://${join(root, 'state-errors')}`;
    const best = `file://${join(root, 'best-errors')}`;
    const done = await runLesson(
      recipe({ epochs: 2, earlyStopping: false, stateCheckpoint: state, checkpoint: best }),
    );
    done.model.dispose();
    const fails = async (over: Partial<RunLessonOptions>) => {
      const error = await runLesson(recipe(over)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LessonError);
      return error as LessonError;
    };
    const mismatch = await fails({ epochs: 4, earlyStopping: false, resume: state, units: 4 });
    expect(mismatch.code).toBe('RESUME_MISMATCH');
    expect(mismatch.message).toMatch(/units 8.*units 4.*only epochs may change/);
    const finished = await fails({ epochs: 2, earlyStopping: false, resume: state });
    expect(finished.code).toBe('RESUME_FINISHED');
    expect(finished.message).toMatch(/trained 2 epochs, and epochs is 2; expected epochs > 2/);
    const missing = await fails({ resume: `file://${join(root, 'nowhere')}` });
    expect(missing.code).toBe('RESUME_MISMATCH');
    expect(missing.message).toMatch(/cannot resume from/);
    const plain = await fails({ resume: best });
    expect(plain.code).toBe('RESUME_MISMATCH');
    expect(plain.message).toMatch(/holds no training state/);
    // Raising epochs continues it, seed taken from the state.
    const { seed: _seed, ...unseeded } = recipe({ epochs: 3, earlyStopping: false, resume: state });
    const more = await runLesson({ ...unseeded, checkpoint: best });
    expect(more.resumedFrom).toBe(2);
    expect(more.config.seed).toBe(11);
    expect(more.epochs).toHaveLength(3);
    expect(more.checkpointSaved).toBe(true);
    more.model.dispose();
  }, 180_000);
});
