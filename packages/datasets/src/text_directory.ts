import { folderTree } from '#text-platform';
import {
  checkValidationSplitArg,
  type DirectoryLabels,
  type FolderTree,
  indexDirectory,
  trainingOrValidationSplit,
} from './_dir_index.js';
import { DatasetError } from './_errors.js';
import { type DirectoryFile, fileListTree } from './_file_list_tree.js';
import {
  checkTwoClasses,
  type LabelMode,
  makeTextSource,
  type TextRecord,
  type TextSource,
} from './_text_source.js';
import { decodeUtf8, truncateUtf8 } from './_utf8.js';

export type { DirectoryLabels } from './_dir_index.js';
export type { DirectoryFile } from './_file_list_tree.js';

/** Arguments of {@link textDatasetFromDirectory}: Keras' `text_dataset_from_directory` arguments in camelCase. */
export interface TextDatasetFromDirectoryArgs {
  /**
   * `'inferred'` (one sub-folder per class), an explicit list of integer labels in the files' sorted order,
   * or `null` (no labels: every `label` is -1). Explicit labels are used as given (as Keras does) and
   * `classNames` are their sorted distinct values as strings, so they index `classNames` when they are 0…k-1.
   * @default 'inferred'
   */
  labels?: DirectoryLabels;
  /** How the labels are meant to be encoded (see `encodeLabels`); `'binary'` needs exactly 2 classes. @default 'int' */
  labelMode?: LabelMode;
  /** With `labels: 'inferred'`: the class folders to use, in this label order. @default the sub-folders, sorted */
  classNames?: readonly string[];
  /** Texts longer than this many UTF-8 bytes are cut (Keras: `tf.strings.substr(txt, 0, max_length)`). */
  maxLength?: number;
  /** Shuffle the files (numpy `RandomState(seed).shuffle`); `false` keeps Keras' sorted order. @default true */
  shuffle?: boolean;
  /** Seed of the shuffle. Required with `validationSplit` and `shuffle`. @default a random integer below 1e6 */
  seed?: number;
  /** Fraction of the files for validation: the last `floor(validationSplit * n)` after the shuffle. */
  validationSplit?: number;
  /** `'training'`, `'validation'`, or `'both'` (returns `[training, validation]`). Needs `validationSplit`. */
  subset?: 'training' | 'validation' | 'both';
  /** Walk into sub-folders that are symbolic links. @default false */
  followLinks?: boolean;
}

/** A record of a folder dataset, with the file it was read from (relative to the folder, `/`-separated). */
export interface DirectoryRecord extends TextRecord {
  readonly path: string;
}

/** A folder dataset: a {@link TextSource} that also lists its files (relative paths, in record order). */
export interface DirectoryTextSource extends TextSource<DirectoryRecord> {
  readonly filePaths: readonly string[];
}

const READ_AHEAD = 16;

/**
 * `keras.utils.text_dataset_from_directory`: the `.txt` files of a folder with one sub-folder per class, in
 * Keras' order and split — the same files in the same order as Keras lists them for the same `seed` (the
 * per-epoch `tf.data` shuffle buffer is the trainer's business, not the file list's). Files are read as they
 * are iterated, 16 ahead; each must be UTF-8 (checked strictly; a BOM is kept, as Keras keeps the bytes).
 * Node: a folder path. Browser: the `File`s of `<input type="file" webkitdirectory>`.
 * Port of keras/src/utils/text_dataset_utils.py.
 *
 * Unlike Keras, fewer than two classes with files is an error (`ONE_CLASS`), and a `validationSplit` that leaves
 * no validation file is an error (`EMPTY`) where Keras returns every file as validation.
 *
 * @example
 * ```ts
 * const [train, val] = await textDatasetFromDirectory('aclImdb/train', {
 *   validationSplit: 0.2, subset: 'both', seed: 1337,
 * });
 * train.classNames; // ['neg', 'pos']
 * for await (const { text, label } of train) { … }
 * ```
 */
export async function textDatasetFromDirectory(
  directory: string | ArrayLike<DirectoryFile>,
  args: TextDatasetFromDirectoryArgs & { subset: 'both' },
): Promise<[DirectoryTextSource, DirectoryTextSource]>;
export async function textDatasetFromDirectory(
  directory: string | ArrayLike<DirectoryFile>,
  args?: TextDatasetFromDirectoryArgs & { subset?: 'training' | 'validation' | undefined },
): Promise<DirectoryTextSource>;
export async function textDatasetFromDirectory(
  directory: string | ArrayLike<DirectoryFile>,
  args?: TextDatasetFromDirectoryArgs,
): Promise<DirectoryTextSource | [DirectoryTextSource, DirectoryTextSource]>;
export async function textDatasetFromDirectory(
  directory: string | ArrayLike<DirectoryFile>,
  args: TextDatasetFromDirectoryArgs = {},
): Promise<DirectoryTextSource | [DirectoryTextSource, DirectoryTextSource]> {
  const {
    labels: givenLabels = 'inferred',
    classNames,
    maxLength,
    shuffle = true,
    validationSplit,
    subset,
  } = args;
  let labelMode: LabelMode = args.labelMode === undefined ? 'int' : args.labelMode;
  let labels = givenLabels;
  if (labels !== 'inferred' && labels !== null) {
    if (!Array.isArray(labels)) {
      throw new DatasetError(
        'BAD_ARGUMENT',
        `labels must be 'inferred', null, or a list of integer labels, one per file in sorted order; received ${String(labels)}`,
      );
    }
    if (classNames !== undefined) {
      throw new DatasetError('BAD_ARGUMENT', "classNames can only be given with labels: 'inferred'");
    }
  }
  if (!['int', 'categorical', 'binary', null].includes(labelMode)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `labelMode must be 'int', 'categorical', 'binary' or null; received ${JSON.stringify(labelMode)}`,
    );
  }
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength >= 0)) {
    throw new DatasetError('BAD_ARGUMENT', `maxLength must be a non-negative integer; received ${maxLength}`);
  }
  if (labels === null || labelMode === null) {
    labels = null;
    labelMode = null;
  }
  checkValidationSplitArg(validationSplit, subset, shuffle, args.seed);
  const tree = typeof directory === 'string' ? await folderTree(directory) : fileListTree(directory);
  return await fromFolderTree(tree, { ...args, labels, labelMode });
}

/** {@link textDatasetFromDirectory} on any folder tree (also the aclImdb archive's). Arguments are checked. */
export async function fromFolderTree(
  tree: FolderTree,
  args: TextDatasetFromDirectoryArgs & { labels: DirectoryLabels; labelMode: LabelMode },
): Promise<DirectoryTextSource | [DirectoryTextSource, DirectoryTextSource]> {
  const { labels, labelMode, classNames, maxLength, shuffle = true, validationSplit, subset } = args;
  const seed = args.seed ?? Math.floor(Math.random() * 1e6);
  const index = await indexDirectory(tree, {
    labels,
    formats: ['.txt'],
    classNames,
    shuffle,
    seed,
    followLinks: args.followLinks ?? false,
  });
  const names = index.classNames ?? [];
  const explicit = Array.isArray(labels);
  if (labelMode === 'binary' && names.length !== 2) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `labelMode 'binary' needs exactly 2 classes; received ${names.length}: ${JSON.stringify(names)}`,
      { file: tree.name },
    );
  }
  if (index.paths.length === 0) {
    throw new DatasetError('EMPTY', 'no text files found; expected .txt files (one sub-folder per class)', {
      file: tree.name,
    });
  }
  if (index.labels !== null) checkTwoClasses(tree.name, names, countLabels(index.labels, names, explicit));
  const make = (paths: string[], labelsOf: Int32Array | null): DirectoryTextSource => {
    const counts = labelsOf === null ? [] : countLabels(labelsOf, names, explicit);
    const source = makeTextSource<DirectoryRecord>(
      { name: tree.name, classNames: names, classCounts: counts, size: paths.length, labelMode },
      () => readFiles(tree, paths, labelsOf, maxLength),
    );
    return Object.assign(source, { filePaths: Object.freeze([...paths]) });
  };
  if (subset === 'both') {
    const training = trainingOrValidationSplit(
      index.paths,
      index.labels,
      validationSplit,
      'training',
      tree.name,
    );
    const validation = trainingOrValidationSplit(
      index.paths,
      index.labels,
      validationSplit,
      'validation',
      tree.name,
    );
    return [make(training.samples, training.labels), make(validation.samples, validation.labels)];
  }
  const split = trainingOrValidationSplit(index.paths, index.labels, validationSplit, subset, tree.name);
  return make(split.samples, split.labels);
}

/** Files per class name; an explicit label counts for the class named after its value. */
function countLabels(labels: Int32Array, names: readonly string[], explicit: boolean): number[] {
  const slot = new Map(names.map((name, i) => [explicit ? Number(name) : i, i]));
  const counts = new Array<number>(names.length).fill(0);
  for (const label of labels) {
    const at = slot.get(label);
    if (at !== undefined) counts[at]!++;
  }
  return counts;
}

async function* readFiles(
  tree: FolderTree,
  paths: readonly string[],
  labels: Int32Array | null,
  maxLength: number | undefined,
): AsyncGenerator<DirectoryRecord> {
  const load = async (path: string): Promise<string> => {
    const bytes = await tree.read(path);
    const kept = maxLength === undefined ? bytes : truncateUtf8(bytes, maxLength);
    return decodeUtf8(kept, `${tree.name}/${path}`, { ignoreBOM: true });
  };
  const ahead: Promise<string>[] = [];
  const start = (path: string): void => {
    const pending = load(path);
    pending.catch(() => {}); // awaited in order below; a later file's failure must not go unhandled meanwhile
    ahead.push(pending);
  };
  for (let i = 0; i < Math.min(READ_AHEAD, paths.length); i++) start(paths[i]!);
  for (let i = 0; i < paths.length; i++) {
    const text = await ahead.shift()!;
    if (i + READ_AHEAD < paths.length) start(paths[i + READ_AHEAD]!);
    yield { text, label: labels === null ? -1 : labels[i]!, path: paths[i]! };
  }
}
