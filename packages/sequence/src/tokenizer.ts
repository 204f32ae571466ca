// Port of keras/src/legacy/preprocessing/text.py Tokenizer and tokenizer_from_json (Keras 3).
import { describe } from './_describe.js';
import { type PyJson, pyJsonDumps, readFlatObject } from './_pyjson.js';
import { SequenceError } from './errors.js';
import type { SequenceMatrix } from './matrix.js';
import { DEFAULT_FILTERS, textToWordSequence } from './text.js';

/** A text to fit or convert: a string, or a list of words (used as is, only lowercased). */
export type TokenizerText = string | readonly string[];

/** How {@link Tokenizer.sequencesToMatrix} scores a word: presence, count, frequency or TF-IDF. */
export type MatrixMode = 'binary' | 'count' | 'freq' | 'tfidf';

const MATRIX_MODES: readonly MatrixMode[] = ['binary', 'count', 'freq', 'tfidf'];

/** Options of {@link Tokenizer}, named as Keras' `Tokenizer` arguments. */
export interface TokenizerArgs {
  /**
   * Keep only the `numWords - 1` most frequent words when converting; `null` or `0` keeps all.
   * @default null
   */
  numWords?: number | null;
  /**
   * Characters replaced by `split` before splitting (ignored with `charLevel`).
   * @default '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
   */
  filters?: string;
  /**
   * Lowercase texts (Python `str.lower`).
   * @default true
   */
  lower?: boolean;
  /**
   * Word separator.
   * @default ' '
   */
  split?: string;
  /**
   * Treat every character (Unicode code point) as a token.
   * @default false
   */
  charLevel?: boolean;
  /**
   * Token for out-of-vocabulary words; when set it gets index 1 and unknown words map to it.
   * @default null
   */
  oovToken?: string | null;
  /**
   * Custom text → words function replacing {@link textToWordSequence} (not saved by `toJSON`, as in Keras).
   * @default null
   */
  analyzer?: ((text: string) => string[]) | null;
  /**
   * Number of documents already seen (Keras restores it from JSON).
   * @default 0
   */
  documentCount?: number;
}

function checkTexts(texts: unknown, what: string): Iterable<TokenizerText> {
  if (
    texts == null ||
    typeof texts === 'string' ||
    typeof (texts as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `${what}: texts must be an array of strings (or of word lists); received ${describe(texts)}.`,
    );
  }
  return texts as Iterable<TokenizerText>;
}

/**
 * Keras' text `Tokenizer`: builds a word index by frequency (`fitOnTexts`) and turns texts into integer
 * sequences and back. Same words, counts, indices and sequences as Keras for the same texts and options, and
 * the same JSON (`toJSON` / {@link tokenizerFromJSON}), so a tokenizer saved by Keras' `to_json()` loads here
 * and vice versa.
 *
 * The dictionaries are `Map`s in Keras' insertion order. One unavoidable difference: Keras fills `word_docs`
 * in Python `set` order, which varies between runs; here it is first-occurrence order (same contents).
 *
 * @example
 * ```ts
 * const tok = new Tokenizer({ numWords: 500, oovToken: '<OOV>' });
 * tok.fitOnTexts(['the movie was great', 'the plot was thin']);
 * tok.textsToSequences(['the movie was bad']); // [[2, 4, 3, 1]]
 * ```
 */
export class Tokenizer {
  /** See {@link TokenizerArgs.numWords}. */
  numWords: number | null;
  /** See {@link TokenizerArgs.filters}. */
  filters: string;
  /** See {@link TokenizerArgs.lower}. */
  lower: boolean;
  /** See {@link TokenizerArgs.split}. */
  split: string;
  /** See {@link TokenizerArgs.charLevel}. */
  charLevel: boolean;
  /** See {@link TokenizerArgs.oovToken}. */
  oovToken: string | null;
  /** See {@link TokenizerArgs.analyzer}. */
  analyzer: ((text: string) => string[]) | null;
  /** Number of texts fitted (Keras `document_count`). */
  documentCount: number;
  /** Occurrences of each word, in first-seen order (Keras `word_counts`). */
  wordCounts: Map<string, number> = new Map();
  /** Number of texts each word occurs in (Keras `word_docs`). */
  wordDocs: Map<string, number> = new Map();
  /** Number of texts each word index occurs in (Keras `index_docs`). */
  indexDocs: Map<number, number> = new Map();
  /** Word → index, 1-based, most frequent first, the OOV token at 1 (Keras `word_index`). */
  wordIndex: Map<string, number> = new Map();
  /** Index → word (Keras `index_word`). */
  indexWord: Map<number, string> = new Map();

  constructor(args: TokenizerArgs = {}) {
    this.numWords = args.numWords ?? null;
    this.filters = args.filters ?? DEFAULT_FILTERS;
    this.lower = args.lower ?? true;
    this.split = args.split ?? ' ';
    this.charLevel = args.charLevel ?? false;
    this.oovToken = args.oovToken ?? null;
    this.analyzer = args.analyzer ?? null;
    this.documentCount = args.documentCount ?? 0;
    if (this.numWords !== null && (!Number.isInteger(this.numWords) || this.numWords < 0)) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `numWords must be a non-negative integer or null; received ${describe(args.numWords)}.`,
      );
    }
    if (!Number.isInteger(this.documentCount) || this.documentCount < 0) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `documentCount must be a non-negative integer; received ${describe(args.documentCount)}.`,
      );
    }
  }

  #tokens(text: TokenizerText, index: number): readonly string[] {
    if (Array.isArray(text)) {
      return this.lower ? (text as string[]).map((w) => w.toLowerCase()) : (text as string[]);
    }
    if (typeof text !== 'string') {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `texts must hold strings or word lists; element ${index} is ${describe(text)}.`,
      );
    }
    if (this.charLevel) return Array.from(this.lower ? text.toLowerCase() : text);
    if (this.analyzer) return this.analyzer(text);
    return textToWordSequence(text, { filters: this.filters, lower: this.lower, split: this.split });
  }

  /** Updates the vocabulary from texts and rebuilds `wordIndex` (Keras `fit_on_texts`). */
  fitOnTexts(texts: Iterable<TokenizerText>): void {
    let i = 0;
    for (const text of checkTexts(texts, 'fitOnTexts')) {
      const seq = this.#tokens(text, i++);
      this.documentCount += 1;
      for (const w of seq) this.wordCounts.set(w, (this.wordCounts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.wordDocs.set(w, (this.wordDocs.get(w) ?? 0) + 1);
    }
    // Array.prototype.sort is stable, as Python's list.sort: ties keep first-seen order.
    const wcounts = [...this.wordCounts].sort((a, b) => b[1] - a[1]);
    const sortedVoc = this.oovToken === null ? [] : [this.oovToken];
    for (const [w] of wcounts) sortedVoc.push(w);
    // dict(zip(...)): a repeated key keeps its first position and takes the last index.
    this.wordIndex = new Map();
    sortedVoc.forEach((w, k) => {
      this.wordIndex.set(w, k + 1);
    });
    this.indexWord = new Map();
    for (const [w, c] of this.wordIndex) this.indexWord.set(c, w);
    for (const [w, c] of this.wordDocs) this.indexDocs.set(this.wordIndex.get(w)!, c);
  }

  #oovIndex(): number | undefined {
    return this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
  }

  /** Turns each text into a list of word indices (Keras `texts_to_sequences`). */
  textsToSequences(texts: Iterable<TokenizerText>): number[][] {
    const numWords = this.numWords;
    const oovIndex = this.#oovIndex();
    const out: number[][] = [];
    let t = 0;
    for (const text of checkTexts(texts, 'textsToSequences')) {
      const vect: number[] = [];
      for (const w of this.#tokens(text, t++)) {
        const i = this.wordIndex.get(w);
        if (i !== undefined) {
          if (numWords && i >= numWords) {
            if (oovIndex !== undefined) vect.push(oovIndex);
          } else {
            vect.push(i);
          }
        } else if (this.oovToken !== null) {
          vect.push(this.#requireOov(oovIndex, 'textsToSequences'));
        }
      }
      out.push(vect);
    }
    return out;
  }

  #requireOov(oovIndex: number | undefined, what: string): number {
    if (oovIndex === undefined) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `${what}: oovToken ${describe(this.oovToken)} is not in wordIndex (Keras would emit None); expected a fitted tokenizer.`,
      );
    }
    return oovIndex;
  }

  /** Turns each sequence of indices back into words joined by spaces (Keras `sequences_to_texts`). */
  sequencesToTexts(sequences: Iterable<ArrayLike<number>>): string[] {
    const numWords = this.numWords;
    const oovIndex = this.#oovIndex();
    const oovWord = (): string => {
      const word = this.indexWord.get(this.#requireOov(oovIndex, 'sequencesToTexts'));
      if (word === undefined) {
        throw new SequenceError(
          'INVALID_ARGUMENT',
          `sequencesToTexts: the OOV index ${oovIndex} has no word in indexWord; expected indexWord to hold it.`,
        );
      }
      return word;
    };
    const out: string[] = [];
    for (const seq of sequences) {
      const vect: string[] = [];
      for (let k = 0; k < seq.length; k++) {
        const num = seq[k]!;
        const word = this.indexWord.get(num);
        if (word !== undefined) {
          if (numWords && num >= numWords) {
            if (oovIndex !== undefined) vect.push(oovWord());
          } else {
            vect.push(word);
          }
        } else if (this.oovToken !== null) {
          vect.push(oovWord());
        }
      }
      out.push(vect.join(' '));
    }
    return out;
  }

  /** Counts, for each index, the sequences it occurs in, and the sequences as documents (Keras `fit_on_sequences`). */
  fitOnSequences(sequences: ArrayLike<ArrayLike<number>>): void {
    this.documentCount += sequences.length;
    for (let s = 0; s < sequences.length; s++) {
      const seq = sequences[s]!;
      for (const i of new Set(Array.from(seq))) this.indexDocs.set(i, (this.indexDocs.get(i) ?? 0) + 1);
    }
  }

  /** `sequencesToMatrix(textsToSequences(texts), mode)` (Keras `texts_to_matrix`). */
  textsToMatrix(texts: Iterable<TokenizerText>, mode: MatrixMode = 'binary'): SequenceMatrix<Float32Array> {
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /**
   * A `[sequences, numWords]` matrix scoring each index of each sequence (Keras `sequences_to_matrix`): `'binary'`
   * (1 when present), `'count'`, `'freq'` (count / sequence length) or `'tfidf'`
   * (`(1 + ln count) · ln(1 + documentCount / (1 + indexDocs[j]))`). Indices `>= numWords` are skipped. Keras
   * returns float64; the values here are computed in float64 and stored as float32, ready for a tensor.
   *
   * @param mode Scoring. @default 'binary'
   */
  sequencesToMatrix(
    sequences: ArrayLike<ArrayLike<number>>,
    mode: MatrixMode = 'binary',
  ): SequenceMatrix<Float32Array> {
    if (!MATRIX_MODES.includes(mode)) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        `Unknown vectorization mode: expected one of ${MATRIX_MODES.map((m) => `'${m}'`).join(', ')}; received ${describe(mode)}.`,
      );
    }
    let numWords: number;
    if (!this.numWords) {
      if (this.wordIndex.size === 0) {
        throw new SequenceError(
          'INVALID_ARGUMENT',
          'Specify a dimension (numWords), or fit on some text data first: received numWords=null and an empty wordIndex.',
        );
      }
      numWords = this.wordIndex.size + 1;
    } else {
      numWords = this.numWords;
    }
    if (mode === 'tfidf' && !this.documentCount) {
      throw new SequenceError(
        'INVALID_ARGUMENT',
        'Fit the Tokenizer on some data before using tfidf mode: received documentCount=0.',
      );
    }
    const n = sequences.length;
    const data = new Float32Array(n * numWords);
    for (let i = 0; i < n; i++) {
      const seq = sequences[i]!;
      if (seq.length === 0) continue;
      const counts = new Map<number, number>();
      for (let k = 0; k < seq.length; k++) {
        const j = seq[k]!;
        if (!Number.isInteger(j) || j < 0) {
          throw new SequenceError(
            'INVALID_SEQUENCES',
            `sequences must hold non-negative integer indices; sequence ${i} has ${describe(j)} at index ${k}.`,
          );
        }
        if (j >= numWords) continue;
        counts.set(j, (counts.get(j) ?? 0) + 1);
      }
      for (const [j, c] of counts) {
        let v: number;
        if (mode === 'count') v = c;
        else if (mode === 'freq') v = c / seq.length;
        else if (mode === 'binary') v = 1;
        else v = (1 + Math.log(c)) * Math.log(1 + this.documentCount / (1 + (this.indexDocs.get(j) ?? 0)));
        data[i * numWords + j] = v;
      }
    }
    return { data, shape: [n, numWords] };
  }

  /** Keras `get_config()`: the options plus the dictionaries as JSON strings (Python `json.dumps`). */
  getConfig(): Record<string, string | number | boolean | null> {
    const dict = (m: Map<string | number, string | number>): string =>
      pyJsonDumps({ entries: [...m] as Array<[string | number, PyJson]> });
    return {
      num_words: this.numWords,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      char_level: this.charLevel,
      oov_token: this.oovToken,
      document_count: this.documentCount,
      word_counts: dict(this.wordCounts),
      word_docs: dict(this.wordDocs),
      index_docs: dict(this.indexDocs),
      index_word: dict(this.indexWord),
      word_index: dict(this.wordIndex),
    };
  }

  /** Keras `to_json()`: the same string Python's `json.dumps` writes, loadable by Keras' `tokenizer_from_json`. */
  toJSON(): string {
    const config = Object.entries(this.getConfig()) as Array<[string, PyJson]>;
    return pyJsonDumps({
      entries: [
        ['class_name', 'Tokenizer'],
        ['config', { entries: config }],
      ],
    });
  }
}

const CONFIG_KEYS = new Set([
  'num_words',
  'filters',
  'lower',
  'split',
  'char_level',
  'oov_token',
  'document_count',
]);

/**
 * Loads a tokenizer from Keras' `Tokenizer.to_json()` output (or {@link Tokenizer.toJSON}), like Keras'
 * `tokenizer_from_json`, keeping every dictionary's order.
 */
export function tokenizerFromJSON(json: string): Tokenizer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new SequenceError(
      'INVALID_JSON',
      `tokenizerFromJSON: expected a JSON string; received ${describe(json)}.`,
      {
        cause,
      },
    );
  }
  const config = (parsed as { config?: unknown } | null)?.config;
  if (config == null || typeof config !== 'object') {
    throw new SequenceError(
      'INVALID_JSON',
      'tokenizerFromJSON: expected {"class_name": "Tokenizer", "config": {...}}; received no "config" object.',
    );
  }
  const { word_counts, word_docs, index_docs, index_word, word_index, nb_words, ...rest } = config as Record<
    string,
    unknown
  >;
  const unknown = Object.keys(rest).filter((k) => !CONFIG_KEYS.has(k));
  if (unknown.length > 0) {
    throw new SequenceError(
      'INVALID_JSON',
      `tokenizerFromJSON: unrecognized config keys ${unknown.join(', ')}; expected only ${[...CONFIG_KEYS].join(', ')} and the dictionaries.`,
    );
  }
  const str = (v: unknown, name: string): string => {
    if (typeof v !== 'string') {
      throw new SequenceError(
        'INVALID_JSON',
        `tokenizerFromJSON: config.${name} must be a JSON-encoded string; received ${describe(v)}.`,
      );
    }
    return v;
  };
  const num = (v: unknown, name: string): number => {
    if (typeof v !== 'number') {
      throw new SequenceError(
        'INVALID_JSON',
        `tokenizerFromJSON: ${name} values must be numbers; received ${describe(v)}.`,
      );
    }
    return v;
  };
  const intKey = (k: string, name: string): number => {
    const n = Number(k);
    if (!Number.isInteger(n) || k.trim() === '') {
      throw new SequenceError(
        'INVALID_JSON',
        `tokenizerFromJSON: ${name} keys must be integers; received ${describe(k)}.`,
      );
    }
    return n;
  };
  const r = rest as Record<string, unknown>;
  const tokenizer = new Tokenizer({
    numWords: (nb_words ?? r['num_words'] ?? null) as number | null,
    filters: (r['filters'] ?? DEFAULT_FILTERS) as string,
    lower: (r['lower'] ?? true) as boolean,
    split: (r['split'] ?? ' ') as string,
    charLevel: (r['char_level'] ?? false) as boolean,
    oovToken: (r['oov_token'] ?? null) as string | null,
    documentCount: (r['document_count'] ?? 0) as number,
  });
  tokenizer.wordCounts = new Map(
    readFlatObject(str(word_counts, 'word_counts'), 'word_counts').map(([k, v]) => [
      k,
      num(v, 'word_counts'),
    ]),
  );
  tokenizer.wordDocs = new Map(
    readFlatObject(str(word_docs, 'word_docs'), 'word_docs').map(([k, v]) => [k, num(v, 'word_docs')]),
  );
  tokenizer.indexDocs = new Map(
    readFlatObject(str(index_docs, 'index_docs'), 'index_docs').map(([k, v]) => [
      intKey(k, 'index_docs'),
      num(v, 'index_docs'),
    ]),
  );
  tokenizer.indexWord = new Map(
    readFlatObject(str(index_word, 'index_word'), 'index_word').map(([k, v]) => [
      intKey(k, 'index_word'),
      String(v),
    ]),
  );
  tokenizer.wordIndex = new Map(
    readFlatObject(str(word_index, 'word_index'), 'word_index').map(([k, v]) => [k, num(v, 'word_index')]),
  );
  return tokenizer;
}
