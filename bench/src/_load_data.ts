import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { BenchError } from './_errors.js';
import { median } from './_stats.js';

/** The issue #16 targets of `imdb.loadData({ numWords: 500 })` in a fresh process. */
export const LOAD_DATA_TARGETS = { ms: 600, peakRssMB: 250 } as const;

/** `imdb.loadData({ numWords: 500 })` timed in fresh processes, each one's peak RSS included. */
export interface LoadDataRuns {
  /** Median wall time of the call, in ms. */
  medianMs: number;
  samplesMs: number[];
  /** Median of the processes' peak RSS (`process.resourceUsage().maxRSS`, whole process), in MiB. */
  medianPeakRssMB: number;
  /** The highest of them. */
  maxPeakRssMB: number;
  peakRssSamplesMB: number[];
  /** The machine's 1-minute load average before the first and after the last run. */
  loadavg: [before: number, after: number];
}

// The child: import the package, then time one call; its peak RSS is the whole process' (Node itself included),
// so nothing the parent did counts.
const CHILD = `
const { imdb } = await import(process.argv[1]);
const start = performance.now();
const [[xTrain]] = await imdb.loadData({ path: process.argv[2], numWords: 500 });
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, rows: xTrain.length }));
`;

/**
 * Runs `imdb.loadData({ path, numWords: 500 })` in `runs` fresh Node processes, one after the other, and gives
 * the median time and the peak RSS of each (the targets of issue #16 are for a fresh process: ≤ 600 ms and
 * ≤ 250 MB). `onSample` is called after each run.
 */
export function measureLoadData(path: string, runs: number, onSample: () => void = () => {}): LoadDataRuns {
  const entry = import.meta.resolve('@seqlab/datasets');
  const samplesMs: number[] = [];
  const peakRssSamplesMB: number[] = [];
  const before = loadavg()[0]!;
  for (let i = 0; i < runs; i++) {
    let out: string;
    try {
      out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, entry, path], {
        encoding: 'utf8',
      });
    } catch (cause) {
      throw new BenchError(
        'DATA_CHILD_FAILED',
        `bench: imdb.loadData in a fresh process failed (${(cause as Error).message}); expected it to load ${path}.`,
        { cause },
      );
    }
    const { ms, maxRssMB } = JSON.parse(out) as { ms: number; maxRssMB: number };
    samplesMs.push(ms);
    peakRssSamplesMB.push(maxRssMB);
    onSample();
  }
  return {
    medianMs: median(samplesMs),
    samplesMs,
    medianPeakRssMB: median(peakRssSamplesMB),
    maxPeakRssMB: Math.max(...peakRssSamplesMB),
    peakRssSamplesMB,
    loadavg: [before, loadavg()[0]!],
  };
}
