// Port of keras/src/layers/preprocessing/text_vectorization.py TextVectorization, with the parts of
// string_lookup.py / index_lookup.py it uses (Keras 3), and the TensorFlow string ops those call.
import { describe } from './_describe.js';
import {
  asciiLower,
  asciiWhitespaceSplit,
  codePointSplit,
  compareCodePoints,
  ngrams as makeNgrams,
  readTfVocabularyFile,
  stripAsciiPunctuation,
  stripUnicodePunctuation,
  unicodeLower,
  unicodeWhitespaceSplit,
} from './_text_ops.js';
import { SequenceError } from './errors.js';
import type { SequenceMatrix } from './matrix.js';

/** What {@link TextVectorization.call} returns per text: token indices, or one vector over the vocabulary. */
export type TextVectorizationOutputMode = 'int' | 'multi_hot' | 'count' | 'tf_idf';

/** A built-in standardization, `null` for none, or a function of one text. */
export type StandardizeOption =
  | 'lower_and_strip_punctuation'
  | 'lower'
  | 'strip_punctuation'
  | null
  | ((text: string) => string);

/** A built-in split, `null` for none (the whole text is one token), or a function of one standardized text. */
export type SplitOption = 'whitespace' | 'character' | null | ((text: string) => readonly string[]);

/** One document, or a batch of documents; {@link TextVectorization.adapt} takes an iterable of these. */
export type TextBatch = string | readonly string[];

/** The result of {@link TextVectorization.call} for an output mode. */
export type TextVectorizationOutput<M extends TextVectorizationOutputMode> = M extends 'int'
  ? SequenceMatrix<Int32Array>
  : SequenceMatrix<Float32Array>;

/** Options of {@link TextVectorization}, named as Keras' `TextVectorization` arguments. */
export interface TextVectorizationArgs<M extends TextVectorizationOutputMode = TextVectorizationOutputMode> {
  /**
   * Maximum vocabulary size, including the OOV token `[UNK]` (and, in `'int'` mode, the padding token `''`).
   * `adapt` keeps the `maxTokens - 2` (`'int'`) or `maxTokens - 1` most frequent tokens. Must be > 1.
   * @default null
   */
  maxTokens?: number | null;
  /**
   * `'lower_and_strip_punctuation'`, `'lower'`, `'strip_punctuation'`, `null` (none) or a function. As in Keras,
   * lowercasing is ASCII-only (`É` and `ß` stay) and only the 32 ASCII punctuation characters are stripped,
   * unless {@link TextVectorizationArgs.unicode} is set.
   * @default 'lower_and_strip_punctuation'
   */
  standardize?: StandardizeOption;
  /**
   * `'whitespace'` (runs of ASCII space, tab, newline, vertical tab, form feed, carriage return; not NBSP or
   * U+3000 unless `unicode`), `'character'` (Unicode code points), `null` (the text is one token) or a function.
   * @default 'whitespace'
   */
  split?: SplitOption;
  /**
   * `n` for all n-grams 1…n, or a list of widths (e.g. `[1, 3]`); tokens joined by one space.
   * @default null
   */
  ngrams?: number | readonly number[] | null;
  /**
   * `'int'`: one index per token; `'multi_hot'`, `'count'`, `'tf_idf'`: one vector over the vocabulary per text
   * (index 0 is `[UNK]`). Keras' old names `'binary'` and `'tf-idf'` are accepted.
   * @default 'int'
   */
  outputMode?: M;
  /**
   * `'int'` only: pad with 0 or truncate, both at the end, to this length. Defaults to the longest text of each call.
   * @default null
   */
  outputSequenceLength?: number | null;
  /**
   * Not `'int'`: make every vector `maxTokens` long even when the vocabulary is smaller.
   * @default false
   */
  padToMaxTokens?: boolean;
  /**
   * A fixed vocabulary (no `adapt`), with or without the leading special tokens (`''`, `'[UNK]'` in `'int'` mode;
   * `'[UNK]'` otherwise).
   * @default null
   */
  vocabulary?: readonly string[] | null;
  /**
   * The text of a vocabulary file, one token per line, read as Keras' `TextVectorization(vocabulary='vocab.txt')`
   * reads it (TensorFlow's `TextFileInitializer`: every line is a token, indices start after the special tokens).
   * @default null
   */
  vocabularyFile?: string | null;
  /**
   * `'tf_idf'` only, required with `vocabulary`: one IDF weight per vocabulary entry.
   * @default null
   */
  idfWeights?: ArrayLike<number> | null;
  /**
   * Not in Keras. `true` makes the built-in `standardize` and `split` Unicode-aware: NFC normalization, full
   * Unicode lowercasing, stripping of every Unicode punctuation character (General Category P) plus Keras' ASCII
   * symbols, and splitting on every Unicode `White_Space` character (NBSP, U+3000 ideographic space, …).
   * For Korean, Greek, Cyrillic, accented Latin and full-width punctuation. A layer with `unicode: true` saves
   * `"unicode": true` in its config, which Keras cannot load.
   * @default false
   */
  unicode?: boolean;
  /**
   * Layer name written to the config.
   * @default 'text_vectorization'
   */
  name?: string;
  /**
   * Keras' hidden `vocabulary_size` config entry: the size the layer was saved with. Set by the loaders; with
   * `'multi_hot'`/`'count'`/`'tf_idf'` a loaded vocabulary of another size is an error.
   * @default null
   */
  vocabularySize?: number | null;
}

const STANDARDIZE = ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'] as const;
const SPLIT = ['whitespace', 'character'] as const;
const OUTPUT_MODES: readonly TextVectorizationOutputMode[] = ['int', 'multi_hot', 'count', 'tf_idf'];
const MASK_TOKEN = '';
const OOV_TOKEN = '[UNK]';

function invalid(message: string): SequenceError {
  return new SequenceError('INVALID_ARGUMENT', message);
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

function checkStringOption<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T | null | ((x: never) => unknown) {
  if (value === null || typeof value === 'function' || allowed.includes(value as T)) {
    return value as T | null | ((x: never) => unknown);
  }
  throw invalid(
    `${name} must be one of ${quoteList(allowed)}, null or a function; received ${describe(value)}.`,
  );
}

function checkTexts(texts: unknown, what: string): readonly string[] {
  if (!Array.isArray(texts)) {
    throw invalid(`${what}: texts must be an array of strings; received ${describe(texts)}.`);
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') {
      throw invalid(`${what}: texts must be an array of strings; element ${i} is ${describe(texts[i])}.`);
    }
  }
  return texts as readonly string[];
}

/**
 * Keras' `TextVectorization` layer without TensorFlow: standardizes, splits and n-grams texts, learns a
 * vocabulary (`adapt`, streaming) and maps texts to token indices or to multi-hot / count / TF-IDF vectors.
 * For the same texts and options it gives the same vocabulary, in the same order, and the same numbers as Keras 3
 * (padding `''` at 0, `[UNK]` at 1, then by descending count, ties by descending UTF-8 byte order of the token).
 * Outputs are dense typed arrays; `tf.tensor2d(out.data, out.shape, 'int32')` wraps them without a copy.
 *
 * Differences from Keras: one text is one row (Keras' `[[text]]` shape, also with `split: null`); custom
 * `standardize`/`split` functions take and return plain strings; `'int'` output is `Int32Array` (Keras int64);
 * the OOV weight of an adapted `'tf_idf'` layer (the mean IDF) is summed in float64 (Keras: float32
 * `reduce_mean`, which may differ in the last bit); `'one_hot'`, `sparse` and `ragged` are not offered.
 *
 * @example
 * ```ts
 * const vec = textVectorization({ maxTokens: 5000, outputSequenceLength: 4 });
 * vec.adapt(['foo bar', 'bar baz', 'baz bada boom']);
 * vec.call(['foo qux bar', 'qux baz']); // { data: Int32Array [4, 1, 3, 0, 1, 2, 0, 0], shape: [2, 4] }
 * ```
 */
export class TextVectorization<M extends TextVectorizationOutputMode = 'int'> {
  /** The layer name written to the config. */
  readonly name: string;
  /** See {@link TextVectorizationArgs.maxTokens}. */
  readonly maxTokens: number | null;
  /** See {@link TextVectorizationArgs.standardize}. */
  readonly standardize: StandardizeOption;
  /** See {@link TextVectorizationArgs.split}. */
  readonly split: SplitOption;
  /** The `ngrams` argument as given. */
  readonly ngrams: number | readonly number[] | null;
  /** See {@link TextVectorizationArgs.outputMode} (Keras' old names are stored as the new ones). */
  readonly outputMode: M;
  /** See {@link TextVectorizationArgs.outputSequenceLength}. */
  readonly outputSequenceLength: number | null;
  /** See {@link TextVectorizationArgs.padToMaxTokens}. */
  readonly padToMaxTokens: boolean;
  /** See {@link TextVectorizationArgs.unicode}. */
  readonly unicode: boolean;

  private readonly ngramWidths: readonly number[] | null;
  private readonly tokenStart: number;
  private readonly oovIndex: number;
  private readonly hasInputVocabulary: boolean;
  private readonly inputVocabulary: readonly string[] | null;
  private readonly inputIdfWeights: readonly number[] | null;
  private tokens: string[] = [];
  private index = new Map<string, number>();
  private idf: Float32Array | null = null;
  private frozenVocabSize: number | null;
  // adapt state
  private counts = new Map<string, number>();
  private docCounts = new Map<string, number>();
  private numDocuments = 0;

  constructor(args: TextVectorizationArgs<M> = {}) {
    if (args == null || typeof args !== 'object') {
      throw invalid(`TextVectorization options must be an object; received ${describe(args)}.`);
    }
    const {
      maxTokens = null,
      standardize = 'lower_and_strip_punctuation',
      split = 'whitespace',
      ngrams = null,
      outputSequenceLength = null,
      padToMaxTokens = false,
      vocabulary = null,
      vocabularyFile = null,
      idfWeights = null,
      unicode = false,
      name = 'text_vectorization',
    } = args;
    let outputMode = (args.outputMode ?? 'int') as string;
    this.standardize = checkStringOption('standardize', standardize, STANDARDIZE) as StandardizeOption;
    this.split = checkStringOption('split', split, SPLIT) as SplitOption;
    // Keras' deprecated names.
    if (outputMode === 'binary') outputMode = 'multi_hot';
    if (outputMode === 'tf-idf') outputMode = 'tf_idf';
    if (!OUTPUT_MODES.includes(outputMode as TextVectorizationOutputMode)) {
      throw invalid(
        `outputMode must be one of ${quoteList(OUTPUT_MODES)}; received ${describe(args.outputMode)}.`,
      );
    }
    this.outputMode = outputMode as M;

    if (ngrams === null) {
      this.ngramWidths = null;
    } else if (Number.isInteger(ngrams) && (ngrams as number) >= 1) {
      this.ngramWidths = Array.from({ length: ngrams as number }, (_, i) => i + 1);
    } else if (
      Array.isArray(ngrams) &&
      ngrams.length > 0 &&
      ngrams.every((w) => Number.isInteger(w) && w >= 1)
    ) {
      this.ngramWidths = ngrams.slice();
    } else {
      throw invalid(
        `ngrams must be null, a positive integer, or a non-empty list of positive integers; received ${describe(ngrams)}.`,
      );
    }
    this.ngrams = Array.isArray(ngrams) ? ngrams.slice() : ngrams;

    if (outputSequenceLength !== null) {
      if (outputMode !== 'int') {
        throw invalid(
          `outputSequenceLength must not be set if outputMode is not 'int'; received outputSequenceLength=${describe(outputSequenceLength)} with outputMode '${outputMode}'.`,
        );
      }
      if (!Number.isInteger(outputSequenceLength) || outputSequenceLength < 0) {
        throw invalid(
          `outputSequenceLength must be null or a non-negative integer; received ${describe(outputSequenceLength)}.`,
        );
      }
    }
    if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens <= 1)) {
      throw invalid(`maxTokens must be null or an integer greater than 1; received ${describe(maxTokens)}.`);
    }
    if (typeof padToMaxTokens !== 'boolean') {
      throw invalid(`padToMaxTokens must be a boolean; received ${describe(padToMaxTokens)}.`);
    }
    if (padToMaxTokens && maxTokens === null) {
      throw invalid(
        'padToMaxTokens is true but maxTokens is not set: expected maxTokens to pad to; received null.',
      );
    }
    if (idfWeights !== null && outputMode !== 'tf_idf') {
      throw invalid(
        `idfWeights should only be set if outputMode is 'tf_idf'; received idfWeights with outputMode '${outputMode}'.`,
      );
    }
    if (typeof unicode !== 'boolean') {
      throw invalid(`unicode must be a boolean; received ${describe(unicode)}.`);
    }
    if (vocabulary !== null && vocabularyFile !== null) {
      throw invalid('vocabulary and vocabularyFile are both set: expected at most one of them.');
    }
    this.maxTokens = maxTokens;
    this.outputSequenceLength = outputSequenceLength;
    this.padToMaxTokens = padToMaxTokens;
    this.unicode = unicode;
    this.name = name;
    this.oovIndex = outputMode === 'int' ? 1 : 0;
    this.tokenStart = this.oovIndex + 1;
    const vocabularySize = args.vocabularySize ?? null;
    if (vocabularySize !== null && (!Number.isInteger(vocabularySize) || vocabularySize < 1)) {
      throw invalid(
        `vocabularySize must be null or a positive integer; received ${describe(vocabularySize)}.`,
      );
    }
    this.frozenVocabSize = vocabularySize;
    this.hasInputVocabulary = vocabulary !== null || vocabularyFile !== null;
    this.inputVocabulary = vocabulary === null ? null : checkTexts(vocabulary, 'vocabulary').slice();
    this.inputIdfWeights = idfWeights === null ? null : Array.from(idfWeights);

    if (outputMode === 'tf_idf' && this.hasInputVocabulary && idfWeights === null) {
      throw invalid(
        "When specifying the vocabulary in outputMode 'tf_idf', idfWeights must also be provided; received none.",
      );
    }
    if (vocabulary !== null) this.setVocabulary(vocabulary, idfWeights);
    if (vocabularyFile !== null) this.setVocabularyFile(vocabularyFile);
  }

  /** The tokens of one text after standardize, split and ngrams: what gets counted and looked up. */
  tokenize(text: string): string[] {
    if (typeof text !== 'string')
      throw invalid(`tokenize: text must be a string; received ${describe(text)}.`);
    let s = text;
    const std = this.standardize;
    if (typeof std === 'function') {
      s = std(s);
      if (typeof s !== 'string') {
        throw invalid(`the standardize function must return a string; it returned ${describe(s)}.`);
      }
    } else {
      if (std === 'lower' || std === 'lower_and_strip_punctuation') {
        s = this.unicode ? unicodeLower(s) : asciiLower(s);
      }
      if (std === 'strip_punctuation' || std === 'lower_and_strip_punctuation') {
        s = this.unicode ? stripUnicodePunctuation(s) : stripAsciiPunctuation(s);
      }
    }
    let tokens: string[];
    const split = this.split;
    if (split === 'whitespace') tokens = this.unicode ? unicodeWhitespaceSplit(s) : asciiWhitespaceSplit(s);
    else if (split === 'character') tokens = codePointSplit(s);
    else if (split === null) tokens = [s];
    else {
      const out = split(s);
      if (!Array.isArray(out) || !out.every((t) => typeof t === 'string')) {
        throw invalid(`the split function must return an array of strings; it returned ${describe(out)}.`);
      }
      tokens = out.slice();
    }
    return this.ngramWidths === null ? tokens : makeNgrams(tokens, this.ngramWidths);
  }

  /** Forgets what `updateState` has counted (not the vocabulary). */
  resetState(): void {
    this.counts = new Map();
    this.docCounts = new Map();
    this.numDocuments = 0;
  }

  /** Counts the tokens of one document or a batch of documents; `finalizeState` turns the counts into the vocabulary. */
  updateState(batch: TextBatch): void {
    if (this.hasInputVocabulary) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `Cannot adapt layer '${this.name}' after setting a static vocabulary via the vocabulary (or vocabularyFile) argument.`,
      );
    }
    const texts = typeof batch === 'string' ? [batch] : checkTexts(batch, 'adapt');
    const tfIdf = this.outputMode === 'tf_idf';
    for (const text of texts) {
      const tokens = this.tokenize(text);
      const counts = this.counts;
      for (const t of tokens) {
        const c = counts.get(t);
        counts.set(t, c === undefined ? 1 : c + 1);
      }
      if (tfIdf) {
        const docCounts = this.docCounts;
        for (const t of new Set(tokens)) {
          const c = docCounts.get(t);
          docCounts.set(t, c === undefined ? 1 : c + 1);
        }
        this.numDocuments++;
      }
    }
  }

  /** Builds the vocabulary (and IDF weights) from the counts, as Keras' `finalize_state`. */
  finalizeState(): void {
    if (this.hasInputVocabulary || this.counts.size === 0) {
      this.recordVocabularySize();
      return;
    }
    this.counts.delete(MASK_TOKEN);
    this.counts.delete(OOV_TOKEN);
    // np.lexsort((tokens, counts))[::-1]: by count, ties by token bytes, both descending.
    const entries = Array.from(this.counts);
    entries.sort((a, b) => b[1] - a[1] || compareCodePoints(b[0], a[0]));
    const kept = this.maxTokens ? entries.slice(0, this.maxTokens - this.tokenStart) : entries;
    this.checkVocabularySize(this.tokenStart + kept.length);
    this.setTokens(kept.map((e) => e[0]));
    if (this.outputMode === 'tf_idf') {
      const n = this.numDocuments;
      const weights = this.tokens.map((t) =>
        Math.fround(Math.log(1 + n / (1 + (this.docCounts.get(t) ?? 0)))),
      );
      let sum = 0;
      for (const w of weights) sum += w;
      const mean = Math.fround(sum / weights.length);
      const size =
        this.padToMaxTokens && this.maxTokens !== null ? this.maxTokens : this.tokenStart + weights.length;
      const idf = new Float32Array(size);
      idf.fill(mean, 0, this.tokenStart);
      idf.set(weights, this.tokenStart);
      this.idf = idf;
    }
    this.resetState();
    this.recordVocabularySize();
  }

  /**
   * Learns the vocabulary from documents: an iterable of strings (each one document) or of batches of strings
   * (arrays), consumed once, so a generator over a large file works in bounded memory (only the counts are kept).
   * Replaces any previously adapted vocabulary. `steps` stops after that many items.
   */
  adapt(data: Iterable<TextBatch>, options: { steps?: number | null } = {}): void {
    const steps = checkSteps(options.steps);
    if (
      data == null ||
      typeof (data as Iterable<TextBatch>)[Symbol.iterator] !== 'function' ||
      typeof data === 'string'
    ) {
      throw invalid(
        `adapt: data must be an array or iterable of strings (or of string arrays); received ${describe(data)}.`,
      );
    }
    this.resetState();
    try {
      let i = 0;
      for (const batch of data) {
        if (steps !== null && i++ >= steps) break;
        this.updateState(batch);
      }
      this.finalizeState();
    } finally {
      this.resetState();
    }
  }

  /** {@link TextVectorization.adapt} over an async iterable (a stream of lines, a dataset reader) or a sync one. */
  async adaptAsync(
    data: AsyncIterable<TextBatch> | Iterable<TextBatch>,
    options: { steps?: number | null; signal?: AbortSignal } = {},
  ): Promise<void> {
    const steps = checkSteps(options.steps);
    const isAsync =
      data != null && typeof (data as AsyncIterable<TextBatch>)[Symbol.asyncIterator] === 'function';
    const isSync =
      data != null &&
      typeof data !== 'string' &&
      typeof (data as Iterable<TextBatch>)[Symbol.iterator] === 'function';
    if (!isAsync && !isSync) {
      throw invalid(
        `adaptAsync: data must be an async or sync iterable of strings (or of string arrays); received ${describe(data)}.`,
      );
    }
    this.resetState();
    try {
      let i = 0;
      for await (const batch of data) {
        options.signal?.throwIfAborted();
        if (steps !== null && i++ >= steps) break;
        this.updateState(batch);
      }
      this.finalizeState();
    } finally {
      this.resetState();
    }
  }

  /**
   * Sets the vocabulary (and IDF weights in `'tf_idf'` mode) directly, as Keras' `set_vocabulary`: the leading
   * special tokens are optional; repeated tokens, a misplaced `''` or a vocabulary larger than `maxTokens` are errors.
   */
  setVocabulary(vocabulary: readonly string[], idfWeights: ArrayLike<number> | null = null): void {
    if (this.outputMode === 'tf_idf') {
      if (idfWeights === null)
        throw invalid("idfWeights must be set if outputMode is 'tf_idf'; received none.");
    } else if (idfWeights !== null) {
      throw invalid(
        `idfWeights should only be set if outputMode is 'tf_idf'; received idfWeights with outputMode '${this.outputMode}'.`,
      );
    }
    const vocab = checkTexts(vocabulary, 'vocabulary');
    if (vocab.length === 0) {
      throw new SequenceError(
        'INVALID_VOCABULARY',
        'Cannot set an empty vocabulary: expected at least one token; received [].',
      );
    }
    const special = this.specialTokens();
    const foundSpecial = vocab.length >= special.length && special.every((t, i) => vocab[i] === t);
    const tokens = foundSpecial ? vocab.slice(special.length) : vocab.slice();
    const seen = new Map<string, number>();
    for (const t of tokens) seen.set(t, (seen.get(t) ?? 0) + 1);
    if (seen.size !== tokens.length) {
      const repeated = Array.from(seen)
        .filter(([, c]) => c > 1)
        .map(([t]) => JSON.stringify(t));
      throw new SequenceError(
        'INVALID_VOCABULARY',
        `The passed vocabulary has at least one repeated term: expected unique terms; the repeated terms are [${repeated.join(', ')}].`,
      );
    }
    if (seen.has(MASK_TOKEN)) {
      throw new SequenceError(
        'INVALID_VOCABULARY',
        `Found the reserved mask token '' at an unexpected location in the vocabulary (index ${vocab.lastIndexOf(MASK_TOKEN)}): the vocabulary does not need the special tokens; either remove them all or put them first in exactly this order: ${JSON.stringify(special)}.`,
      );
    }
    const newSize = this.tokenStart + tokens.length;
    if (this.maxTokens !== null && newSize > this.maxTokens) {
      throw new SequenceError(
        'INVALID_VOCABULARY',
        `Attempted to set a vocabulary larger than the maximum vocab size: the vocabulary size is ${newSize}; maxTokens is ${this.maxTokens}.`,
      );
    }
    let idf: Float32Array | null = null;
    if (this.outputMode === 'tf_idf' && idfWeights !== null) {
      if (idfWeights.length !== vocab.length) {
        throw invalid(
          `idfWeights must be the same length as the vocabulary: idfWeights has ${idfWeights.length} entries; the vocabulary has ${vocab.length}.`,
        );
      }
      const given = Array.from(idfWeights);
      if (!given.every((w) => typeof w === 'number')) throw invalid('idfWeights must hold numbers.');
      // No special tokens given: their weight is the average of the given ones (np.average, float64).
      const front = foundSpecial ? 0 : this.tokenStart;
      const frontValue = foundSpecial ? 0 : given.reduce((a, b) => a + b, 0) / given.length;
      const back = this.padToMaxTokens && this.maxTokens !== null ? this.maxTokens - front - given.length : 0;
      idf = new Float32Array(front + given.length + Math.max(0, back));
      idf.fill(frontValue, 0, front);
      idf.set(given, front);
    }
    this.checkVocabularySize(newSize);
    this.setTokens(tokens);
    this.recordVocabularySize();
    if (idf !== null) this.idf = idf;
  }

  private setVocabularyFile(text: string): void {
    if (typeof text !== 'string')
      throw invalid(`vocabularyFile must be the file's text; received ${describe(text)}.`);
    if (this.outputMode === 'tf_idf') {
      throw invalid(
        "outputMode 'tf_idf' does not support loading a vocabulary from a file; pass vocabulary and idfWeights.",
      );
    }
    const tokens = readTfVocabularyFile(text);
    const seen = new Set<string>();
    for (const t of tokens) {
      if (seen.has(t)) {
        throw new SequenceError(
          'INVALID_VOCABULARY',
          `The vocabulary file repeats the line ${JSON.stringify(t)}: expected one line per distinct token (TensorFlow's lookup table rejects duplicate keys).`,
        );
      }
      seen.add(t);
    }
    this.checkVocabularySize(this.tokenStart + tokens.length);
    this.setTokens(tokens);
    this.recordVocabularySize();
  }

  private setTokens(tokens: string[]): void {
    this.tokens = tokens;
    const index = new Map<string, number>();
    for (let i = 0; i < tokens.length; i++) index.set(tokens[i]!, this.tokenStart + i);
    this.index = index;
  }

  private specialTokens(): string[] {
    return this.outputMode === 'int' ? [MASK_TOKEN, OOV_TOKEN] : [OOV_TOKEN];
  }

  private recordVocabularySize(): void {
    this.checkVocabularySize(this.vocabularySize());
    this.frozenVocabSize = this.vocabularySize();
  }

  // IndexLookup._ensure_vocab_size_unchanged, checked before anything changes.
  private checkVocabularySize(size: number): void {
    if (
      this.outputMode !== 'int' &&
      !this.padToMaxTokens &&
      this.frozenVocabSize !== null &&
      size !== this.frozenVocabSize
    ) {
      throw new SequenceError(
        'INVALID_VOCABULARY',
        `With outputMode '${this.outputMode}' and padToMaxTokens false the vocabulary size cannot change once set: the old size is ${this.frozenVocabSize}, the new size is ${size}.`,
      );
    }
  }

  /** The vocabulary: with the special tokens (default) a token's position is its index in `'int'` output. */
  getVocabulary(includeSpecialTokens = true): string[] {
    return includeSpecialTokens ? [...this.specialTokens(), ...this.tokens] : this.tokens.slice();
  }

  /** Vocabulary size including the special tokens. */
  vocabularySize(): number {
    return this.tokenStart + this.tokens.length;
  }

  /** The IDF weights (`'tf_idf'` mode, once adapted or given), one per output column; `null` otherwise. */
  getIdfWeights(): Float32Array | null {
    return this.idf === null ? null : this.idf.slice();
  }

  /** Index of one token: 0 for `''` in `'int'` mode, -1 (dropped) for `''` otherwise, the OOV index when unknown. */
  private lookup(token: string): number {
    if (token === MASK_TOKEN) return this.outputMode === 'int' ? 0 : -1;
    return this.index.get(token) ?? this.oovIndex;
  }

  /**
   * Vectorizes texts (one row each). `'int'`: `Int32Array`, shape `[n, outputSequenceLength ?? longest]`, padded
   * with 0 / truncated at the end. Other modes: `Float32Array`, shape `[n, padToMaxTokens ? maxTokens : vocabularySize()]`.
   */
  call(texts: readonly string[]): TextVectorizationOutput<M> {
    const rows = checkTexts(texts, 'call');
    const n = rows.length;
    if (this.outputMode === 'int') {
      const ids = rows.map((t) => this.tokenize(t).map((tok) => this.lookup(tok)));
      let width = this.outputSequenceLength;
      if (width === null) {
        width = 0;
        for (const r of ids) if (r.length > width) width = r.length;
      }
      const data = new Int32Array(n * width);
      for (let i = 0; i < n; i++) {
        const r = ids[i]!;
        const kept = Math.min(r.length, width);
        for (let j = 0; j < kept; j++) data[i * width + j] = r[j]!;
      }
      return { data, shape: [n, width] } as SequenceMatrix<Int32Array> as TextVectorizationOutput<M>;
    }
    let depth: number;
    if (this.padToMaxTokens) depth = this.maxTokens!;
    else if (this.frozenVocabSize === null) {
      throw new SequenceError(
        'NOT_ADAPTED',
        `When using outputMode '${this.outputMode}' and padToMaxTokens false, the vocabulary must be set before calling the layer: pass vocabulary or call adapt first.`,
      );
    } else depth = this.frozenVocabSize;
    const idf = this.idf;
    if (this.outputMode === 'tf_idf' && idf === null) {
      throw new SequenceError(
        'NOT_ADAPTED',
        "When outputMode is 'tf_idf', idf weights must be provided: call adapt, or pass vocabulary and idfWeights.",
      );
    }
    const data = new Float32Array(n * depth);
    const multiHot = this.outputMode === 'multi_hot';
    for (let i = 0; i < n; i++) {
      const base = i * depth;
      for (const tok of this.tokenize(rows[i]!)) {
        const j = this.lookup(tok);
        if (j < 0 || j >= depth) continue; // bincount(maxlength=depth) drops the mask's int64 max
        data[base + j] = multiHot ? 1 : data[base + j]! + 1;
      }
      if (idf !== null) {
        for (let j = 0; j < depth; j++) {
          const c = data[base + j]!;
          if (c !== 0) data[base + j] = Math.fround(c * idf[j]!);
        }
      }
    }
    return { data, shape: [n, depth] } as SequenceMatrix<Float32Array> as TextVectorizationOutput<M>;
  }

  /**
   * Keras' `get_config()`, key for key: what a `.keras` archive's `config.json` holds for this layer. The
   * vocabulary is in it only when it was given (`vocabulary`); an adapted one goes to `vocabulary.txt`
   * ({@link TextVectorization.vocabularyFileText}). Throws `NOT_SERIALIZABLE` for function `standardize`/`split`.
   */
  getConfig(): TextVectorizationConfig {
    for (const [key, value] of [
      ['standardize', this.standardize],
      ['split', this.split],
    ] as const) {
      if (typeof value === 'function') {
        throw new SequenceError(
          'NOT_SERIALIZABLE',
          `Cannot serialize TextVectorization: ${key} is a function; expected one of the built-in names or null.`,
        );
      }
    }
    const config: TextVectorizationConfig = {
      name: this.name,
      trainable: true,
      dtype: {
        module: 'keras',
        class_name: 'DTypePolicy',
        config: { name: 'float32' },
        registered_name: null,
      },
      max_tokens: this.maxTokens,
      standardize: this.standardize as string | null,
      split: this.split as string | null,
      ngrams: Array.isArray(this.ngrams) ? this.ngrams.slice() : (this.ngrams as number | null),
      output_mode: this.outputMode,
      output_sequence_length: this.outputSequenceLength,
      pad_to_max_tokens: this.padToMaxTokens,
      sparse: false,
      ragged: false,
      vocabulary: this.inputVocabulary === null ? null : this.inputVocabulary.slice(),
      idf_weights: this.inputIdfWeights === null ? null : this.inputIdfWeights.slice(),
      encoding: 'utf-8',
      vocabulary_size: this.vocabularySize(),
    };
    if (this.unicode) config.unicode = true;
    return config;
  }

  /** What Keras' `save_assets` writes to `vocabulary.txt`: the vocabulary with special tokens, joined by `'\n'`. */
  vocabularyFileText(): string {
    return this.getVocabulary(true).join('\n');
  }

  /** @internal Restores a saved state without the checks of `setVocabulary` (used by the JSON loader). */
  _restore(vocabulary: readonly string[], idf: ArrayLike<number> | null): void {
    this.setTokens(vocabulary.slice(this.tokenStart));
    this.idf = idf === null ? null : Float32Array.from(idf);
    this.frozenVocabSize = this.vocabularySize();
  }
}

function checkSteps(steps: unknown): number | null {
  if (steps == null) return null;
  if (!Number.isInteger(steps) || (steps as number) < 0) {
    throw invalid(`steps must be null or a non-negative integer; received ${describe(steps)}.`);
  }
  return steps as number;
}

/** Keras' `TextVectorization.get_config()` (snake_case, as in a `.keras` archive), plus `unicode` when set. */
export interface TextVectorizationConfig {
  name: string;
  trainable: boolean;
  dtype: unknown;
  max_tokens: number | null;
  standardize: string | null;
  split: string | null;
  ngrams: number | number[] | null;
  output_mode: string;
  output_sequence_length: number | null;
  pad_to_max_tokens: boolean;
  sparse: boolean;
  ragged: boolean;
  vocabulary: string[] | null;
  idf_weights: number[] | null;
  encoding: string;
  vocabulary_size: number | null;
  unicode?: boolean;
}

/**
 * Creates a {@link TextVectorization} (Keras' `keras.layers.TextVectorization`).
 *
 * @example
 * ```ts
 * const vec = textVectorization({ maxTokens: 20000, outputSequenceLength: 200 });
 * await vec.adaptAsync(readTrainingTexts()); // any (async) iterable of strings
 * const { data, shape } = vec.call(['a great movie']);
 * ```
 */
export function textVectorization<M extends TextVectorizationOutputMode = 'int'>(
  args?: TextVectorizationArgs<M>,
): TextVectorization<M> {
  return new TextVectorization<M>(args);
}
