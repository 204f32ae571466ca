import { imdb } from '@seqlab/datasets';
import { describe, expect, test } from 'vitest';
import { datasetFacts } from './facts.js';
import expected from './fixtures/facts.json' with { type: 'json' };

describe.runIf(process.env['SEQLAB_DATA_DIR'])('datasetFacts on the real imdb.npz', () => {
  test('equals numpy (fixtures/gen_facts.py)', async () => {
    const [train, test] = await imdb.loadData({
      path: `${process.env['SEQLAB_DATA_DIR']}/imdb.npz`,
      numWords: 500,
    });
    const facts = datasetFacts(train, test);
    expect(facts.trainSize).toBe(25000);
    expect(facts.testSize).toBe(25000);
    expect(facts.length.min).toBe(expected.min);
    expect(facts.length.max).toBe(expected.max);
    expect(facts.length.median).toBe(expected.median);
    expect(facts.length.mean).toBeCloseTo(expected.mean, 10);
    expect(facts.labels).toEqual({ train: expected.train, test: expected.test });
    expect(facts.oovRate).toBeCloseTo(expected.oovRate, 12);
  }, 60_000);
});

test('median of an even count is the mean of the middle two, as numpy', () => {
  const f = datasetFacts([[[1, 2], [1]], Int32Array.from([1, 0])], [[[1, 2, 2, 2]], Int32Array.from([1])]);
  expect(f.length).toEqual({ min: 1, max: 4, mean: 7 / 3, median: 2 });
  expect(f.labels).toEqual({ train: [1, 1], test: [0, 1] });
  expect(f.oovRate).toBeCloseTo(4 / 7, 15);
});
