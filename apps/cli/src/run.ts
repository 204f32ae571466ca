import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from './errors.js';

/** The resolved configuration of a training run: enough to repeat it (`config.json`). */
export interface RunConfig {
  model: string;
  numWords: number;
  maxlen: number;
  testSize: number;
  randomState: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  /** `false` with `--no-early-stopping` (absent in runs written before the flag existed: true). */
  earlyStopping?: boolean;
  units: number;
  embeddingDim: number;
  dropout: number;
  seed: number;
  limit: number | null;
  dataDir: string | null;
  /** Your own texts (`--data`): a folder per class or a CSV/TSV/JSONL file; null for IMDB. */
  data?: string | null;
  /** A test set of your own texts (`--test-data`). */
  testData?: string | null;
  textColumn?: string;
  labelColumn?: string;
  /** `TextVectorization` with Unicode-aware standardization and split (`--unicode`). */
  unicode?: boolean;
}

/** One epoch's metrics as tfjs logs them, plus wall time. */
export interface EpochRecord {
  epoch: number;
  seconds: number;
  logs: Record<string, number>;
}

/** `history.json`: what the lesson's `history.history` holds, per epoch, plus the best epoch. */
export interface RunHistory {
  model: string;
  /** Keras' `history.history`: metric → one value per validated epoch. */
  history?: Record<string, number[]>;
  epochs: EpochRecord[];
  bestEpoch: number | null;
  bestValLoss: number | null;
  stoppedEarly: boolean;
  interrupted: boolean;
  test?: { loss: number; acc: number } | undefined;
}

/** The file `seqlab compare` writes into its folder: the seed, the table and the run folders it compared. */
export const COMPARE_FILE = 'compare.json';

export const RUN_FILES = {
  config: 'config.json',
  history: 'history.json',
  csv: 'history.csv',
  curves: 'curves.svg',
  best: 'best',
  final: 'final',
  /** Runs on your own texts: the TextVectorization adapted on the training split (Keras config + vocabulary). */
  vectorizer: 'vectorizer.json',
  /** Runs on your own texts: the class names, label `i` first. */
  classes: 'classes.json',
  /** The training state after the last validated epoch (model, optimizer, callbacks): what `--resume` reads. */
  state: 'state',
} as const;

function runJson<T>(abs: string, dir: string, name: string): T {
  const file = join(abs, name);
  if (!existsSync(file))
    throw new CliError(
      'RUN_INCOMPLETE',
      `run folder '${dir}' has no ${name}: expected a folder written by 'seqlab train'.`,
    );
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (cause) {
    throw new CliError('RUN_CORRUPT', `${join(dir, name)} is not valid JSON.`, { cause });
  }
}

/**
 * Reads a run folder's config.json, written when the run starts: every run folder has it, finished or not (a run
 * that was killed can still be evaluated, predicted with and resumed).
 */
export function readRunConfig(dir: string, cwd: string): { dir: string; config: RunConfig } {
  const abs = resolve(cwd, dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory())
    throw new CliError('RUN_NOT_FOUND', `run folder '${dir}' does not exist.`, {
      hint: "Pass a folder written by 'seqlab train' (runs/<model>-<timestamp>).",
    });
  return { dir: abs, config: runJson<RunConfig>(abs, dir, RUN_FILES.config) };
}

/** Reads a finished run folder written by `seqlab train` (config and history), or says exactly what is missing. */
export function readRun(dir: string, cwd: string): { dir: string; config: RunConfig; history: RunHistory } {
  const run = readRunConfig(dir, cwd);
  return { ...run, history: runJson<RunHistory>(run.dir, dir, RUN_FILES.history) };
}

/** The model folder of a run to predict or evaluate with: the best checkpoint, else the final model. */
export function runModelDir(runDir: string): string {
  for (const name of [RUN_FILES.best, RUN_FILES.final]) {
    if (existsSync(join(runDir, name, 'model.json'))) return join(runDir, name);
  }
  throw new CliError('RUN_INCOMPLETE', `run folder '${runDir}' holds no saved model (best/ or final/).`);
}
