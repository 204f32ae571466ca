import { imdb } from '@seqlab/datasets';
import * as idb from './lib/idb.js';

export const WORD_INDEX_KEY = 'imdb_word_index.json';
const URL_PATH = `${import.meta.env.BASE_URL}data/imdb_word_index.json`;

let index: Promise<Map<string, number>> | undefined;

async function read(): Promise<Map<string, number>> {
  let bytes = await idb.get<ArrayBuffer>('files', WORD_INDEX_KEY).catch(() => undefined);
  if (bytes === undefined) {
    const response = await fetch(URL_PATH);
    if (!response.ok) {
      throw new Error(
        `${URL_PATH} answered HTTP ${response.status}; expected 200 with imdb_word_index.json (open it from disk instead)`,
      );
    }
    bytes = await response.arrayBuffer();
    await idb.put('files', WORD_INDEX_KEY, bytes).catch(() => undefined);
  }
  return await imdb.getWordIndex(new Uint8Array(bytes));
}

/** The word index: from this browser's cache, else from the server (then cached). Loaded once. */
export function wordIndex(): Promise<Map<string, number>> {
  index ??= read();
  index.catch(() => {
    index = undefined;
  });
  return index;
}

/** Uses an imdb_word_index.json the user opened. */
export async function useWordIndexFile(file: Blob): Promise<void> {
  const bytes = await file.arrayBuffer();
  const map = await imdb.getWordIndex(new Uint8Array(bytes));
  if (map.size === 0 || map.get('the') === undefined) {
    throw new Error(
      `expected imdb_word_index.json (a word → rank object with "the"); got ${map.size} entries`,
    );
  }
  await idb.put('files', WORD_INDEX_KEY, bytes).catch(() => undefined);
  index = Promise.resolve(map);
}
