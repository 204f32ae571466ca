import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import type { Initializer } from '../layers/_util.js';
import { KerasEmbedding } from '../layers/embedding.js';
import { kerasDense } from '../layers/keras_dense.js';

/** Options every zoo model takes; the defaults are the Keras IMDB lesson's. */
export interface BaseModelOptions {
  /**
   * Vocabulary size (Keras `imdb.load_data(num_words=…)`): ids are in `[0, numWords)`.
   * @default 500
   */
  numWords?: number;
  /**
   * Sequence length (`pad_sequences(maxlen=…)`).
   * @default 100
   */
  maxlen?: number;
  /**
   * Recurrent units.
   * @default 8
   */
  units?: number;
  /**
   * Embedding size.
   * @default 16
   */
  embeddingDim?: number;
  /**
   * Input dropout of the recurrent layers.
   * @default 0.3
   */
  dropout?: number;
  /**
   * Seed of the weight initialisers (and of the dropout masks): the same seed builds the same weights.
   * Random when unset.
   */
  seed?: number;
  /**
   * Number of classes. 2 gives the binary head, Keras `Dense(1, activation='sigmoid')` (the positive-class
   * probability `[batch, 1]`); more gives Keras `Dense(numClasses, activation='softmax')` (one probability per
   * class, `[batch, numClasses]`), trained by `trainLesson` with sparse categorical cross-entropy on labels
   * `0 … numClasses - 1`.
   * @default 2
   */
  numClasses?: number;
}

/** Options of the recurrent zoo models: {@link BaseModelOptions} and Keras' `mask_zero`. */
export interface RecurrentModelOptions extends BaseModelOptions {
  /**
   * Keras `Embedding(mask_zero=True)`: id 0 is padding, and the recurrent layers skip padded steps — a masked step
   * keeps the previous output and state (Keras' masking), in the fused kernels and the per-step loop alike — so a
   * post-padded sequence gives the output of the unpadded one. For `simple-rnn-onehot` the `OneHot` layer masks
   * id 0 the same way.
   * @default false
   */
  maskZero?: boolean;
}

/** `options.maskZero`, checked to be a boolean. */
export function resolveMaskZero(model: string, options: RecurrentModelOptions): boolean {
  const maskZero = options.maskZero ?? false;
  if (typeof maskZero !== 'boolean') {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): maskZero must be a boolean, got ${String(maskZero)}.`,
    );
  }
  return maskZero;
}

/** {@link BaseModelOptions} with defaults applied. */
export interface ResolvedBase {
  numWords: number;
  maxlen: number;
  units: number;
  embeddingDim: number;
  dropout: number;
  seed: number | undefined;
  numClasses: number;
}

/** Upper bounds of the size options: far above any lesson model, below what tfjs or the wasm heap can hold. */
export const LIMITS: Readonly<Record<string, number>> = {
  numWords: 10_000_000,
  maxlen: 100_000,
  units: 4096,
  embeddingDim: 4096,
  filters: 4096,
  skipChannels: 4096,
  kernelSize: 4096,
  'dilations[]': 100_000,
  numClasses: 100_000,
};

/** Embedding table elements (numWords × embeddingDim) at most: a 1 GiB float32 table. */
export const MAX_TABLE_ELEMENTS: number = 2 ** 28;

export function positiveInt(value: unknown, field: string, model: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): ${field} must be a positive integer, got ${String(value)}.`,
    );
  }
  const limit = LIMITS[field];
  if (limit !== undefined && value > limit) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): ${field} must be at most ${limit}, got ${value}.`,
    );
  }
  return value;
}

export function resolveBase(model: string, options: BaseModelOptions): ResolvedBase {
  const dropout = options.dropout ?? 0.3;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): dropout must be a number in [0, 1), got ${String(dropout)}.`,
    );
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): seed must be an integer, got ${String(options.seed)}.`,
    );
  }
  const numWords = positiveInt(options.numWords ?? 500, 'numWords', model);
  if (numWords < 3) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): numWords must be at least 3 (IMDB ids 0, 1 and 2 stand for padding, start and ` +
        `out-of-vocabulary words), got ${numWords}.`,
    );
  }
  const embeddingDim = positiveInt(options.embeddingDim ?? 16, 'embeddingDim', model);
  if (numWords * embeddingDim > MAX_TABLE_ELEMENTS) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): numWords × embeddingDim must be at most ${MAX_TABLE_ELEMENTS} (a 1 GiB ` +
        `embedding table), got ${numWords} × ${embeddingDim} = ${numWords * embeddingDim}.`,
    );
  }
  const numClasses = positiveInt(options.numClasses ?? 2, 'numClasses', model);
  if (numClasses < 2) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('${model}'): numClasses must be at least 2 (2 is the binary sigmoid head), got ${numClasses}.`,
    );
  }
  return {
    numWords,
    maxlen: positiveInt(options.maxlen ?? 100, 'maxlen', model),
    units: positiveInt(options.units ?? 8, 'units', model),
    embeddingDim,
    dropout,
    seed: options.seed,
    numClasses,
  };
}

/**
 * Seeded Keras-default initialisers: each call takes the next seed (`seed`, `seed + 1`, …) so every weight of a
 * model has its own stream, and the same `seed` rebuilds the same model.
 */
export class Inits {
  private next: number | undefined;
  constructor(seed: number | undefined) {
    this.next = seed;
  }

  seed(): number | undefined {
    if (this.next === undefined) return undefined;
    return this.next++;
  }

  glorotUniform(): Initializer {
    return tfl.initializers.glorotUniform({ seed: this.seed() });
  }

  orthogonal(): Initializer {
    return tfl.initializers.orthogonal({ seed: this.seed() });
  }

  /** Keras `Embedding`'s default `'uniform'`: `RandomUniform(-0.05, 0.05)`. */
  embedding(): Initializer {
    return tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: this.seed() });
  }
}

/** The lesson's model input: padded int ids `[batch, maxlen]`. */
export function idsInput(maxlen: number): tfl.SymbolicTensor {
  return tfl.input({ shape: [maxlen], dtype: 'int32', name: 'ids' });
}

/** Keras `Embedding(numWords, embeddingDim, mask_zero=maskZero)` (saved as tfjs' `Embedding`; fused recurrent layers read its ids). */
export function embedding(base: ResolvedBase, inits: Inits, maskZero = false): tfl.layers.Layer {
  return new KerasEmbedding({
    inputDim: base.numWords,
    outputDim: base.embeddingDim,
    maskZero,
    embeddingsInitializer: inits.embedding(),
    name: 'embedding',
  });
}

/**
 * The classifier head: Keras `Dense(1, activation='sigmoid')` for 2 classes, `Dense(numClasses,
 * activation='softmax')` for more. Built last, so the binary head takes the same seed as before `numClasses`.
 */
export function classifierHead(base: ResolvedBase, inits: Inits): tfl.layers.Layer {
  const binary = base.numClasses === 2;
  return kerasDense({
    units: binary ? 1 : base.numClasses,
    activation: binary ? 'sigmoid' : 'softmax',
    kernelInitializer: inits.glorotUniform(),
    biasInitializer: 'zeros',
    name: 'output',
  });
}

export function apply(layer: tfl.layers.Layer, x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer.apply(x) as tfl.SymbolicTensor;
}
