import { describe, expect, it } from 'vitest';
import { SequenceError, Tokenizer, textToWordSequence, tokenizerFromJSON } from '../src/index.js';
import { fixture } from './_fixture.js';

interface TokCase {
  config: Record<string, unknown>;
  wordIndex: [string, number][];
  wordCounts: [string, number][];
  wordDocs: [string, number][];
  indexDocs: [number, number][];
  indexWord: [number, string][];
  documentCount: number;
  sequences: number[][];
  texts: string[];
  json: string;
  matrices: Record<'binary' | 'count' | 'freq' | 'tfidf', number[]>;
}

const tokenizerCases = (fixture.tokenizers as TokCase[]).filter((c) => c.config !== undefined);
const sequencesCase = (fixture.tokenizers as unknown[]).at(-1) as {
  indexDocs: [number, number][];
  documentCount: number;
  tfidf: number[];
};

// Same texts as gen_sequence.py TEXTS / TEST_TEXTS.
const TEXTS = Object.keys(fixture.words as Record<string, string[]>).slice(0, 7);
const TEST_TEXTS = Object.keys(fixture.words as Record<string, string[]>).slice(7);

const toArgs = (c: Record<string, unknown>) => ({
  numWords: c['num_words'] as number | undefined,
  oovToken: c['oov_token'] as string | undefined,
  lower: c['lower'] as boolean | undefined,
  charLevel: c['char_level'] as boolean | undefined,
  split: c['split'] as string | undefined,
  filters: c['filters'] as string | undefined,
});

function fitted(c: TokCase): Tokenizer {
  const tok = new Tokenizer(toArgs(c.config));
  tok.fitOnTexts(TEXTS.slice(0, 4));
  tok.fitOnTexts([...TEXTS.slice(4), ['Pre', 'tokenized', 'the', 'THE']]);
  return tok;
}

describe('textToWordSequence matches Keras text_to_word_sequence', () => {
  it('fixture texts are the generator texts', () => {
    expect(TEXTS).toHaveLength(7);
    expect(TEST_TEXTS).toHaveLength(4);
  });

  it.each(Object.entries(fixture.words as Record<string, string[]>))('%j', (text, words) => {
    expect(textToWordSequence(text)).toEqual(words);
  });

  it.each(
    (
      fixture.wordVariants as {
        text: string;
        lower?: boolean;
        split?: string;
        filters?: string;
        result: string[];
      }[]
    ).map((v) => [JSON.stringify({ ...v, text: undefined, result: undefined }), v] as const),
  )('options %s', (_, v) => {
    expect(textToWordSequence(v.text, { lower: v.lower, split: v.split, filters: v.filters })).toEqual(
      v.result,
    );
  });

  it('rejects an empty split like Python str.split', () => {
    expect(() => textToWordSequence('a b', { split: '' })).toThrow(
      `split must be a non-empty string (Python's str.split rejects an empty separator); received "".`,
    );
    expect(() => textToWordSequence(3 as never)).toThrow('text must be a string; received 3.');
  });
});

describe('Tokenizer matches Keras Tokenizer', () => {
  it.each(tokenizerCases.map((c) => [JSON.stringify(c.config), c] as const))('%s', (_, c) => {
    const tok = fitted(c);
    expect([...tok.wordIndex]).toEqual(c.wordIndex);
    expect([...tok.wordCounts]).toEqual(c.wordCounts);
    expect([...tok.wordDocs]).toEqual(c.wordDocs);
    expect([...tok.indexDocs]).toEqual(c.indexDocs);
    expect([...tok.indexWord]).toEqual(c.indexWord);
    expect(tok.documentCount).toBe(c.documentCount);
    const seqs = tok.textsToSequences([...TEST_TEXTS, '', ['The', 'MOVIE', 'nope']]);
    expect(seqs).toEqual(c.sequences);
    expect(tok.sequencesToTexts([...seqs, Array.from({ length: 12 }, (_, i) => i), [99, 1, 2], []])).toEqual(
      c.texts,
    );
    expect(tok.toJSON()).toBe(c.json);
  });

  it.each(tokenizerCases.map((c) => [JSON.stringify(c.config), c] as const))(
    'loads the Keras JSON of %s and writes it back byte for byte',
    (_, c) => {
      const tok = tokenizerFromJSON(c.json);
      expect([...tok.wordIndex]).toEqual(c.wordIndex);
      expect([...tok.indexWord]).toEqual(c.indexWord);
      expect([...tok.indexDocs]).toEqual(c.indexDocs);
      expect(tok.textsToSequences([...TEST_TEXTS, '', ['The', 'MOVIE', 'nope']])).toEqual(c.sequences);
      expect(tok.toJSON()).toBe(c.json);
    },
  );

  it.each(tokenizerCases.map((c) => [JSON.stringify(c.config), c] as const))(
    'textsToMatrix in every mode for %s',
    (_, c) => {
      const tok = fitted(c);
      for (const mode of ['binary', 'count', 'freq', 'tfidf'] as const) {
        const m = tok.textsToMatrix(TEST_TEXTS.concat(''), mode);
        expect(m.shape[0]).toBe(5);
        expect(Array.from(m.data)).toEqual(c.matrices[mode]);
      }
    },
  );

  it('fitOnSequences then tfidf sequencesToMatrix', () => {
    const tok = new Tokenizer({ numWords: 8 });
    tok.fitOnTexts(TEXTS);
    tok.fitOnSequences([[1, 2, 2, 9], [3], [], [1, 7]]);
    expect([...tok.indexDocs]).toEqual(sequencesCase.indexDocs);
    expect(tok.documentCount).toBe(sequencesCase.documentCount);
    const m = tok.sequencesToMatrix([[1, 1, 2, 9], [7, 3], []], 'tfidf');
    expect(m.shape).toEqual([3, 8]);
    expect(Array.from(m.data)).toEqual(sequencesCase.tfidf);
  });

  it('sequencesToMatrix rejects unknown modes, unfitted tokenizers and negative indices', () => {
    const tok = new Tokenizer();
    expect(() => tok.sequencesToMatrix([[1]])).toThrow(/fit on some text data first/);
    tok.fitOnTexts(['a b']);
    expect(() => tok.sequencesToMatrix([[1]], 'tf' as never)).toThrow(
      "Unknown vectorization mode: expected one of 'binary', 'count', 'freq', 'tfidf'; received \"tf\".",
    );
    expect(() => tok.sequencesToMatrix([[-1]])).toThrow(/non-negative integer indices; sequence 0 has -1/);
    expect(() => new Tokenizer({ numWords: 3 }).sequencesToMatrix([[1]], 'tfidf')).toThrow(/documentCount=0/);
  });

  it('keeps integer-like words in insertion order (JS objects would reorder them)', () => {
    const tok = new Tokenizer();
    tok.fitOnTexts(['b 10 a 2 1']);
    expect([...tok.wordIndex.keys()]).toEqual(['b', '10', 'a', '2', '1']);
    expect(tokenizerFromJSON(tok.toJSON()).toJSON()).toBe(tok.toJSON());
  });

  it('uses a custom analyzer', () => {
    const tok = new Tokenizer({ analyzer: (t) => t.split(',') });
    tok.fitOnTexts(['x,y,x']);
    expect([...tok.wordIndex]).toEqual([
      ['x', 1],
      ['y', 2],
    ]);
  });
});

describe('Tokenizer errors', () => {
  it('rejects bad options, texts and JSON', () => {
    expect(() => new Tokenizer({ numWords: -1 })).toThrow(
      'numWords must be a non-negative integer or null; received -1.',
    );
    expect(() => new Tokenizer().fitOnTexts('abc' as never)).toThrow(
      'fitOnTexts: texts must be an array of strings (or of word lists); received "abc".',
    );
    expect(() => new Tokenizer().fitOnTexts([3 as never])).toThrow(
      'texts must hold strings or word lists; element 0 is 3.',
    );
    expect(() => new Tokenizer({ oovToken: '?' }).textsToSequences(['a'])).toThrow(
      /oovToken "\?" is not in wordIndex/,
    );
    const bad = (json: string) => {
      try {
        tokenizerFromJSON(json);
      } catch (e) {
        expect(e).toBeInstanceOf(SequenceError);
        return (e as SequenceError).message;
      }
      throw new Error('expected an error');
    };
    expect(bad('nope')).toMatch(/expected a JSON string/);
    expect(bad('{"class_name": "Tokenizer"}')).toMatch(/received no "config" object/);
    const good = JSON.parse(tokenizerCases[0]!.json);
    expect(bad(JSON.stringify({ ...good, config: { ...good.config, extra: 1 } }))).toMatch(
      /unrecognized config keys extra/,
    );
    expect(bad(JSON.stringify({ ...good, config: { ...good.config, word_index: '{"a": 1,}' } }))).toMatch(
      /word_index must be a JSON object/,
    );
    expect(bad(JSON.stringify({ ...good, config: { ...good.config, index_word: '{"x": "a"}' } }))).toMatch(
      /index_word keys must be integers; received "x"/,
    );
  });
});
