import { join, resolve } from 'node:path';
import { DatasetError, imdb } from '@seqlab/datasets';
import { imdbSource, type LessonDataSource } from '@seqlab/lesson';
import { CliError } from './errors.js';
import type { RunConfig } from './run.js';

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

/** The run's data source: `imdb.load_data` from `--data-dir` or the data dir chain, the first `--limit` reviews. */
export function lessonSource(config: Pick<RunConfig, 'dataDir' | 'limit'>, cwd: string): LessonDataSource {
  const source = imdbSource({
    path: npzSource(config.dataDir, cwd),
    ...(config.limit !== null ? { limit: config.limit } : {}),
  });
  return {
    description: source.description,
    limit: source.limit,
    load: (options) => source.load(options).catch(dataError),
  };
}
