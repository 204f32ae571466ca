import { RandomState } from '@seqlab/random';
import { DatasetError } from './_errors.js';
import { compareCodePoints } from './_text_source.js';

/** One folder as `os.walk` reports it: `root` relative to the top folder (`''` for the top itself). */
export interface WalkedDir {
  readonly root: string;
  readonly files: readonly string[];
}

/** A folder tree as Keras' `index_directory` sees it (the file system in Node, a file list in the browser). */
export interface FolderTree {
  readonly name: string;
  /** Names of the top folder's entries that are folders (`os.path.isdir`: links followed), any order. */
  subdirs(): Promise<string[]>;
  /** `os.walk` of the folder `sub` (`''` = the top): every folder below it, with its non-folder entries. */
  walk(sub: string, followLinks: boolean): Promise<WalkedDir[]>;
  /** The bytes of a file, by its path relative to the top. */
  read(path: string): Promise<Uint8Array>;
}

/** Labels: `'inferred'` from the sub-folders, an explicit list in file order, or `null` (none). */
export type DirectoryLabels = 'inferred' | readonly number[] | null;

/** What `index_directory` returns: paths relative to the top, their labels, the class names. */
export interface DirectoryIndex {
  readonly paths: string[];
  readonly labels: Int32Array | null;
  readonly classNames: string[] | null;
}

const join = (a: string, b: string): string => (a === '' ? b : b === '' ? a : `${a}/${b}`);

/**
 * Lists the files of `tree` with their labels, in Keras' order: class folders in `classNames` order (else
 * sorted), each walked root by root (roots sorted), files sorted, kept if their lower-cased name ends with one
 * of `formats`; then, when `shuffle`, paths and labels shuffled by `np.random.RandomState(seed).shuffle`.
 * Port of keras/src/utils/dataset_utils.py index_directory / index_subdirectory / iter_valid_files.
 */
export async function indexDirectory(
  tree: FolderTree,
  options: {
    labels: DirectoryLabels;
    formats: readonly string[];
    classNames?: readonly string[] | undefined;
    shuffle: boolean;
    seed: number;
    followLinks: boolean;
  },
): Promise<DirectoryIndex> {
  const { labels, formats, followLinks } = options;
  let subdirs: string[];
  if (labels === 'inferred') {
    subdirs = (await tree.subdirs())
      .filter((d) => !d.startsWith('.'))
      .map((d) => (d.endsWith('/') ? d.slice(0, -1) : d))
      .sort(compareCodePoints);
    if (options.classNames !== undefined) {
      const missing = options.classNames.filter((c) => !subdirs.includes(c));
      if (missing.length > 0) {
        throw new DatasetError(
          'BAD_ARGUMENT',
          `classNames ${JSON.stringify(missing)} are not sub-folders of the folder; expected names among ` +
            `${JSON.stringify(subdirs)} (or a subset of it)`,
          { file: tree.name },
        );
      }
      subdirs = [...options.classNames];
    }
  } else {
    subdirs = [''];
    if (options.classNames !== undefined) {
      throw new DatasetError(
        'BAD_ARGUMENT',
        labels === null
          ? 'classNames cannot be given with labels: null (no labels)'
          : 'classNames cannot be given with an explicit labels list (the class names are the sorted labels)',
        { file: tree.name },
      );
    }
  }
  const lowered = formats.map((f) => f.toLowerCase());
  const paths: string[] = [];
  const inferred: number[] = [];
  for (const [classIndex, subdir] of subdirs.entries()) {
    const walked = await tree.walk(subdir, followLinks);
    walked.sort((a, b) => compareCodePoints(join(subdir, a.root), join(subdir, b.root)));
    for (const { root, files } of walked) {
      for (const file of [...files].sort(compareCodePoints)) {
        const lower = file.toLowerCase();
        if (!lowered.some((f) => lower.endsWith(f))) continue;
        paths.push(join(join(subdir, root), file));
        inferred.push(classIndex);
      }
    }
  }
  let outLabels: Int32Array | null;
  let classNames: string[] | null;
  if (labels === 'inferred') {
    outLabels = Int32Array.from(inferred);
    classNames = subdirs;
  } else if (labels === null) {
    outLabels = null;
    classNames = null;
  } else {
    if (labels.length !== paths.length) {
      throw new DatasetError(
        'BAD_ARGUMENT',
        `labels has ${labels.length} entries but ${paths.length} files were found; expected one label per file`,
        { file: tree.name },
      );
    }
    for (const [i, label] of labels.entries()) {
      if (!Number.isInteger(label) || label < 0 || label > 0x7fffffff) {
        throw new DatasetError(
          'BAD_LABEL',
          `labels[${i}] is ${label}; expected a non-negative integer class index`,
          { file: tree.name },
        );
      }
    }
    outLabels = Int32Array.from(labels);
    classNames = [...new Set(labels)].sort((a, b) => a - b).map(String);
  }
  if (options.shuffle) {
    // Keras shuffles the paths and the labels each with a fresh RandomState(seed): the same permutation.
    const order: Int32Array = new RandomState(options.seed).shuffle(Int32Array.from(paths, (_, i) => i));
    const shuffled = Array.from(order, (i) => paths[i]!);
    paths.splice(0, paths.length, ...shuffled);
    if (outLabels !== null) {
      const source = outLabels;
      outLabels = Int32Array.from(order, (i) => source[i]!);
    }
  }
  return { paths, labels: outLabels, classNames };
}

/**
 * `validationSplit` of the (shuffled) files: the last `floor(split * n)` are for validation.
 * Port of keras/src/utils/dataset_utils.py get_training_or_validation_split.
 */
export function trainingOrValidationSplit<T>(
  samples: T[],
  labels: Int32Array | null,
  validationSplit: number | undefined,
  subset: 'training' | 'validation' | undefined,
  name: string,
): { samples: T[]; labels: Int32Array | null } {
  if (!validationSplit || subset === undefined) return { samples, labels };
  const numVal = Math.trunc(validationSplit * samples.length);
  if (numVal === 0) {
    // Keras slices `[:-0]` (nothing) for training and `[-0:]` (everything) for validation: refused instead.
    throw new DatasetError(
      'EMPTY',
      `validationSplit ${validationSplit} of ${samples.length} files is 0 files; expected a split that leaves ` +
        `at least one file for validation (${Math.ceil(1 / validationSplit)} files or more)`,
      { file: name },
    );
  }
  const cut = samples.length - numVal;
  return subset === 'training'
    ? { samples: samples.slice(0, cut), labels: labels === null ? null : labels.slice(0, cut) }
    : { samples: samples.slice(cut), labels: labels === null ? null : labels.slice(cut) };
}

/** Port of keras/src/utils/dataset_utils.py check_validation_split_arg. */
export function checkValidationSplitArg(
  validationSplit: number | undefined,
  subset: string | undefined,
  shuffle: boolean,
  seed: number | undefined,
): void {
  if (validationSplit && !(validationSplit > 0 && validationSplit < 1)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `validationSplit must be between 0 and 1; received ${validationSplit}`,
    );
  }
  if ((validationSplit || subset) && !(validationSplit && subset)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `subset and validationSplit go together; received validationSplit ${validationSplit}, subset ${JSON.stringify(subset)}`,
    );
  }
  if (subset !== undefined && !['training', 'validation', 'both'].includes(subset)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `subset must be 'training', 'validation' or 'both'; received ${JSON.stringify(subset)}`,
    );
  }
  if (validationSplit && shuffle && seed === undefined) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      'validationSplit with shuffle needs a seed, so that the training and validation subsets do not overlap',
    );
  }
}
