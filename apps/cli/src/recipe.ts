import { resolve } from 'node:path';
import { LESSON_DEFAULTS as D } from '@seqlab/lesson';
import { createModel, listModels, type ModelName, ModelsError } from '@seqlab/models';
import type { FlagSpecs, ParsedFlags } from './args.js';
import { usageError } from './errors.js';
import type { RunConfig } from './run.js';
import { closest, didYouMean } from './suggest.js';

/** The lesson's hyperparameters as flags, with the lesson's defaults (shared by `train` and `compare`). */
export const RECIPE_FLAGS = {
  'num-words': {
    type: 'number',
    integer: true,
    min: 1,
    default: D.numWords,
    description: 'vocabulary size (num_words)',
  },
  maxlen: {
    type: 'number',
    integer: true,
    min: 1,
    default: D.maxlen,
    description: 'pad/truncate reviews to this length',
  },
  'test-size': {
    type: 'number',
    min: 0,
    max: 1,
    default: D.testSize,
    description: 'validation fraction of train_test_split',
  },
  'random-state': {
    type: 'number',
    integer: true,
    min: 0,
    default: D.randomState,
    description: 'train_test_split random_state',
  },
  epochs: { type: 'number', integer: true, min: 1, default: D.epochs, description: 'maximum epochs' },
  'batch-size': { type: 'number', integer: true, min: 1, default: D.batchSize, description: 'batch size' },
  'learning-rate': { type: 'number', min: 0, default: D.learningRate, description: 'RMSprop learning rate' },
  patience: {
    type: 'number',
    integer: true,
    min: 0,
    default: D.patience,
    description: 'EarlyStopping patience on val_loss (0: stop at the first epoch that does not improve)',
  },
  'no-early-stopping': {
    type: 'boolean',
    description: 'train for every epoch (the best epoch is still restored)',
  },
  units: { type: 'number', integer: true, min: 1, default: D.units, description: 'recurrent units' },
  'embedding-dim': {
    type: 'number',
    integer: true,
    min: 1,
    default: D.embeddingDim,
    description: 'embedding size',
  },
  dropout: {
    type: 'number',
    min: 0,
    max: 0.99,
    default: D.dropout,
    description: 'input dropout of recurrent layers',
  },
  seed: {
    type: 'number',
    integer: true,
    min: 0,
    description: 'weight-initialisation and shuffling seed (random)',
  },
  limit: {
    type: 'number',
    integer: true,
    min: 2,
    description: 'use only the first N train (and test) reviews',
  },
  'data-dir': {
    type: 'string',
    description: 'folder with imdb.npz (default: SEQLAB_DATA_DIR, Keras cache)',
    valueName: 'dir',
  },
  data: {
    type: 'string',
    description: 'train on your own texts: a folder with a sub-folder per class, or a .csv/.tsv/.jsonl file',
    valueName: 'path',
  },
  'test-data': {
    type: 'string',
    description: 'a test set of your own texts, the same classes (evaluated with the best weights)',
    valueName: 'path',
  },
  unicode: {
    type: 'boolean',
    description:
      "with --data: Unicode-aware lower-casing, punctuation and whitespace (Korean); default Keras' ASCII rules",
  },
  'text-column': {
    type: 'string',
    default: 'text',
    description: 'the text column of --data',
    valueName: 'name',
  },
  'label-column': {
    type: 'string',
    default: 'label',
    description: 'the label column of --data',
    valueName: 'name',
  },
  out: {
    type: 'string',
    default: 'runs',
    description: 'folder that receives the run folders',
    valueName: 'dir',
  },
} as const satisfies FlagSpecs;

export function modelNames(list: string): string[] {
  const known = listModels().map((m) => m.name as string);
  const names =
    list === 'all'
      ? known
      : list
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (names.length === 0)
    throw usageError('--model needs at least one model name.', `valid models: ${known.join(', ')}`);
  for (const name of names)
    if (!known.includes(name))
      throw usageError(
        `unknown model '${name}'.`,
        `${didYouMean(name, known)}valid models: ${known.join(', ')} (or 'all').`,
      );
  return names;
}

/** `seqlab train gru` → `did you mean --model gru?` (for a zoo name, or a typo of one). */
export function modelFlagHint(flag: string): (value: string) => string | undefined {
  return (value) => {
    const known = listModels().map((m) => m.name as string);
    const name = known.includes(value) || value === 'all' ? value : closest(value, known);
    return name === undefined ? undefined : `did you mean ${flag} ${name}?`;
  };
}

/**
 * The run's recipe from the flags. Data paths are made absolute against `cwd`, so the run's config.json still
 * names them when `--resume` runs from another folder.
 */
export function resolveConfig(
  model: string,
  flags: ParsedFlags<typeof RECIPE_FLAGS>,
  cwd: string,
): RunConfig {
  if (flags.testSize <= 0 || flags.testSize >= 1)
    throw usageError(`--test-size must be between 0 and 1 (exclusive); got ${flags.testSize}.`);
  if (!(flags.learningRate > 0)) throw usageError(`--learning-rate must be > 0; got ${flags.learningRate}.`);
  if (flags.testData !== undefined && flags.data === undefined)
    throw usageError('--test-data goes with --data (your own texts).', 'IMDB brings its own test set.');
  if (flags.data !== undefined && flags.limit !== undefined)
    throw usageError('--limit applies to IMDB; with --data, pass a smaller file or folder.');
  return {
    model,
    numWords: flags.numWords,
    maxlen: flags.maxlen,
    testSize: flags.testSize,
    randomState: flags.randomState,
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.learningRate,
    patience: flags.patience,
    earlyStopping: flags.noEarlyStopping !== true,
    units: flags.units,
    embeddingDim: flags.embeddingDim,
    dropout: flags.dropout,
    seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
    limit: flags.limit ?? null,
    dataDir: flags.dataDir === undefined ? null : resolve(cwd, flags.dataDir),
    data: flags.data === undefined ? null : resolve(cwd, flags.data),
    testData: flags.testData === undefined ? null : resolve(cwd, flags.testData),
    textColumn: flags.textColumn,
    labelColumn: flags.labelColumn,
    unicode: flags.unicode === true,
  };
}

/**
 * Builds the model once before any run folder exists, so options that do not fit together (`--maxlen 4` for
 * conv1d's kernel of 5, `--num-words 2`, `--units 1e8`) are a usage error (exit 2), not a crash mid-run.
 */
export function checkModelOptions(config: RunConfig): void {
  try {
    createModel(config.model as ModelName, {
      numWords: config.numWords,
      maxlen: config.maxlen,
      units: config.units,
      embeddingDim: config.embeddingDim,
      dropout: config.dropout,
      seed: config.seed,
    }).dispose();
  } catch (error) {
    if (error instanceof ModelsError && error.code === 'INVALID_OPTION') throw usageError(error.message);
    throw error;
  }
}
