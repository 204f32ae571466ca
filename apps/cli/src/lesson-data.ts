import { join, resolve } from 'node:path';
import { DatasetError, imdb } from '@seqlab/datasets';
import { padSequences, type SequenceMatrix, trainTestSplit } from '@seqlab/sequence';
import { CliError } from './errors.js';
import type { RunConfig } from './run.js';

/** The lesson's step 4, done: the split and padded id matrices, and the Keras test set. */
export interface LessonData {
  train: { x: SequenceMatrix<Int32Array>; y: Int32Array };
  val: { x: SequenceMatrix<Int32Array>; y: Int32Array };
  test: { x: SequenceMatrix<Int32Array>; y: Int32Array };
  /** Where `imdb.npz` came from. */
  source: string;
}

/** `imdb.npz` in `--data-dir`, else the data dir chain (`SEQLAB_DATA_DIR`, Keras cache, download). */
export function npzSource(dataDir: string | null, cwd: string): string {
  return dataDir ? join(resolve(cwd, dataDir), 'imdb.npz') : 'imdb.npz';
}

export function wordIndexSource(dataDir: string | null, cwd: string): string {
  return dataDir ? join(resolve(cwd, dataDir), 'imdb_word_index.json') : 'imdb_word_index.json';
}

/** Turns a dataset failure (missing file, no network, bad file) into one message with what to do. */
export function dataError(error: unknown): never {
  if (error instanceof DatasetError) {
    const offline = error.code === 'DOWNLOAD_FAILED' || error.code === 'NOT_FOUND';
    throw new CliError(`DATA_${error.code}`, error.message, {
      cause: error,
      ...(offline
        ? {
            hint:
              'Put imdb.npz and imdb_word_index.json in a folder and pass --data-dir <folder> or set ' +
              'SEQLAB_DATA_DIR=<folder>; or copy them into ~/.keras/datasets (the Keras cache).',
          }
        : {}),
    });
  }
  throw error;
}

export async function loadImdb(config: Pick<RunConfig, 'numWords' | 'dataDir'>, cwd: string) {
  try {
    return await imdb.loadData({ path: npzSource(config.dataDir, cwd), numWords: config.numWords });
  } catch (error) {
    dataError(error);
  }
}

/**
 * `imdb.load_data(num_words)`, the first `limit` reviews (of train and of test) when asked, then
 * `train_test_split(x, y, test_size, random_state)` and `pad_sequences(maxlen)` — the lesson's steps 3 and 4.
 */
export async function loadLessonData(config: RunConfig, cwd: string): Promise<LessonData> {
  const [[xAll, yAll], [xTestAll, yTestAll]] = await loadImdb(config, cwd);
  const limit = config.limit ?? Number.POSITIVE_INFINITY;
  const x = xAll.slice(0, limit);
  const y = yAll.subarray(0, Math.min(limit, yAll.length));
  const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, y, {
    testSize: config.testSize,
    randomState: config.randomState,
  }) as [number[][], number[][], Int32Array, Int32Array];
  const pad = (seqs: number[][]) => padSequences(seqs, { maxlen: config.maxlen });
  return {
    train: { x: pad(xTrain), y: Int32Array.from(yTrain) },
    val: { x: pad(xVal), y: Int32Array.from(yVal) },
    test: {
      x: pad(xTestAll.slice(0, limit)),
      y: Int32Array.from(yTestAll.subarray(0, Math.min(limit, yTestAll.length))),
    },
    source: config.dataDir ? npzSource(config.dataDir, cwd) : 'imdb.npz (SEQLAB_DATA_DIR / Keras cache)',
  };
}
