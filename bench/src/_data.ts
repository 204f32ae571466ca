import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirs, imdb } from '@seqlab/datasets';
import { LESSON_DEFAULTS, prepareLessonData } from '@seqlab/lesson';
import type { IdMatrix } from '@seqlab/models';
import { BenchError } from './_errors.js';
import { type LoadDataRuns, measureLoadData } from './_load_data.js';
import { median } from './_stats.js';

/** The lesson's data, ready for training: 20,000 train and 5,000 validation rows of 100 ids. */
export interface LessonData {
  xTrain: IdMatrix;
  yTrain: Int32Array;
  xVal: IdMatrix;
  yVal: Int32Array;
}

/** Timings of the data pipeline, in milliseconds (medians). */
export interface DataTimings {
  /** The folder `imdb.npz` was read from. */
  dataDir: string;
  /** `imdb.loadData({ numWords: 500 })` in this (warm) process. */
  loadDataMs: number;
  loadDataSamplesMs: number[];
  /** The same call in fresh processes: time and peak RSS, as the issue #16 targets are stated. */
  loadDataFresh: LoadDataRuns;
  /** The recipe's data step, `prepareLessonData`: `train_test_split` then `pad_sequences`. */
  prepareMs: number;
  prepareSamplesMs: number[];
  trainRows: number;
  valRows: number;
}

/**
 * The folder holding `imdb.npz` among `SEQLAB_DATA_DIR`, `$KERAS_HOME/datasets`, `~/.keras/datasets`; the bench
 * never downloads, so it fails when none has the file.
 */
export function findDataDir(): string {
  const dirs = dataDirs();
  const found = dirs.find((dir) => existsSync(join(dir, 'imdb.npz')));
  if (found === undefined) {
    throw new BenchError(
      'NO_DATA',
      `No imdb.npz found: the bench reads the real IMDB data and does not download it. Expected imdb.npz in one of ` +
        `${dirs.join(', ')}; set SEQLAB_DATA_DIR to the folder holding imdb.npz ` +
        `(e.g. SEQLAB_DATA_DIR=../shared/datasets/imdb).`,
    );
  }
  return found;
}

/**
 * `imdb.loadData({ numWords: 500 })` in `loadRepeats` fresh processes (time and peak RSS) and timed
 * `loadRepeats` times here, then the recipe's own data step,
 * `prepareLessonData` (`train_test_split(testSize 0.2, randomState 42)` and `pad_sequences(maxlen 100)`, timed
 * `prepareRepeats` times): the lesson's data, exactly as `runLesson` prepares it.
 */
export async function prepareData(
  loadRepeats: number,
  prepareRepeats: number,
  onSample: () => void,
): Promise<{ data: LessonData; timings: DataTimings }> {
  const dataDir = findDataDir();
  const path = join(dataDir, 'imdb.npz');
  const loadDataFresh = measureLoadData(path, loadRepeats, onSample);
  const loadSamples: number[] = [];
  let loaded: Awaited<ReturnType<typeof imdb.loadData>> | undefined;
  for (let i = 0; i < loadRepeats; i++) {
    loaded = undefined; // let the previous copy be collected
    const start = performance.now();
    loaded = await imdb.loadData({ path, numWords: 500 });
    loadSamples.push(performance.now() - start);
    onSample();
  }
  const [[x, y]] = loaded!;
  const prepareSamples: number[] = [];
  let prepared: Awaited<ReturnType<typeof prepareLessonData>> | undefined;
  for (let i = 0; i < prepareRepeats; i++) {
    const start = performance.now();
    prepared = await prepareLessonData({ train: { x, y } }, LESSON_DEFAULTS);
    prepareSamples.push(performance.now() - start);
    onSample();
  }
  const { train, validation } = prepared!;
  return {
    data: {
      xTrain: train.x,
      yTrain: Int32Array.from(train.y),
      xVal: validation.x,
      yVal: Int32Array.from(validation.y),
    },
    timings: {
      dataDir,
      loadDataMs: median(loadSamples),
      loadDataSamplesMs: loadSamples,
      loadDataFresh,
      prepareMs: median(prepareSamples),
      prepareSamplesMs: prepareSamples,
      trainRows: train.x.shape[0]!,
      valRows: validation.x.shape[0]!,
    },
  };
}

/** The first `rows` rows of a matrix (a view, no copy). */
export function headRows(m: IdMatrix, rows: number): IdMatrix {
  const cols = m.shape[1]!;
  const n = Math.min(rows, m.shape[0]!);
  const data = m.data as Int32Array;
  return { data: data.subarray(0, n * cols), shape: [n, cols] };
}
