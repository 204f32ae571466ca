import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirs, imdb } from '@seqlab/datasets';
import type { IdMatrix } from '@seqlab/models';
import { padSequences, trainTestSplit } from '@seqlab/sequence';
import { BenchError } from './_errors.js';
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
  loadDataMs: number;
  loadDataSamplesMs: number[];
  trainTestSplitMs: number;
  padSequencesMs: number;
  padSequencesSamplesMs: number[];
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

function timed<T>(f: () => T): [T, number] {
  const start = performance.now();
  const value = f();
  return [value, performance.now() - start];
}

/**
 * `imdb.loadData({ numWords: 500 })` (timed `loadRepeats` times), `trainTestSplit(testSize 0.2, randomState 42)`
 * and `padSequences(maxlen 100)` on both parts (timed `padRepeats` times): the lesson's pipeline.
 */
export async function prepareData(
  loadRepeats: number,
  padRepeats: number,
  onSample: () => void,
): Promise<{ data: LessonData; timings: DataTimings }> {
  const dataDir = findDataDir();
  const path = join(dataDir, 'imdb.npz');
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
  const [[xTrainSeq, xValSeq, yTrain, yVal], splitMs] = timed(() =>
    trainTestSplit(x, y, { testSize: 0.2, randomState: 42 }),
  );
  const padSamples: number[] = [];
  let padded: [IdMatrix, IdMatrix] | undefined;
  for (let i = 0; i < padRepeats; i++) {
    const [value, ms] = timed(
      () =>
        [padSequences(xTrainSeq, { maxlen: 100 }), padSequences(xValSeq, { maxlen: 100 })] as [
          IdMatrix,
          IdMatrix,
        ],
    );
    padded = value;
    padSamples.push(ms);
    onSample();
  }
  const [xTrain, xVal] = padded!;
  return {
    data: { xTrain, yTrain: Int32Array.from(yTrain), xVal, yVal: Int32Array.from(yVal) },
    timings: {
      dataDir,
      loadDataMs: median(loadSamples),
      loadDataSamplesMs: loadSamples,
      trainTestSplitMs: splitMs,
      padSequencesMs: median(padSamples),
      padSequencesSamplesMs: padSamples,
      trainRows: xTrain.shape[0]!,
      valRows: xVal.shape[0]!,
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
