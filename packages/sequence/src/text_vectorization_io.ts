// Saving and loading TextVectorization as Keras does: from_config (text_vectorization.py) plus the vocabulary
// asset of IndexLookup.save_assets / load_assets (index_lookup.py).
import { describe } from './_describe.js';
import { readKerasVocabularyAsset } from './_text_ops.js';
import { SequenceError } from './errors.js';
import {
  type SplitOption,
  type StandardizeOption,
  TextVectorization,
  type TextVectorizationConfig,
  type TextVectorizationOutputMode,
} from './text_vectorization.js';

const FORMAT = 'seqlab.TextVectorization';

/** The single-file save of {@link textVectorizationToJSON}: Keras' layer config plus the vocabulary and IDF weights. */
export interface TextVectorizationJSON {
  format: typeof FORMAT;
  version: 1;
  /** As in a `.keras` archive's `config.json`. */
  keras: {
    module: 'keras.layers';
    class_name: 'TextVectorization';
    config: TextVectorizationConfig;
    registered_name: null;
  };
  /** The full vocabulary, special tokens first (as `getVocabulary()`); a JSON array keeps any token intact. */
  vocabulary: string[];
  /** The IDF weights (Keras keeps them as the layer's `idf_weights` variable); `null` unless `'tf_idf'`. */
  idf_weights: number[] | null;
}

/** The Keras vocabulary asset `vocabulary.txt` read as `load_assets` reads it (`splitlines()`, trailing blanks dropped). */
export function readVocabularyAsset(text: string): string[] {
  if (typeof text !== 'string') {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `the vocabulary file must be a string; received ${describe(text)}.`,
    );
  }
  return readKerasVocabularyAsset(text);
}

const KNOWN_KEYS = new Set([
  'name',
  'trainable',
  'dtype',
  'max_tokens',
  'standardize',
  'split',
  'ngrams',
  'output_mode',
  'output_sequence_length',
  'pad_to_max_tokens',
  'sparse',
  'ragged',
  'vocabulary',
  'idf_weights',
  'encoding',
  'vocabulary_size',
  'unicode',
]);

function bad(message: string): SequenceError {
  return new SequenceError('INVALID_JSON', message);
}

/**
 * Keras' `TextVectorization.from_config(config)` followed by `load_assets`: `config` is the layer config of a
 * `.keras` archive (or {@link TextVectorization.getConfig}; the layer entry `{ class_name, config, … }` is accepted
 * too); `vocabularyFile` the text of its `vocabulary.txt`
 * asset (needed when the vocabulary was adapted, not given); `idfWeights` the `idf_weights` variable for `'tf_idf'`.
 */
export function textVectorizationFromConfig(
  config: Partial<TextVectorizationConfig> & Record<string, unknown>,
  assets: { vocabularyFile?: string | null; idfWeights?: ArrayLike<number> | null } = {},
): TextVectorization<TextVectorizationOutputMode> {
  if (config == null || typeof config !== 'object' || Array.isArray(config)) {
    throw bad(`TextVectorization config must be an object; received ${describe(config)}.`);
  }
  // The layer entry of a .keras config.json: { module, class_name, config, registered_name, build_config? }.
  if ('class_name' in config && 'config' in config) {
    if (config.class_name !== 'TextVectorization') {
      throw bad(
        `expected a TextVectorization layer config; received class_name ${describe(config.class_name)}.`,
      );
    }
    return textVectorizationFromConfig(
      config.config as TextVectorizationConfig & Record<string, unknown>,
      assets,
    );
  }
  for (const key of Object.keys(config)) {
    if (!KNOWN_KEYS.has(key)) {
      throw bad(
        `TextVectorization config has an unknown key ${JSON.stringify(key)}: expected only ${[...KNOWN_KEYS].join(', ')}.`,
      );
    }
  }
  for (const key of ['standardize', 'split'] as const) {
    const v = config[key];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new SequenceError(
        'NOT_SERIALIZABLE',
        `TextVectorization config: ${key} is a serialized function (${describe(v)}); only the built-in names and null can be loaded here.`,
      );
    }
  }
  if (config.sparse === true || config.ragged === true) {
    throw bad('TextVectorization config: sparse and ragged outputs are not supported; expected both false.');
  }
  if (config.encoding !== undefined && String(config.encoding).toLowerCase().replace('-', '') !== 'utf8') {
    throw bad(`TextVectorization config: encoding must be 'utf-8'; received ${describe(config.encoding)}.`);
  }
  const outputMode = (config.output_mode ?? 'int') as TextVectorizationOutputMode;
  const layer = new TextVectorization<TextVectorizationOutputMode>({
    name: config.name ?? 'text_vectorization',
    maxTokens: config.max_tokens ?? null,
    standardize: (config.standardize === undefined
      ? 'lower_and_strip_punctuation'
      : config.standardize) as StandardizeOption,
    split: (config.split === undefined ? 'whitespace' : config.split) as SplitOption,
    ngrams: config.ngrams ?? null,
    outputMode,
    outputSequenceLength: config.output_sequence_length ?? null,
    padToMaxTokens: config.pad_to_max_tokens ?? false,
    vocabulary: config.vocabulary ?? null,
    idfWeights: config.idf_weights ?? null,
    unicode: config.unicode ?? false,
    vocabularySize: config.vocabulary_size ?? null,
  });
  // load_assets: only when the vocabulary is not in the config.
  if ((config.vocabulary ?? null) === null && assets.vocabularyFile != null) {
    const values = readVocabularyAsset(assets.vocabularyFile);
    if (layer.outputMode === 'tf_idf') {
      // Keras saves the idf variable padded to max_tokens and then fails its own length check on load; the
      // padding is zeros that set_vocabulary adds back, so drop it.
      let idf = assets.idfWeights ?? null;
      if (
        idf !== null &&
        layer.padToMaxTokens &&
        idf.length === layer.maxTokens &&
        idf.length > values.length
      ) {
        idf = Array.from(idf).slice(0, values.length);
      }
      layer.setVocabulary(values, idf);
    } else layer.setVocabulary(values);
  }
  return layer;
}

/** Everything needed to rebuild `layer` in one JSON string (Keras config, full vocabulary, IDF weights). */
export function textVectorizationToJSON(layer: TextVectorization<TextVectorizationOutputMode>): string {
  const idf = layer.getIdfWeights();
  const out: TextVectorizationJSON = {
    format: FORMAT,
    version: 1,
    keras: {
      module: 'keras.layers',
      class_name: 'TextVectorization',
      config: layer.getConfig(),
      registered_name: null,
    },
    vocabulary: layer.getVocabulary(true),
    idf_weights: idf === null ? null : Array.from(idf),
  };
  return JSON.stringify(out);
}

/** Rebuilds a layer saved by {@link textVectorizationToJSON}: same vocabulary, weights and outputs. */
export function textVectorizationFromJSON(json: string): TextVectorization<TextVectorizationOutputMode> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new SequenceError(
      'INVALID_JSON',
      `TextVectorization JSON does not parse: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const p = parsed as Partial<TextVectorizationJSON> | null;
  if (p == null || typeof p !== 'object' || p.format !== FORMAT || p.version !== 1) {
    throw bad(`expected a ${FORMAT} version 1 JSON object; received ${describe(p?.format ?? p)}.`);
  }
  if (p.keras?.class_name !== 'TextVectorization' || p.keras.config == null) {
    throw bad('TextVectorization JSON: keras.class_name must be "TextVectorization" with a config.');
  }
  const vocabulary = p.vocabulary;
  if (!Array.isArray(vocabulary) || !vocabulary.every((t) => typeof t === 'string')) {
    throw bad('TextVectorization JSON: vocabulary must be an array of strings.');
  }
  const idf = p.idf_weights ?? null;
  if (idf !== null && (!Array.isArray(idf) || !idf.every((w) => typeof w === 'number' || w === null))) {
    throw bad('TextVectorization JSON: idf_weights must be null or an array of numbers.');
  }
  // The config's own vocabulary (if any) is checked by the constructor; the saved state then wins.
  const layer = textVectorizationFromConfig(
    p.keras.config as TextVectorizationConfig & Record<string, unknown>,
  );
  // JSON has no NaN: an empty adapted tf_idf vocabulary's mean weight is saved as null.
  layer._restore(vocabulary, idf === null ? null : idf.map((w) => (w === null ? Number.NaN : w)));
  return layer;
}
