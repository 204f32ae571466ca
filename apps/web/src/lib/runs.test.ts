import { expect, test } from 'vitest';
import {
  bestEpoch,
  comparisonSeries,
  LESSON_DEFAULTS,
  type RunRecord,
  runSeries,
  validateConfig,
} from './runs.js';

test('best epoch is the first minimum, 1-based, like np.argmin + 1', () => {
  expect(bestEpoch([0.7, 0.5, 0.5, 0.6])).toBe(2);
  expect(bestEpoch([Number.NaN, 0.9])).toBe(2);
  expect(bestEpoch([])).toBeNull();
});

test('series read tfjs acc and Keras accuracy alike', () => {
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
});

test('the lesson defaults pass validation; bad values name their field', () => {
  expect(validateConfig(LESSON_DEFAULTS)).toBeNull();
  expect(validateConfig({ ...LESSON_DEFAULTS, epochs: 0 })).toEqual({
    field: 'epochs',
    key: 'error.positiveInteger',
  });
  expect(validateConfig({ ...LESSON_DEFAULTS, learningRate: -1 })).toEqual({
    field: 'learningRate',
    key: 'error.learningRate',
  });
  expect(validateConfig({ ...LESSON_DEFAULTS, limit: 5 })).toEqual({ field: 'limit', key: 'error.limit' });
});
