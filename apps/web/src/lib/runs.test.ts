import { expect, test } from 'vitest';
import {
  addBatchLoss,
  bestEpoch,
  checkpointUrl,
  comparisonSeries,
  completedEpochs,
  exportName,
  LESSON_FORM_DEFAULTS,
  markerSeries,
  type RunRecord,
  reconcileRuns,
  runSeries,
  validateConfig,
} from './runs.js';

test('best epoch is the first minimum, 1-based, like np.argmin + 1', () => {
  expect(bestEpoch([0.7, 0.5, 0.5, 0.6])).toBe(2);
  expect(bestEpoch([Number.NaN, 0.9])).toBe(2);
  expect(bestEpoch([])).toBeNull();
});

test('series read tfjs acc and Keras accuracy alike; the best epoch is one marked point', () => {
  expect(runSeries({ loss: [1], val_loss: [2] }, 'loss')).toEqual([
    { name: 'loss', values: [1] },
    { name: 'val_loss', values: [2] },
  ]);
  expect(runSeries({ accuracy: [0.5], val_accuracy: [0.6] }, 'acc')[1]).toEqual({
    name: 'val_acc',
    values: [0.6],
  });
  const run = { id: 'a', history: { val_loss: [0.6, 0.5] } } as unknown as RunRecord;
  const empty = { id: 'b', history: {} } as unknown as RunRecord;
  expect(comparisonSeries([run, empty], (r) => r.id)).toEqual([{ name: 'a', values: [0.6, 0.5] }]);
  expect(markerSeries('best', [3, 2, 4], 2).values).toEqual([Number.NaN, 2, Number.NaN]);
});

test('#18.4: an epoch stopped halfway (loss but no val_loss) is not counted or plotted', () => {
  const h = { loss: [0.7, 0.6, 0.55], acc: [0.5, 0.6, 0.61], val_loss: [0.69, 0.65], val_acc: [0.5, 0.6] };
  expect(completedEpochs(h)).toEqual({
    loss: [0.7, 0.6],
    acc: [0.5, 0.6],
    val_loss: [0.69, 0.65],
    val_acc: [0.5, 0.6],
  });
  expect(completedEpochs({ loss: [1, 2] })).toEqual({ loss: [1, 2] });
});

test('#18.3: after a reload a running run is stopped and keeps the checkpoint saved under its URL', () => {
  const base = { history: { loss: [1, 1], val_loss: [1] }, checkpoint: null } as unknown as RunRecord;
  const runs = [
    { ...base, id: 'r1', status: 'running' },
    { ...base, id: 'r2', status: 'finished', checkpoint: checkpointUrl('r2') },
  ] as RunRecord[];
  const out = reconcileRuns(runs, new Set([checkpointUrl('r1')]));
  expect(out.map((r) => [r.status, r.checkpoint, r.history['loss']])).toEqual([
    ['stopped', 'indexeddb://seqlab-r1', [1]],
    ['finished', null, [1]],
  ]);
});

test('per-batch losses keep at most max points by averaging pairs', () => {
  let s = { points: [] as number[], step: 1, pending: [] as number[] };
  for (let i = 1; i <= 9; i++) s = addBatchLoss(s.points, s.step, s.pending, i, 4);
  // 1..8 → [1.5, 3.5, 5.5, 7.5] at step 2, then 9 waits for its pair
  expect(s).toEqual({ points: [1.5, 3.5, 5.5, 7.5], step: 2, pending: [9] });
});

test('#18.7: export names say what they are and differ per second', () => {
  const d = new Date(2026, 11, 3, 18, 5, 9);
  expect(exportName('Run #3 · LSTM', d)).toBe('seqlab-run-3-lstm-20261203-180509');
  expect(exportName('실행', d)).toBe('seqlab-model-20261203-180509');
});

test('the lesson defaults pass validation; bad values name their field', () => {
  expect(LESSON_FORM_DEFAULTS.epochs).toBe(100);
  expect(validateConfig(LESSON_FORM_DEFAULTS)).toBeNull();
  expect(validateConfig({ ...LESSON_FORM_DEFAULTS, epochs: 0 })).toEqual({
    field: 'epochs',
    key: 'error.positiveInteger',
  });
  expect(validateConfig({ ...LESSON_FORM_DEFAULTS, learningRate: -1 })).toEqual({
    field: 'learningRate',
    key: 'error.learningRate',
  });
  expect(validateConfig({ ...LESSON_FORM_DEFAULTS, limit: 5 })).toEqual({
    field: 'limit',
    key: 'error.limit',
  });
  expect(validateConfig({ ...LESSON_FORM_DEFAULTS, testSize: 1 })).toEqual({
    field: 'testSize',
    key: 'error.testSize',
  });
  expect(validateConfig({ ...LESSON_FORM_DEFAULTS, patience: 0 })).toBeNull();
});

test('#18.6: num_words 1 and 2 are refused before training', () => {
  for (const numWords of [1, 2])
    expect(validateConfig({ ...LESSON_FORM_DEFAULTS, numWords })).toEqual({
      field: 'numWords',
      key: 'error.numWords',
    });
  expect(validateConfig({ ...LESSON_FORM_DEFAULTS, numWords: 3 })).toBeNull();
});
