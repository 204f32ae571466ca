import { imdb } from '@seqlab/datasets';
import { expect, test } from 'vitest';
import { labelOf, prefixMatrix, reviewIds, tokenizeReview } from './probe.js';

const index = new Map([
  ['the', 1],
  ['movie', 17],
  ['was', 13],
  ['great', 84],
  ['cinematography', 1500],
]);

test('tokens mark in-vocabulary, out-of-vocabulary and unknown words', () => {
  const tokens = tokenizeReview('The movie was GREAT, cinematography... Zxqv!', index, { numWords: 500 });
  expect(tokens).toEqual([
    { word: 'the', id: 4, status: 'in' },
    { word: 'movie', id: 20, status: 'in' },
    { word: 'was', id: 16, status: 'in' },
    { word: 'great', id: 87, status: 'in' },
    { word: 'cinematography', id: 2, status: 'oov' },
    { word: 'zxqv', id: null, status: 'unknown' },
  ]);
  const text = 'The movie was GREAT, cinematography... Zxqv!';
  expect(reviewIds(tokenizeReview(text, index, { numWords: 500 }))).toEqual(
    imdb.encode(text, index, { numWords: 500 }),
  );
});

test('one row per word: the prefix ids padded and truncated "pre" to maxlen', () => {
  const tokens = tokenizeReview('the movie zxqv was', index, { numWords: 500 });
  const m = prefixMatrix(tokens, 3);
  expect(m.shape).toEqual([4, 3]);
  expect(Array.from(m.data)).toEqual([0, 1, 4, 1, 4, 20, 1, 4, 20, 4, 20, 16]);
});

test('label threshold 0.5', () => {
  expect([labelOf(0.5), labelOf(0.4999)]).toEqual(['positive', 'negative']);
});
