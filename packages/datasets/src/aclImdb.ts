import { openGunzip } from '#platform';
import { DatasetError } from './_errors.js';
import type { DataSource } from './_source.js';
import { readTar } from './_tar.js';

/** The official archive URL and sha256 (with `train/unsup`). */
export const ACL_IMDB_ORIGIN = 'https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz';
/** sha256 of the official `aclImdb_v1.tar.gz`. */
export const ACL_IMDB_SHA256 = 'c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe';

/** One split of the raw reviews, in the order the Keras sequences were made: `pos` then `neg`, by file name. */
export interface AclImdbSplit {
  readonly texts: string[];
  /** 1 = positive (`pos/`), 0 = negative (`neg/`). */
  readonly labels: Int32Array;
  /** The star rating from the file name (`<id>_<rating>.txt`). */
  readonly ratings: Int32Array;
  /** The review id from the file name. */
  readonly ids: Int32Array;
}

/** Options of {@link loadData}. */
export interface AclImdbOptions {
  /**
   * The `.tar.gz`: a local path (browser: URL) or its bytes/`Blob`. A bare name is looked up in the data dir
   * and downloaded from Stanford (sha256-verified) when missing.
   * @default 'aclImdb_v1.tar.gz'
   */
  path?: DataSource;
  /** A review file larger than this is refused (`SIZE_LIMIT`) before it is read. @default 2 ** 20 */
  maxEntryBytes?: number;
  /** All review files together larger than this are refused (`SIZE_LIMIT`). @default 2 ** 28 */
  maxTotalBytes?: number;
}

const REVIEW = /^aclImdb\/(train|test)\/(pos|neg)\/(\d+)_(\d+)\.txt$/;

/**
 * Reads the Stanford Large Movie Review Dataset from its official `.tar.gz` layout, streaming (gunzip + tar;
 * entries that escape the archive root are refused). `train/unsup` and other files are skipped as they stream,
 * never held. Memory: the texts returned plus one review file and one gunzip chunk (at most 2× the output);
 * `maxEntryBytes` and `maxTotalBytes` bound it against a decompression bomb.
 *
 * @example
 * ```ts
 * const { train, test } = await aclImdb.loadData({ path: 'aclImdb_v1.tar.gz' });
 * train.texts.length; // 25000
 * ```
 */
export async function loadData(
  options: AclImdbOptions = {},
): Promise<{ train: AclImdbSplit; test: AclImdbSplit }> {
  const { stream, name } = await openGunzip(options.path ?? 'aclImdb_v1.tar.gz', {
    origin: ACL_IMDB_ORIGIN,
    fileHash: ACL_IMDB_SHA256,
    alternatives: ['aclImdb_v1-train-test.tar.gz'],
  });
  type Entry = { file: string; text: string; id: number; rating: number };
  const buckets: Record<string, Entry[]> = {
    'train/pos': [],
    'train/neg': [],
    'test/pos': [],
    'test/neg': [],
  };
  const decoder = new TextDecoder();
  const reviews = readTar(stream, name, {
    accept: (path) => REVIEW.test(path),
    maxEntryBytes: options.maxEntryBytes ?? 2 ** 20,
    maxTotalBytes: options.maxTotalBytes ?? 2 ** 28,
  });
  for await (const entry of reviews) {
    const match = REVIEW.exec(entry.path);
    if (match === null) continue;
    const [, split, polarity, id, rating] = match;
    buckets[`${split}/${polarity}`]!.push({
      file: entry.path.slice(entry.path.lastIndexOf('/') + 1),
      text: decoder.decode(entry.data),
      id: Number(id),
      rating: Number(rating),
    });
  }
  const build = (split: string): AclImdbSplit => {
    const pos = buckets[`${split}/pos`]!;
    const neg = buckets[`${split}/neg`]!;
    if (pos.length === 0 || neg.length === 0) {
      throw new DatasetError(
        'NOT_FOUND',
        `no aclImdb/${split}/${pos.length === 0 ? 'pos' : 'neg'}/<id>_<rating>.txt entries; expected the official aclImdb layout`,
        { file: name },
      );
    }
    const byName = (a: Entry, b: Entry): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
    const all = [...pos.sort(byName), ...neg.sort(byName)];
    return {
      texts: all.map((e) => e.text),
      labels: Int32Array.from(all, (_, i) => (i < pos.length ? 1 : 0)),
      ratings: Int32Array.from(all, (e) => e.rating),
      ids: Int32Array.from(all, (e) => e.id),
    };
  };
  return { train: build('train'), test: build('test') };
}
