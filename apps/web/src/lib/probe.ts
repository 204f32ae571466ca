import { imdb } from '@seqlab/datasets';
import { padSequences, type SequenceMatrix } from '@seqlab/sequence';

/** How the vocabulary treats one word of a typed review. */
export type WordStatus = 'in' | 'oov' | 'unknown';

/** One word of a review: its id as the model sees it (`null` when the word index lacks it and it is dropped). */
export interface ProbeToken {
  word: string;
  id: number | null;
  status: WordStatus;
}

/** The id conventions of `imdb.loadData` (Keras' defaults). */
export interface VocabularyOptions {
  numWords: number;
  startChar?: number;
  oovChar?: number;
  indexFrom?: number;
}

/**
 * Splits a review like the IMDB sequences were made and maps each word the way `imdb.encode` does: a word in the
 * top `numWords` keeps rank + `indexFrom`, a rarer one becomes `oovChar` ('oov'), one missing from the word index
 * is dropped ('unknown').
 */
export function tokenizeReview(
  text: string,
  wordIndex: ReadonlyMap<string, number>,
  options: VocabularyOptions,
): ProbeToken[] {
  const { numWords, oovChar = 2, indexFrom = 3 } = options;
  return imdb.textToWords(text).map((word: string) => {
    const rank = wordIndex.get(word);
    if (rank === undefined) return { word, id: null, status: 'unknown' };
    const id = rank + indexFrom;
    return id < numWords ? { word, id, status: 'in' } : { word, id: oovChar, status: 'oov' };
  });
}

/** The ids of the whole review, `startChar` first: equal to `imdb.encode(text, wordIndex, { numWords })`. */
export function reviewIds(tokens: readonly ProbeToken[], startChar = 1): number[] {
  const ids = [startChar];
  for (const t of tokens) if (t.id !== null) ids.push(t.id);
  return ids;
}

/**
 * One row per word: row k holds the ids of the review up to and including word k (`startChar` first), padded and
 * truncated 'pre' to `maxlen` as in training — the model's input after reading k + 1 words.
 */
export function prefixMatrix(
  tokens: readonly ProbeToken[],
  maxlen: number,
  startChar: number | null = 1,
): SequenceMatrix<Int32Array> {
  const rows: number[][] = [];
  const ids = startChar === null ? [] : [startChar];
  for (const t of tokens) {
    if (t.id !== null) ids.push(t.id);
    rows.push(ids.slice());
  }
  return padSequences(rows, { maxlen, padding: 'pre', truncating: 'pre' });
}

/** The label the lesson prints for a probability of the positive class. */
export function labelOf(probability: number): 'positive' | 'negative' {
  return probability >= 0.5 ? 'positive' : 'negative';
}

/**
 * A text as a model trained on your own texts reads it: the tokens of its `TextVectorization` (standardized and
 * split as in training) with their ids; id 1 is `[UNK]` ('oov'). Without n-grams there is one id per token.
 */
export function vectorizerTokens(
  vectorizer: { tokenize(text: string): string[]; call(texts: string[]): { data: ArrayLike<number> } },
  text: string,
): ProbeToken[] {
  const words = vectorizer.tokenize(text);
  const ids = vectorizer.call([text]).data;
  return Array.from(ids, (id, i) => ({ word: words[i] ?? '?', id, status: id === 1 ? 'oov' : 'in' }));
}

/** The label shown for one prediction: the class with the highest probability (a sigmoid: class 1 at p ≥ 0.5). */
export function predictedClass(row: readonly number[]): number {
  if (row.length === 1) return row[0]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

/** What the model could read of a review. */
export interface ProbeSummary {
  words: number;
  known: number;
  oov: number;
  unknown: number;
  /** Index of the first word inside the last `maxlen` ids (the final prediction reads only those); 0 when all fit. */
  windowStart: number;
  /** 'none': not one word known, 'few': under half the words (or fewer than 3) known, else null. */
  warning: 'none' | 'few' | null;
}

export function probeSummary(tokens: readonly ProbeToken[], maxlen: number, startChar = true): ProbeSummary {
  let known = 0;
  let oov = 0;
  for (const t of tokens) {
    if (t.status === 'in') known++;
    else if (t.status === 'oov') oov++;
  }
  // Walk back from the end: the last `maxlen` ids (the start id counts when the whole review fits).
  let windowStart = 0;
  let ids = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i]!.id === null) continue;
    ids++;
    if (ids === maxlen) {
      // the start id, plus any dropped word before i, is cut off only if something precedes it
      const more = tokens.slice(0, i).some((t) => t.id !== null) || startChar;
      windowStart = more ? i : 0;
      break;
    }
  }
  const words = tokens.length;
  const warning = known === 0 ? 'none' : known < 3 || known * 2 < words ? 'few' : null;
  return { words, known, oov, unknown: words - known - oov, windowStart, warning };
}

/** `[start, end)` row ranges of at most `size` rows, so a long review is predicted in steps. */
export function chunkRanges(n: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < n; start += size) out.push([start, Math.min(n, start + size)]);
  return out;
}
