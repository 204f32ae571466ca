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
  startChar = 1,
): SequenceMatrix<Int32Array> {
  const rows: number[][] = [];
  const ids = [startChar];
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
