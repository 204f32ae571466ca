import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type TextVectorizationArgs,
  type TextVectorizationOutputMode,
  textVectorization,
} from '../src/index.js';
import { readTarGz } from './_tar.js';

interface ImdbCase {
  args: TextVectorizationArgs<TextVectorizationOutputMode>;
  adapt: number;
  call: number;
  vocabularySize: number;
  vocabularyHead: string[];
  vocabularySha256: string;
  shape: [number, number];
  sha256: string;
  idfSha256?: string;
}

const dataDir = process.env.SEQLAB_DATA_DIR;
// Printed by test/fixtures/gen_text_vectorization_imdb.py (the numpy port of Keras 3's TextVectorization).
const expected = JSON.parse(
  readFileSync(new URL('./fixtures/text_vectorization_imdb.json', import.meta.url), 'utf8'),
) as { n: number; first: string; last: string; cases: ImdbCase[] };

const sha = (bytes: ArrayBufferView | string) =>
  createHash('sha256')
    .update(
      typeof bytes === 'string' ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    )
    .digest('hex');

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Adapting on 25,000 reviews takes a few seconds of CPU; the timeout only keeps a loaded machine from failing it.
describe.runIf(dataDir)(
  'real IMDB reviews: TextVectorization equals the Keras port',
  { timeout: 180_000 },
  () => {
    const files = dataDir
      ? readTarGz(join(dataDir, 'aclImdb_v1-train-test.tar.gz'), (n) =>
          /^aclImdb\/train\/(pos|neg)\/[^/]+\.txt$/.test(n),
        )
      : new Map<string, string>();
    const names = [...files.keys()].sort(byName);
    const docs = names.map((k) => files.get(k)!);

    it('reads the same 25,000 training reviews', () => {
      expect(docs.length).toBe(expected.n);
      expect([names[0], names.at(-1)]).toEqual([expected.first, expected.last]);
    });

    it.each(expected.cases.map((c) => [JSON.stringify(c.args), c] as const))('%s', (_, c) => {
      const vec = textVectorization(c.args);
      vec.adapt(docs.slice(0, c.adapt));
      const vocab = vec.getVocabulary();
      expect(vocab.length).toBe(c.vocabularySize);
      expect(vocab.slice(0, 12)).toEqual(c.vocabularyHead);
      expect(sha(vocab.join('\n'))).toBe(c.vocabularySha256);
      const out = vec.call(docs.slice(0, c.call));
      expect(out.shape).toEqual(c.shape);
      expect(sha(out.data)).toBe(c.sha256);
      const idf = vec.getIdfWeights();
      expect(idf === null ? undefined : sha(idf)).toBe(c.idfSha256);
    });
  },
);
