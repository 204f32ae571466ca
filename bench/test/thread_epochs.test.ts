import { describe, expect, it } from 'vitest';
import { threadEpochsSection } from '../src/_report.js';
import { measureThreadEpochs, parseCoresFree, threadEpochRows } from '../src/_thread_epochs.js';

describe('the two-thread epoch section', () => {
  it("reads cores-free.mjs' speed-up, and nothing from a line without one", () => {
    expect(parseCoresFree('serial 149.4 ms, parallel 73.6 ms, speed-up 2.03×\n')).toBe(2.03);
    expect(parseCoresFree('serial 149.4 ms, parallel 149.0 ms, speed-up 1×')).toBe(1);
    expect(parseCoresFree('Error: worker failed')).toBeNull();
  });

  it("maps threads.mjs' JSON rows to the report's", () => {
    const rows = threadEpochRows({
      rows: 20000,
      rounds: 3,
      loadBefore: '0.5 0.4 0.3',
      loadAfter: '1.5 0.6 0.3',
      results: [
        {
          model: 'lstm',
          mechanism: 'kernels',
          oneThread: 1.06,
          twoThreads: 0.79,
          speedUp: 1.06 / 0.79,
          quietStepMs: { '1': 2.78, '2': 2.12 },
        },
      ],
    });
    expect(rows).toEqual([
      {
        model: 'lstm',
        mechanism: 'kernels',
        oneThreadSeconds: 1.06,
        twoThreadsSeconds: 0.79,
        speedUp: 1.06 / 0.79,
        quietStepMs: { one: 2.78, two: 2.12 },
      },
    ]);
  });

  it('trains a real (small) LSTM epoch at 1 and 2 threads through the models package bench', () => {
    const logs: string[] = [];
    const result = measureThreadEpochs(['lstm'], 640, 1, (l) => logs.push(l));
    expect(logs).toEqual([]);
    expect(result).not.toBeNull();
    expect(result!.rows).toBe(640);
    expect(result!.table.map((r) => [r.model, r.mechanism])).toEqual([['lstm', 'kernels']]);
    for (const r of result!.table) {
      expect(r.oneThreadSeconds).toBeGreaterThan(0);
      expect(r.twoThreadsSeconds).toBeGreaterThan(0);
      expect(r.speedUp).toBeCloseTo(r.oneThreadSeconds / r.twoThreadsSeconds, 9);
    }
    expect(result!.coresFree.before).toBeGreaterThan(0);
  }, 120_000);

  it('says "not measured" and why when the models bench fails, instead of a figure', () => {
    const logs: string[] = [];
    expect(measureThreadEpochs(['no-such-model'], 640, 1, (l) => logs.push(l))).toBeNull();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^threads \(epochs\): not measured \(ModelsError: Unknown model "no-such-model"/);
  }, 60_000);
});

describe("the two-thread section's table", () => {
  const result = (rows: number, two: number) => ({
    rows,
    rounds: 3,
    coresFree: { before: 2.03, after: null },
    load: [0.4, 1.6] as [number, number],
    table: [
      {
        model: 'lstm',
        mechanism: 'kernels',
        oneThreadSeconds: 1.06,
        twoThreadsSeconds: two,
        speedUp: 1.06 / two,
        quietStepMs: { one: 2.78, two: 2.12 },
      },
      {
        model: 'wavenet',
        mechanism: 'data',
        oneThreadSeconds: 3.4,
        twoThreadsSeconds: 2.7,
        speedUp: 3.4 / 2.7,
        quietStepMs: { one: 10.2, two: 8.1 },
      },
    ],
  });

  it('judges only a full lstm epoch against the 0.6 s target, and shows whether the cores were free', () => {
    const fail = threadEpochsSection(result(20000, 0.79), 'markdown');
    expect(fail).toContain(
      'both cores free (cores-free.mjs, 2.0× = free): 2.03× before, – after; load average 0.4 → 1.6',
    );
    expect(fail).toMatch(/\| lstm +\| kernels \| +1\.06 \| +0\.79 \| +1\.34x \| +2\.78 → 2\.12 \| FAIL +\|/);
    expect(fail).toMatch(/\| wavenet +\| data +\| +3\.40 \| +2\.70 \| +1\.26x \| +10\.20 → 8\.10 \| – +\|/);
    expect(threadEpochsSection(result(20000, 0.6), 'markdown')).toMatch(/\| lstm .*\| pass +\|/);
    expect(threadEpochsSection(result(3840, 0.1), 'markdown')).toMatch(
      /\| lstm .*\| n\/a \(not a full epoch\) \|/,
    );
    expect(threadEpochsSection(null, 'text')).toBe('not measured (see the log)');
  });
});
