// Port of keras/src/legacy/preprocessing/text.py text_to_word_sequence (Keras 3).
import { describe } from './_describe.js';
import { SequenceError } from './errors.js';

/** Keras' default `filters`: punctuation, tab and newline. */
export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/** Options of {@link textToWordSequence}, named as Keras' arguments. */
export interface TextToWordSequenceArgs {
  /**
   * Characters (Unicode code points) replaced by `split` before splitting.
   * @default '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
   */
  filters?: string;
  /**
   * Lowercase the text first (Python `str.lower`, full Unicode mapping).
   * @default true
   */
  lower?: boolean;
  /**
   * The word separator.
   * @default ' '
   */
  split?: string;
}

const filterCache = new Map<string, RegExp>();

function filterRegExp(filters: string): RegExp {
  let re = filterCache.get(filters);
  if (re === undefined) {
    const chars = [...new Set(filters)].map((c) => c.replace(/[\\\]^-]/g, '\\$&'));
    re = new RegExp(`[${chars.join('')}]`, 'gu');
    if (filterCache.size > 32) filterCache.clear();
    filterCache.set(filters, re);
  }
  return re;
}

/**
 * Splits a text into words exactly as Keras' `text_to_word_sequence`: lowercase (Python `str.lower`), replace
 * every character of `filters` by `split` (`str.translate`), split on `split` and drop empty strings.
 *
 * @example
 * ```ts
 * textToWordSequence('This movie, was GREAT!'); // ['this', 'movie', 'was', 'great']
 * ```
 */
export function textToWordSequence(text: string, args: TextToWordSequenceArgs = {}): string[] {
  const { filters = DEFAULT_FILTERS, lower = true, split = ' ' } = args;
  if (typeof text !== 'string') {
    throw new SequenceError('INVALID_ARGUMENT', `text must be a string; received ${describe(text)}.`);
  }
  if (typeof split !== 'string' || split === '') {
    throw new SequenceError(
      'INVALID_ARGUMENT',
      `split must be a non-empty string (Python's str.split rejects an empty separator); received ${describe(split)}.`,
    );
  }
  if (typeof filters !== 'string') {
    throw new SequenceError('INVALID_ARGUMENT', `filters must be a string; received ${describe(filters)}.`);
  }
  let s = lower ? text.toLowerCase() : text;
  if (filters.length > 0) s = s.replace(filterRegExp(filters), () => split);
  return s.split(split).filter((w) => w !== '');
}
