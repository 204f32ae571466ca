import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Issue #16's target for an LSTM epoch (20,000 rows) on two free cores, in seconds. */
export const LSTM_TWO_CORES_TARGET_SECONDS = 0.6;

/** The models the two-thread section trains: the recurrent ones split in the kernels, and WaveNet. */
export const THREAD_EPOCH_MODELS = ['lstm', 'gru', 'stacked-lstm', 'wavenet'] as const;

/** One model's trainLesson epoch at one and two threads (packages/models/bench/threads.mjs). */
export interface ThreadEpochRow {
  model: string;
  /** How `trainLesson({ threads: 2 })` splits this model: inside the fused kernels, or data-parallel workers. */
  mechanism: string;
  oneThreadSeconds: number;
  twoThreadsSeconds: number;
  speedUp: number;
  /** The 10th percentile of the step times (ms): what a step costs when the cores were free. */
  quietStepMs: { one: number; two: number };
}

export interface ThreadEpochsResult {
  rows: number;
  rounds: number;
  /** cores-free.mjs before and after: 2.0 when both cores were free, about 1 when another job held one. */
  coresFree: { before: number | null; after: number | null };
  /** 1-minute load average before and after. */
  load: [number, number];
  table: ThreadEpochRow[];
}

/** The speed-up figure of a cores-free.mjs line ("serial … ms, parallel … ms, speed-up 2.03×"), or null. */
export function parseCoresFree(line: string): number | null {
  const m = /speed-up (\d+(?:\.\d+)?)×/.exec(line);
  return m ? Number(m[1]) : null;
}

interface ThreadsJson {
  rows: number;
  rounds: number;
  loadBefore: string;
  loadAfter: string;
  results: {
    model: string;
    mechanism: string;
    oneThread: number;
    twoThreads: number;
    speedUp: number;
    quietStepMs: Record<'1' | '2', number>;
  }[];
}

/** threads.mjs' `--json` line as the report's rows. */
export function threadEpochRows(json: ThreadsJson): ThreadEpochRow[] {
  return json.results.map((r) => ({
    model: r.model,
    mechanism: r.mechanism,
    oneThreadSeconds: r.oneThread,
    twoThreadsSeconds: r.twoThreads,
    speedUp: r.speedUp,
    quietStepMs: { one: r.quietStepMs['1'], two: r.quietStepMs['2'] },
  }));
}

/**
 * Runs packages/models/bench/threads.mjs (trainLesson epochs at 1 and 2 threads, alternating, from that package's
 * build) between two runs of cores-free.mjs, so the table says whether both cores were free. Null, with the reason
 * logged, when it cannot run.
 */
export function measureThreadEpochs(
  models: readonly string[],
  rows: number,
  rounds: number,
  log: (line: string) => void,
): ThreadEpochsResult | null {
  if (models.length === 0) return null;
  const bench = (name: string) =>
    fileURLToPath(new URL(`../../packages/models/bench/${name}`, import.meta.url));
  const run = (script: string, args: string[]) =>
    execFileSync(process.execPath, [script, ...args], {
      cwd: dirname(dirname(script)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    const before = parseCoresFree(run(bench('cores-free.mjs'), []));
    const out = run(bench('threads.mjs'), [
      '--models',
      models.join(','),
      '--rows',
      String(rows),
      '--rounds',
      String(rounds),
      '--json',
    ]);
    const after = parseCoresFree(run(bench('cores-free.mjs'), []));
    const json = JSON.parse(out.trim().split('\n').pop() ?? '') as ThreadsJson;
    return {
      rows: json.rows,
      rounds: json.rounds,
      coresFree: { before, after },
      load: [Number(json.loadBefore.split(' ')[0]), Number(json.loadAfter.split(' ')[0])],
      table: threadEpochRows(json),
    };
  } catch (error) {
    // The child's own error (its last stderr line with a message) says more than "Command failed".
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    const why =
      stderr.split('\n').findLast((l) => /error/i.test(l)) ?? (error as Error).message.split('\n')[0];
    log(`threads (epochs): not measured (${why?.trim()})`);
    return null;
  }
}
