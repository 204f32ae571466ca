import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  readVocabularyAsset,
  type SequenceError,
  TextVectorization,
  type TextVectorizationArgs,
  type TextVectorizationOutputMode,
  textVectorization,
  textVectorizationFromConfig,
  textVectorizationFromJSON,
  textVectorizationToJSON,
} from '../src/index.js';

interface TvCase {
  args: TextVectorizationArgs<TextVectorizationOutputMode>;
  adapt: string[] | null;
  call: string[];
  vocabulary: string[];
  vocabularySize: number;
  shape: [number, number];
  data: number[];
  tokens: string[][];
  idfWeights?: number[];
  config?: Record<string, unknown>;
}

// Printed by test/fixtures/gen_text_vectorization.py (a numpy port of Keras 3's TextVectorization).
const cases = (
  JSON.parse(readFileSync(new URL('./fixtures/text_vectorization.json', import.meta.url), 'utf8')) as {
    cases: TvCase[];
  }
).cases;

const label = (c: TvCase) => `${JSON.stringify(c.args).slice(0, 110)} adapt=${c.adapt?.length ?? 'none'}`;

function build(c: TvCase): TextVectorization<TextVectorizationOutputMode> {
  const layer = new TextVectorization<TextVectorizationOutputMode>(c.args);
  if (c.adapt) layer.adapt(c.adapt);
  return layer;
}

function expectMatches(layer: TextVectorization<TextVectorizationOutputMode>, c: TvCase): void {
  expect(layer.getVocabulary()).toEqual(c.vocabulary);
  expect(layer.vocabularySize()).toBe(c.vocabularySize);
  const out = layer.call(c.call);
  expect(out.shape).toEqual(c.shape);
  expect(out.data).toBeInstanceOf(
    c.args.outputMode && c.args.outputMode !== 'int' ? Float32Array : Int32Array,
  );
  expect(Array.from(out.data)).toEqual(c.data);
  const idf = layer.getIdfWeights();
  expect(idf === null ? undefined : Array.from(idf)).toEqual(c.idfWeights);
}

describe('TextVectorization matches Keras 3 (fixtures from its algorithm)', () => {
  it('has fixtures for every output mode, ngrams, maxTokens, given vocabularies and the unicode option', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const modes = new Set(cases.map((c) => c.args.outputMode ?? 'int'));
    expect([...modes].sort()).toEqual(['count', 'int', 'multi_hot', 'tf_idf']);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const layer = build(c);
    c.call.slice(0, 4).forEach((text, i) => {
      expect(layer.tokenize(text)).toEqual(c.tokens[i]);
    });
    expectMatches(layer, c);
    if (c.config) expect(layer.getConfig()).toEqual(c.config);
  });

  it.each(cases.map((c) => [label(c), c] as const))(
    'saves and loads (JSON and Keras config + vocabulary.txt): %s',
    (_, c) => {
      const layer = build(c);
      const json = textVectorizationToJSON(layer);
      expectMatches(textVectorizationFromJSON(json), c);
      expect(textVectorizationToJSON(textVectorizationFromJSON(json))).toBe(json);
      // The Keras path loses tokens containing line breaks (splitlines), as Keras does; check the others.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the line breaks of Python's splitlines().
      if (c.vocabulary.some((t) => /[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/.test(t))) return;
      const loaded = textVectorizationFromConfig(layer.getConfig() as never, {
        vocabularyFile: layer.vocabularyFileText(),
        idfWeights: layer.getIdfWeights(),
      });
      expectMatches(loaded, c);
    },
  );

  it("reproduces the examples of Keras' TextVectorization docstring", () => {
    const vec = textVectorization({ maxTokens: 5000, outputMode: 'int', outputSequenceLength: 4 });
    vec.adapt(['foo bar', 'bar baz', 'baz bada boom']);
    expect(vec.call(['foo qux bar', 'qux baz'])).toEqual({
      data: Int32Array.of(4, 1, 3, 0, 1, 2, 0, 0),
      shape: [2, 4],
    });
    const given = textVectorization({
      vocabulary: ['earth', 'wind', 'and', 'fire'],
      outputSequenceLength: 4,
    });
    expect(given.getVocabulary()).toEqual(['', '[UNK]', 'earth', 'wind', 'and', 'fire']);
  });

  it('keeps Keras’ ASCII-only lowercasing by default and lowercases everything with unicode: true', () => {
    const text = 'Café ÉCOLE Straße ΟΔΟΣ ＡＢＣ';
    expect(textVectorization().tokenize(text)).toEqual(['café', 'École', 'straße', 'ΟΔΟΣ', 'ＡＢＣ']);
    expect(textVectorization({ unicode: true }).tokenize(text)).toEqual([
      'café',
      'école',
      'straße',
      'οδος',
      'ａｂｃ',
    ]);
  });

  it('splits Korean on NBSP / U+3000 and strips full-width punctuation only with unicode: true', () => {
    const text = '정말\u00a0별로였어요… 시간\u3000낭비。「최고」';
    expect(textVectorization().tokenize(text)).toEqual(['정말\u00a0별로였어요…', '시간\u3000낭비。「최고」']);
    expect(textVectorization({ unicode: true }).tokenize(text)).toEqual([
      '정말',
      '별로였어요',
      '시간',
      '낭비최고',
    ]);
    // NFC: conjoining jamo become the precomposed syllable.
    expect(textVectorization({ unicode: true }).tokenize('\u1100\u1161\u11a8')).toEqual(['각']);
  });
});

describe('TextVectorization adapt streams', () => {
  const corpus = cases[0]!.adapt!;

  it('adaptAsync over an async generator of chunks gives the same vocabulary and idf as adapt', async () => {
    async function* chunks() {
      for (let i = 0; i < corpus.length; i += 3) yield corpus.slice(i, i + 3);
    }
    for (const outputMode of ['int', 'tf_idf'] as const) {
      const a = textVectorization({ outputMode });
      a.adapt(corpus);
      const b = textVectorization({ outputMode });
      await b.adaptAsync(chunks());
      expect(b.getVocabulary()).toEqual(a.getVocabulary());
      expect(b.getIdfWeights()).toEqual(a.getIdfWeights());
    }
  });

  it('adapt takes a generator of single strings, honours steps, and replaces the previous vocabulary', () => {
    const vec = textVectorization();
    vec.adapt(
      (function* () {
        yield* corpus;
      })(),
    );
    expect(vec.getVocabulary()).toEqual(cases[0]!.vocabulary);
    vec.adapt(['b a', 'b', 'c d e f'], { steps: 2 });
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'b', 'a']);
  });

  it('stops on an aborted signal and keeps the old vocabulary', async () => {
    const vec = textVectorization();
    vec.adapt(['kept']);
    const controller = new AbortController();
    async function* slow() {
      yield 'one';
      controller.abort();
      yield 'two';
    }
    await expect(vec.adaptAsync(slow(), { signal: controller.signal })).rejects.toThrow();
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'kept']);
  });
});

describe('TextVectorization vocabulary files', () => {
  it('reads a Keras vocabulary.txt asset (splitlines, trailing blanks dropped) and writes the same text', () => {
    expect(readVocabularyAsset('\n[UNK]\nthe\r\nfox\n\n')).toEqual(['', '[UNK]', 'the', 'fox']);
    const vec = textVectorization({ vocabulary: readVocabularyAsset('\n[UNK]\nthe\nfox') });
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'the', 'fox']);
    expect(vec.vocabularyFileText()).toBe('\n[UNK]\nthe\nfox');
  });

  it("reads vocabularyFile as TextVectorization(vocabulary='vocab.txt') does: every line is a token", () => {
    const vec = textVectorization({ vocabularyFile: 'the\r\nfox\n' });
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'the', 'fox']);
    expect(Array.from(vec.call(['the fox ran']).data)).toEqual([2, 3, 1]);
    expect(vec.getConfig().vocabulary).toBeNull();
    // An empty line inside the file is the token '' (masked to 0); a last '\r' alone is end of file.
    expect(textVectorization({ vocabularyFile: 'a\n\nb\n\r' }).getVocabulary()).toEqual([
      '',
      '[UNK]',
      'a',
      '',
      'b',
    ]);
  });
});

describe('TextVectorization from a Keras archive', () => {
  it('loads the layer entry of a .keras config.json with its vocabulary.txt asset', () => {
    const entry = {
      module: 'keras.layers',
      class_name: 'TextVectorization',
      config: {
        ...textVectorization({ maxTokens: 10, outputSequenceLength: 3 }).getConfig(),
        vocabulary_size: 5,
      },
      registered_name: null,
      build_config: { input_shape: null },
    };
    const vec = textVectorizationFromConfig(entry as never, { vocabularyFile: '\n[UNK]\nthe\nfox\ndog' });
    expect(vec.getVocabulary()).toEqual(['', '[UNK]', 'the', 'fox', 'dog']);
    expect(vec.call(['The dog, the cat.'])).toEqual({ data: Int32Array.of(2, 4, 2), shape: [1, 3] });
    expect(() => textVectorizationFromConfig({ class_name: 'Dense', config: {} } as never)).toThrow(
      'expected a TextVectorization layer config; received class_name "Dense".',
    );
  });
});

describe('TextVectorization errors', () => {
  const err = (fn: () => unknown): SequenceError => {
    try {
      fn();
    } catch (e) {
      return e as SequenceError;
    }
    throw new Error('expected an error');
  };

  it('names the valid options', () => {
    expect(err(() => textVectorization({ standardize: 'upper' as never })).message).toBe(
      `standardize must be one of 'lower_and_strip_punctuation', 'lower', 'strip_punctuation', null or a function; received "upper".`,
    );
    expect(err(() => textVectorization({ outputMode: 'one_hot' as never })).message).toBe(
      `outputMode must be one of 'int', 'multi_hot', 'count', 'tf_idf'; received "one_hot".`,
    );
    expect(err(() => textVectorization({ maxTokens: 1 })).message).toBe(
      'maxTokens must be null or an integer greater than 1; received 1.',
    );
    expect(err(() => textVectorization({ ngrams: 0 })).code).toBe('INVALID_ARGUMENT');
    expect(err(() => textVectorization({ outputMode: 'count', outputSequenceLength: 3 })).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(err(() => textVectorization({ padToMaxTokens: true })).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad vocabularies as Keras does', () => {
    expect(err(() => textVectorization({ vocabulary: ['a', 'b', 'a'] })).message).toBe(
      'The passed vocabulary has at least one repeated term: expected unique terms; the repeated terms are ["a"].',
    );
    expect(err(() => textVectorization({ vocabulary: ['a', ''] })).code).toBe('INVALID_VOCABULARY');
    expect(err(() => textVectorization({ vocabulary: ['a', 'b', 'c'], maxTokens: 4 })).message).toBe(
      'Attempted to set a vocabulary larger than the maximum vocab size: the vocabulary size is 5; maxTokens is 4.',
    );
    expect(err(() => textVectorization({ vocabulary: [] })).code).toBe('INVALID_VOCABULARY');
    expect(err(() => textVectorization({ outputMode: 'tf_idf', vocabulary: ['a'] })).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(err(() => textVectorization({ vocabularyFile: 'a\nb\na\n' })).code).toBe('INVALID_VOCABULARY');
    expect(err(() => textVectorization({ vocabulary: ['a'] }).adapt(['b'])).message).toMatch(
      /Cannot adapt layer/,
    );
  });

  it('needs a vocabulary before multi_hot / count / tf_idf calls, and strings as input', () => {
    expect(err(() => textVectorization({ outputMode: 'count' }).call(['a'])).code).toBe('NOT_ADAPTED');
    expect(err(() => textVectorization().call('a b' as never)).message).toBe(
      'call: texts must be an array of strings; received "a b".',
    );
    expect(err(() => textVectorization().call(['a', 3 as never])).message).toBe(
      'call: texts must be an array of strings; element 1 is 3.',
    );
    expect(err(() => textVectorization().adapt(5 as never)).code).toBe('INVALID_ARGUMENT');
  });

  it('cannot save function standardize/split, and rejects foreign JSON', () => {
    const vec = textVectorization({ standardize: (s) => s.toUpperCase() });
    expect(vec.tokenize('a b')).toEqual(['A', 'B']);
    expect(err(() => vec.getConfig()).code).toBe('NOT_SERIALIZABLE');
    expect(err(() => textVectorizationFromJSON('{"format":"x"}')).code).toBe('INVALID_JSON');
    expect(err(() => textVectorizationFromJSON('nope')).code).toBe('INVALID_JSON');
    expect(err(() => textVectorizationFromConfig({ bogus: 1 } as never)).message).toMatch(
      /unknown key "bogus"/,
    );
  });

  it('keeps the vocabulary size fixed in multi_hot mode once set, as Keras does', () => {
    const vec = textVectorization({ outputMode: 'multi_hot' });
    vec.adapt(['a b']);
    expect(err(() => vec.adapt(['a b c'])).code).toBe('INVALID_VOCABULARY');
  });
});
