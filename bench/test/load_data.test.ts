import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureLoadData } from '../src/_load_data.js';

const dir = process.env['SEQLAB_DATA_DIR'];

describe('measureLoadData', () => {
  it.runIf(dir)(
    'times imdb.loadData in fresh processes and reports each one’s peak RSS',
    () => {
      let samples = 0;
      const runs = measureLoadData(join(dir!, 'imdb.npz'), 2, () => samples++);
      expect(samples).toBe(2);
      expect(runs.samplesMs).toHaveLength(2);
      expect(runs.peakRssSamplesMB).toHaveLength(2);
      expect(runs.maxPeakRssMB).toBe(Math.max(...runs.peakRssSamplesMB));
      // a process that holds 50,000 reviews as number[] is well above an empty Node's RSS
      expect(runs.medianPeakRssMB).toBeGreaterThan(100);
      expect(runs.loadavg).toHaveLength(2);
    },
    120_000,
  );

  it('fails with a typed error naming the file when the child cannot load it', () => {
    expect(() => measureLoadData('/no/such/imdb.npz', 1)).toThrow(
      expect.objectContaining({
        code: 'DATA_CHILD_FAILED',
        message: expect.stringContaining('expected it to load /no/such/imdb.npz'),
      }),
    );
  });
});
