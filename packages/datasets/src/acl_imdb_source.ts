import { type DataSource, openGunzip } from '#platform';
import type { FolderTree, WalkedDir } from './_dir_index.js';
import { DatasetError } from './_errors.js';
import { readTar } from './_tar.js';
import { checkTwoClasses, makeTextSource, type TextSource } from './_text_source.js';
import { ACL_IMDB_ORIGIN, ACL_IMDB_SHA256 } from './aclImdb.js';
import { type DirectoryRecord, type DirectoryTextSource, fromFolderTree } from './text_directory.js';

/** Arguments of {@link aclImdbSource}. */
export interface AclImdbSourceArgs {
  /**
   * The official `.tar.gz` (as in `aclImdb.loadData`): a path (browser: URL), its bytes or a `Blob`.
   * @default 'aclImdb_v1.tar.gz'
   */
  path?: DataSource;
  /** Which folder of the archive: `aclImdb/train` or `aclImdb/test`. */
  subset: 'train' | 'test';
  /**
   * `'polarity'`: classes `['neg', 'pos']` from the folders (Keras' sorted order). `'rating'`: classes from the
   * star rating in the file name `<id>_<rating>.txt` — one class per rating found (`'1'`…`'10'`; aclImdb has no
   * 5 or 6), or one per group of `ratingBins`.
   * @default 'polarity'
   */
  labelFrom?: 'polarity' | 'rating';
  /**
   * With `labelFrom: 'rating'`: groups of ratings, one class each, named `'1-2'` (a range) or `'1,3'`. Reviews
   * whose rating is in no group are left out. E.g. `[[1, 2], [3, 4], [7, 8], [9, 10]]` makes 4 classes.
   */
  ratingBins?: readonly (readonly number[])[];
  /** As in `textDatasetFromDirectory`: shuffle the files with `RandomState(seed)`. @default true */
  shuffle?: boolean;
  /** Seed of the shuffle (needed with `validationSplit`). @default a random integer below 1e6 */
  seed?: number;
  /** Fraction of the files for validation, split exactly as `textDatasetFromDirectory` splits the folder. */
  validationSplit?: number;
  /** With `validationSplit`: `'training'`, `'validation'` or `'both'` (returns `[training, validation]`). */
  validationSubset?: 'training' | 'validation' | 'both';
}

/** A review with its star rating and id from the file name. */
export interface AclImdbRecord extends DirectoryRecord {
  readonly rating: number;
  readonly id: number;
}

const REVIEW = /^(pos|neg)\/(\d+)_(\d+)\.txt$/;

/**
 * The raw Stanford reviews as a {@link TextSource}: the same files in the same order and split as
 * `textDatasetFromDirectory('aclImdb/train', …)` gives on the extracted archive with `train/unsup` removed
 * (the Keras tutorial's set-up), read straight from the `.tar.gz` (one split's bytes are kept in memory).
 *
 * @example
 * ```ts
 * const train = await aclImdbSource({ subset: 'train', seed: 1337 });
 * train.classNames; // ['neg', 'pos']
 * const fourStars = await aclImdbSource({
 *   subset: 'train', seed: 1337, labelFrom: 'rating', ratingBins: [[1, 2], [3, 4], [7, 8], [9, 10]],
 * });
 * fourStars.classNames; // ['1-2', '3-4', '7-8', '9-10']
 * ```
 */
export async function aclImdbSource(
  args: AclImdbSourceArgs & { validationSubset: 'both' },
): Promise<[TextSource<AclImdbRecord>, TextSource<AclImdbRecord>]>;
export async function aclImdbSource(
  args: AclImdbSourceArgs & { validationSubset?: 'training' | 'validation' | undefined },
): Promise<TextSource<AclImdbRecord>>;
export async function aclImdbSource(
  args: AclImdbSourceArgs,
): Promise<TextSource<AclImdbRecord> | [TextSource<AclImdbRecord>, TextSource<AclImdbRecord>]>;
export async function aclImdbSource(
  args: AclImdbSourceArgs,
): Promise<TextSource<AclImdbRecord> | [TextSource<AclImdbRecord>, TextSource<AclImdbRecord>]> {
  const { subset, labelFrom = 'polarity', ratingBins } = args;
  if (subset !== 'train' && subset !== 'test') {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `subset must be 'train' or 'test'; received ${JSON.stringify(subset)}`,
    );
  }
  if (labelFrom !== 'polarity' && labelFrom !== 'rating') {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `labelFrom must be 'polarity' or 'rating'; received ${JSON.stringify(labelFrom)}`,
    );
  }
  if (ratingBins !== undefined && labelFrom !== 'rating') {
    throw new DatasetError('BAD_ARGUMENT', "ratingBins needs labelFrom: 'rating'");
  }
  const tree = await archiveTree(args.path ?? 'aclImdb_v1.tar.gz', subset);
  const built = await fromFolderTree(tree, {
    labels: 'inferred',
    labelMode: 'int',
    shuffle: args.shuffle ?? true,
    seed: args.seed,
    validationSplit: args.validationSplit,
    subset: args.validationSubset,
  });
  const relabel = (source: DirectoryTextSource): TextSource<AclImdbRecord> =>
    labelFrom === 'rating' ? byRating(source, ratingBins) : withRatings(source);
  return Array.isArray(built) ? [relabel(built[0]), relabel(built[1])] : relabel(built);
}

function parseName(path: string): { rating: number; id: number } {
  const match = REVIEW.exec(path)!;
  return { id: Number(match[2]), rating: Number(match[3]) };
}

function withRatings(source: DirectoryTextSource): TextSource<AclImdbRecord> {
  return makeTextSource<AclImdbRecord>(source, async function* () {
    for await (const record of source) yield { ...record, ...parseName(record.path) };
  });
}

function binName(bin: readonly number[]): string {
  const sorted = [...bin].sort((a, b) => a - b);
  const contiguous = sorted.every((r, i) => i === 0 || r === sorted[i - 1]! + 1);
  return contiguous && sorted.length > 1 ? `${sorted[0]}-${sorted[sorted.length - 1]}` : sorted.join(',');
}

function byRating(
  source: DirectoryTextSource,
  bins: readonly (readonly number[])[] | undefined,
): TextSource<AclImdbRecord> {
  const ratings = source.filePaths.map((p) => parseName(p).rating);
  const groups = bins ?? [...new Set(ratings)].sort((a, b) => a - b).map((r) => [r]);
  const classOf = new Map<number, number>();
  for (const [i, group] of groups.entries()) {
    for (const rating of group) {
      if (classOf.has(rating)) {
        throw new DatasetError(
          'BAD_ARGUMENT',
          `ratingBins puts rating ${rating} in two groups; expected disjoint groups`,
        );
      }
      classOf.set(rating, i);
    }
  }
  const classNames = groups.map(binName);
  const classCounts = classNames.map(() => 0);
  let size = 0;
  for (const rating of ratings) {
    const label = classOf.get(rating);
    if (label !== undefined) {
      classCounts[label]!++;
      size++;
    }
  }
  checkTwoClasses(source.name, classNames, classCounts);
  return makeTextSource<AclImdbRecord>(
    { name: source.name, classNames, classCounts, size, labelMode: 'int' },
    async function* () {
      for await (const record of source) {
        const parsed = parseName(record.path);
        const label = classOf.get(parsed.rating);
        if (label !== undefined) yield { ...record, ...parsed, label };
      }
    },
  );
}

/** `aclImdb/<subset>/{neg,pos}` of the archive as a folder tree (`unsup` and everything else left out). */
async function archiveTree(path: DataSource, subset: 'train' | 'test'): Promise<FolderTree> {
  const { stream, name } = await openGunzip(path, {
    origin: ACL_IMDB_ORIGIN,
    fileHash: ACL_IMDB_SHA256,
    alternatives: ['aclImdb_v1-train-test.tar.gz'],
  });
  const prefix = `aclImdb/${subset}/`;
  const files = new Map<string, Uint8Array>();
  const names: Record<string, string[]> = { neg: [], pos: [] };
  for await (const entry of readTar(stream, name)) {
    if (!entry.path.startsWith(prefix)) continue;
    const rel = entry.path.slice(prefix.length);
    if (!REVIEW.test(rel)) continue;
    files.set(rel, entry.data);
    names[rel.slice(0, 3)]!.push(rel.slice(4));
  }
  for (const polarity of ['neg', 'pos']) {
    if (names[polarity]!.length === 0) {
      throw new DatasetError(
        'NOT_FOUND',
        `no ${prefix}${polarity}/<id>_<rating>.txt entries; expected the official aclImdb layout`,
        { file: name },
      );
    }
  }
  const tree: FolderTree = {
    name: `${name}:${prefix.slice(0, -1)}`,
    subdirs: async () => ['neg', 'pos'],
    walk: async (sub): Promise<WalkedDir[]> => [{ root: '', files: names[sub] ?? [] }],
    read: async (rel) => files.get(rel)!,
  };
  return tree;
}
