import { imdb } from '@seqlab/datasets';
import { textVectorization } from '@seqlab/sequence';
import { expect, test } from 'vitest';
import {
  chunkRanges,
  labelOf,
  predictedClass,
  prefixMatrix,
  probeSummary,
  reviewIds,
  tokenizeReview,
  vectorizerTokens,
} from './probe.js';

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

test('#18.8: the maxlen window and how many words the model knows', () => {
  const tokens = tokenizeReview('the movie zxqv was great', index, { numWords: 500 });
  // ids: [start, the, movie, was, great]; maxlen 3 keeps movie? no: the last 3 ids are movie, was, great
  expect(probeSummary(tokens, 3)).toEqual({
    words: 5,
    known: 4,
    oov: 0,
    unknown: 1,
    windowStart: 1,
    warning: null,
  });
  expect(probeSummary(tokens, 100).windowStart).toBe(0);
  // The row the model reads after the last word is exactly the window's ids.
  const last = Array.from(prefixMatrix(tokens, 3).data.slice(-3));
  expect(last).toEqual(tokens.slice(1).flatMap((t) => (t.id === null ? [] : [t.id])));
  const korean = tokenizeReview('정말 재미있는 영화', index, { numWords: 500 });
  expect(probeSummary(korean, 100).warning).toBe('none');
  expect(probeSummary(tokenizeReview('the zxqv qqq yyy', index, { numWords: 500 }), 100).warning).toBe('few');
});

test('long reviews are predicted in chunks', () => {
  expect(chunkRanges(5, 2)).toEqual([
    [0, 2],
    [2, 4],
    [4, 5],
  ]);
  expect(chunkRanges(0, 2)).toEqual([]);
});

test('own texts: tokens and ids of the run vectorizer, no start id, the predicted class', () => {
  const vectorizer = textVectorization({ maxTokens: 6, unicode: true });
  vectorizer.adapt(['좋은 영화 좋은', '나쁜 영화', 'Good film']);
  const tokens = vectorizerTokens(vectorizer, '좋은 영화, 정말!');
  expect(tokens).toEqual([
    { word: '좋은', id: 2, status: 'in' },
    { word: '영화', id: 3, status: 'in' },
    { word: '정말', id: 1, status: 'oov' },
  ]);
  const matrix = prefixMatrix(tokens, 4, null);
  expect(Array.from(matrix.data)).toEqual([0, 0, 0, 2, 0, 0, 2, 3, 0, 2, 3, 1]);
  expect(probeSummary(tokens, 2, false).windowStart).toBe(1);
  expect(predictedClass([0.49])).toBe(0);
  expect(predictedClass([0.5])).toBe(1);
  expect(predictedClass([0.2, 0.5, 0.3])).toBe(1);
  expect(predictedClass([0.4, 0.2, 0.4])).toBe(0);
});
