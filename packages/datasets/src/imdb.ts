import { loadBytes, openNpzSource } from '#platform';
import {
  type ImdbData,
  type ImdbLoadOptions,
  type ImdbPackedData,
  imdbPacked,
  readImdbMembers,
  unpackSequences,
} from './_imdb_core.js';
import { readImdbNested } from './_imdb_nested.js';
import type { DataSource, NpzArchive } from './_source.js';
import { textToWords } from './_text.js';

export type {
  ImdbData,
  ImdbLoadOptions,
  ImdbPackedData,
  ImdbPackedSplit,
  ImdbSplit,
  PackedSequences,
} from './_imdb_core.js';
export { unpackSequences };

const ORIGIN_FOLDER = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';
/** sha256 of the official `imdb.npz` (Keras' `file_hash`). */
export const IMDB_NPZ_SHA256 = '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f';
/** md5 of the official `imdb_word_index.json` (Keras' `file_hash`). */
export const WORD_INDEX_MD5 = 'bfafd718b763782e994055a2d397834f';

/** Options of {@link loadData}: Keras' arguments plus where the file comes from. */
export interface LoadDataOptions extends ImdbLoadOptions {
  /**
   * A local file (Node path; browser URL), or the bytes themselves (`Uint8Array`, `ArrayBuffer`, `Blob`/`File`).
   * A name without a folder is looked up in the data dir (`SEQLAB_DATA_DIR`, `$KERAS_HOME/datasets`,
   * `~/.keras/datasets`) and downloaded from the official Keras URL, sha256-verified, when missing.
   * @default 'imdb.npz'
   */
  path?: DataSource;
}

/**
 * `keras.datasets.imdb.load_data`, element for element: the same shuffle (numpy `RandomState(seed)`), the same
 * start/OOV/offset handling, the same `maxlen` and `numWords` filtering.
 * `x` comes as `number[][]` (Keras: lists of ints), `y` as `Int32Array` (Keras: int64).
 * Only the four members Keras reads are inflated, and each review goes from the pickle straight into its array
 * (no array of all ids on the way); {@link loadDataPacked} gives the same ids without a JS array per review
 * (half the memory).
 *
 * @example
 * ```ts
 * const [[xTrain, yTrain], [xTest, yTest]] = await imdb.loadData({ numWords: 500 });
 * xTrain.length; // 25000
 * xTrain[0].length; // 218
 * ```
 */
export async function loadData(options: LoadDataOptions = {}): Promise<ImdbData> {
  const { npz, rest } = await open(options);
  return await readImdbNested(npz, rest);
}

async function open(options: LoadDataOptions): Promise<{ npz: NpzArchive; rest: ImdbLoadOptions }> {
  const { path = 'imdb.npz', ...rest } = options;
  const npz = await openNpzSource(path, {
    origin: `${ORIGIN_FOLDER}imdb.npz`,
    fileHash: IMDB_NPZ_SHA256,
  });
  return { npz, rest };
}

/**
 * {@link loadData} in packed form: each split's sequences as one `Int32Array` of ids plus offsets (sequence `i`
 * is `ids.subarray(offsets[i], offsets[i + 1])`), decoded straight from the pickles into typed arrays.
 * The same ids as `loadData`, in the same order.
 *
 * @example
 * ```ts
 * const [[xTrain, yTrain]] = await imdb.loadDataPacked({ numWords: 500 });
 * xTrain.offsets.length - 1; // 25000
 * xTrain.offsets[1] - xTrain.offsets[0]; // 218
 * ```
 */
export async function loadDataPacked(options: LoadDataOptions = {}): Promise<ImdbPackedData> {
  const { npz, rest } = await open(options);
  return imdbPacked(await readImdbMembers(npz), rest, npz.file);
}

/**
 * `keras.datasets.imdb.get_word_index`: word → rank (`the` → 1). A sequence id is rank + `indexFrom`.
 * @param path - like {@link LoadDataOptions.path}. @default 'imdb_word_index.json'
 */
export async function getWordIndex(path: DataSource = 'imdb_word_index.json'): Promise<Map<string, number>> {
  const { bytes } = await loadBytes(path, {
    origin: `${ORIGIN_FOLDER}imdb_word_index.json`,
    fileHash: WORD_INDEX_MD5,
  });
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, number>;
  return new Map(Object.entries(parsed));
}

/** The id conventions shared by {@link decode} and {@link encode} (Keras' `load_data` defaults). */
export interface IdOptions {
  /** @default 1 */
  startChar?: number | null;
  /** @default 2 */
  oovChar?: number | null;
  /** @default 3 */
  indexFrom?: number;
}

/**
 * Turns ids back into words, as in Keras' `get_word_index` docstring: `startChar` → `[START]`, `oovChar` →
 * `[OOV]`, padding (0) is skipped, an id with no word → `[UNK]`.
 */
export function decode(
  sequence: ArrayLike<number>,
  wordIndex: Map<string, number>,
  options: IdOptions = {},
): string {
  const { startChar = 1, oovChar = 2, indexFrom = 3 } = options;
  const inverted = new Map<number, string>();
  for (const [word, rank] of wordIndex) inverted.set(rank + indexFrom, word);
  if (startChar !== null) inverted.set(startChar, '[START]');
  if (oovChar !== null) inverted.set(oovChar, '[OOV]');
  const words: string[] = [];
  for (let i = 0; i < sequence.length; i++) {
    const id = sequence[i]!;
    if (id === 0 && !inverted.has(0)) continue;
    words.push(inverted.get(id) ?? '[UNK]');
  }
  return words.join(' ');
}

/** Options of {@link encode}: the id conventions plus `loadData`'s vocabulary window. */
export interface EncodeOptions extends IdOptions {
  /** Ids at or above this become `oovChar`. Unset: no limit. */
  numWords?: number | null;
  /** Ids below this become `oovChar`. @default 0 */
  skipTop?: number;
}

/**
 * Text → ids exactly the way the IMDB sequences were made from the raw reviews, then the `loadData` id mapping:
 * words split by {@link textToWords}, words missing from the word index dropped, rank + `indexFrom`,
 * `startChar` first, ids outside `[skipTop, numWords)` → `oovChar` (or dropped if `oovChar` is `null`).
 * A review typed by a user thus maps onto the ids a model trained on `loadData` output saw.
 */
export function encode(text: string, wordIndex: Map<string, number>, options: EncodeOptions = {}): number[] {
  const { startChar = 1, oovChar = 2, indexFrom = 3, numWords, skipTop = 0 } = options;
  const limit = numWords ? numWords : Number.POSITIVE_INFINITY;
  const out: number[] = [];
  const put = (w: number): void => {
    if (skipTop <= w && w < limit) out.push(w);
    else if (oovChar !== null) out.push(oovChar);
  };
  if (startChar !== null) put(startChar);
  for (const word of textToWords(text)) {
    const rank = wordIndex.get(word);
    if (rank !== undefined) put(rank + indexFrom);
  }
  return out;
}

export { textToWords };
