import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DatasetError,
  imdb,
  type TextSource,
  textDatasetFromDirectory,
  textDatasetFromTable,
} from '@seqlab/datasets';
import { imdbSource, type LessonData, type LessonDataSource, textData } from '@seqlab/lesson';
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

/**
 * Your own texts: a folder with one sub-folder per class (Keras' `text_dataset_from_directory`), or a CSV / TSV /
 * JSON Lines file with a text and a label column.
 */
export async function openTexts(
  path: string,
  columns: { textColumn: string; labelColumn: string },
  cwd: string,
): Promise<TextSource> {
  const abs = resolve(cwd, path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (cause) {
    throw new CliError('DATA_NOT_FOUND', `--data ${path} does not exist.`, {
      cause,
      hint: 'Pass a folder with one sub-folder of .txt files per class, or a .csv, .tsv or .jsonl file.',
    });
  }
  try {
    return isDir
      ? await textDatasetFromDirectory(abs, { shuffle: false })
      : await textDatasetFromTable(abs, { textColumn: columns.textColumn, labelColumn: columns.labelColumn });
  } catch (error) {
    dataError(error);
  }
}

/** The run's data: your own texts (`--data`), else IMDB (below). */
export async function runData(config: RunConfig, cwd: string): Promise<LessonData> {
  if (config.data === null || config.data === undefined) return lessonSource(config, cwd);
  const columns = { textColumn: config.textColumn ?? 'text', labelColumn: config.labelColumn ?? 'label' };
  const train = await openTexts(config.data, columns, cwd);
  const test = config.testData ? await openTexts(config.testData, columns, cwd) : undefined;
  return textData({
    train,
    ...(test ? { test } : {}),
    vectorizer: { unicode: config.unicode === true },
    description: config.data,
  });
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
