import { describe, expect, it } from 'vitest';
import { padSequences, SequenceError } from '../src/index.js';
import { fixture } from './_fixture.js';

interface PadCase {
  sequences: number[][];
  args: {
    maxlen?: number | null;
    padding?: 'pre' | 'post';
    truncating?: 'pre' | 'post';
    dtype?: 'int32' | 'float32';
    value?: number;
  };
  shape?: [number, number];
  data?: number[];
  error?: string;
}

const cases = fixture.pad as PadCase[];

describe('padSequences matches Keras pad_sequences', () => {
  it.each(cases.map((c) => [JSON.stringify(c.args), c] as const))('%s', (_, c) => {
    const input = c.sequences.map((s) => s.slice());
    if (c.error) {
      expect(() => padSequences(input, c.args)).toThrow(SequenceError);
      return;
    }
    const out = padSequences(input, c.args);
    expect(out.shape).toEqual(c.shape);
    expect(out.data).toBeInstanceOf(c.args.dtype === 'float32' ? Float32Array : Int32Array);
    expect(Array.from(out.data)).toEqual(c.data);
    expect(input).toEqual(c.sequences);
  });

  it('covers every padding × truncating × maxlen combination', () => {
    expect(cases.length).toBeGreaterThanOrEqual(96);
  });

  it('takes typed-array sequences (fast path) with the same result and no mutation', () => {
    const plain = [[1, 2, 3, 4], [5], []];
    const typed = plain.map((s) => Int32Array.from(s));
    for (const padding of ['pre', 'post'] as const) {
      for (const truncating of ['pre', 'post'] as const) {
        const a = padSequences(plain, { maxlen: 3, padding, truncating });
        const b = padSequences(typed, { maxlen: 3, padding, truncating });
        expect(Array.from(b.data)).toEqual(Array.from(a.data));
      }
    }
    expect(Array.from(typed[0]!)).toEqual([1, 2, 3, 4]);
    const f = padSequences([Float32Array.of(0.5, 1.5)], { maxlen: 3, dtype: 'float32' });
    expect(Array.from(f.data)).toEqual([0, 0.5, 1.5]);
  });

  it('defaults to int32, pre padding, pre truncating and the longest length', () => {
    const out = padSequences([[1, 2, 3], [4]]);
    expect(out).toEqual({ data: Int32Array.of(1, 2, 3, 0, 0, 4), shape: [2, 3] });
  });
});

describe('padSequences errors', () => {
  const err = (fn: () => unknown): SequenceError => {
    try {
      fn();
    } catch (e) {
      return e as SequenceError;
    }
    throw new Error('expected an error');
  };

  it('lists the valid padding and truncating values', () => {
    const e = err(() => padSequences([[1]], { padding: 'middle' as never }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toBe(`padding must be one of 'pre', 'post'; received "middle".`);
    expect(err(() => padSequences([], { truncating: 'x' as never, maxlen: 2 })).message).toBe(
      `truncating must be one of 'pre', 'post'; received "x".`,
    );
  });

  it('rejects negative or fractional maxlen', () => {
    expect(err(() => padSequences([[1]], { maxlen: -1 })).message).toBe(
      'maxlen must be a non-negative integer; received -1.',
    );
    expect(err(() => padSequences([[1]], { maxlen: 2.5 })).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects ragged input that is not an array of integer sequences', () => {
    expect(err(() => padSequences([[1, 2], 3 as never])).message).toBe(
      'sequences must be an array of integer sequences (arrays or typed arrays); element 1 is 3.',
    );
    expect(err(() => padSequences([[1, 2.5]])).message).toBe(
      'sequences must hold int32 integers; sequence 0 has 2.5 at index 1.',
    );
    expect(err(() => padSequences([[1, 'a' as never]])).code).toBe('INVALID_SEQUENCES');
    expect(err(() => padSequences(5 as never)).message).toBe(
      'sequences must be an array of integer sequences; received 5.',
    );
    expect(err(() => padSequences([])).code).toBe('INVALID_SEQUENCES');
  });

  it("rejects maxlen 0 with truncating 'pre' as Keras does, and explains why", () => {
    expect(err(() => padSequences([[1]], { maxlen: 0 })).message).toMatch(
      /s\[-0:\] keeps the whole sequence/,
    );
    expect(padSequences([[1]], { maxlen: 0, truncating: 'post' }).shape).toEqual([1, 0]);
  });
});

describe('padSequences of vector sequences matches Keras pad_sequences (sample_shape)', () => {
  interface VecCase {
    sequences: number[][][];
    args: PadCase['args'];
    shape?: [number, number, number];
    data?: number[];
    error?: string;
  }
  const vectorCases = fixture.padVectors as VecCase[];

  it('covers every padding × truncating × maxlen combination', () => {
    expect(vectorCases.length).toBeGreaterThanOrEqual(72);
  });

  it.each(vectorCases.map((c) => [JSON.stringify(c.args), c] as const))('%s', (_, c) => {
    const input = c.sequences.map((s) => s.map((v) => v.slice()));
    if (c.error) {
      expect(() => padSequences(input, c.args)).toThrow(SequenceError);
      return;
    }
    const out = padSequences(input, c.args);
    expect(out.shape).toEqual(c.shape);
    expect(out.data).toBeInstanceOf(c.args.dtype === 'float32' ? Float32Array : Int32Array);
    expect(Array.from(out.data as ArrayLike<number>)).toEqual(c.data);
    expect(input).toEqual(c.sequences);
  });

  it('takes typed-array vectors', () => {
    const out = padSequences([[Float32Array.of(0.5, 1)], []], {
      maxlen: 2,
      dtype: 'float32',
      padding: 'post',
    });
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.data)).toEqual([0.5, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('says which vector has the wrong length or a bad value', () => {
    expect(() => padSequences([[[1, 2]], [[3]]])).toThrow(
      'Shape of sample is different from expected shape: every element must be a vector of length 2 (from the first non-empty sequence, 0); sequence 1 has an array of length 1 at index 0.',
    );
    expect(() => padSequences([[[1, 2]], [4 as never]])).toThrow(/sequence 1 has 4 at index 0/);
    expect(() => padSequences([[[1, 2.5]]])).toThrow(
      'sequences must hold int32 integers; sequence 0 has 2.5 at index [0][1].',
    );
  });
});

// Port of keras/src/utils/sequence_utils_test.py (Keras 3), every case. assertAllClose: |a - e| <= 1e-6 + 1e-6 |e|.
describe("Keras' own sequence_utils_test.py", () => {
  const allClose = (actual: { data: ArrayLike<number> }, expected: unknown[]) => {
    const flat = (expected as number[]).flat(2) as number[];
    expect(actual.data.length).toBe(flat.length);
    Array.from(actual.data).forEach((a, i) => {
      expect(Math.abs(a - flat[i]!)).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(flat[i]!));
    });
  };

  it('test_pad_sequences', () => {
    const a = [[1], [1, 2], [1, 2, 3]];
    allClose(padSequences(a, { maxlen: 3, padding: 'pre' }), [
      [0, 0, 1],
      [0, 1, 2],
      [1, 2, 3],
    ]);
    allClose(padSequences(a, { maxlen: 3, padding: 'post' }), [
      [1, 0, 0],
      [1, 2, 0],
      [1, 2, 3],
    ]);
    allClose(padSequences(a, { maxlen: 2, truncating: 'pre' }), [
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    allClose(padSequences(a, { maxlen: 2, truncating: 'post' }), [
      [0, 1],
      [1, 2],
      [1, 2],
    ]);
    allClose(padSequences(a, { maxlen: 3, value: 1 }), [
      [1, 1, 1],
      [1, 1, 2],
      [1, 2, 3],
    ]);
  });

  it('test_pad_sequences_float', () => {
    const a = [[1.2], [1.2, 2.3], [1.2, 2.3, 3.4]];
    const f = { dtype: 'float32' } as const;
    // float32 values: compare against the float32 rounding of the expected numbers.
    const r = (m: number[][]) => m.map((row) => row.map(Math.fround));
    allClose(
      padSequences(a, { ...f, maxlen: 3, padding: 'pre' }),
      r([
        [0, 0, 1.2],
        [0, 1.2, 2.3],
        [1.2, 2.3, 3.4],
      ]),
    );
    allClose(
      padSequences(a, { ...f, maxlen: 3, padding: 'post' }),
      r([
        [1.2, 0, 0],
        [1.2, 2.3, 0],
        [1.2, 2.3, 3.4],
      ]),
    );
    allClose(
      padSequences(a, { ...f, maxlen: 2, truncating: 'pre' }),
      r([
        [0, 1.2],
        [1.2, 2.3],
        [2.3, 3.4],
      ]),
    );
    allClose(
      padSequences(a, { ...f, maxlen: 2, truncating: 'post' }),
      r([
        [0, 1.2],
        [1.2, 2.3],
        [1.2, 2.3],
      ]),
    );
    allClose(
      padSequences(a, { ...f, maxlen: 3, value: 1 }),
      r([
        [1, 1, 1.2],
        [1, 1.2, 2.3],
        [1.2, 2.3, 3.4],
      ]),
    );
  });

  it('test_pad_sequences_str', () => {
    const a = [['1'], ['1', '2'], ['1', '2', '3']];
    const s = { dtype: 'string', value: 'pad' } as const;
    expect(padSequences(a, { ...s, maxlen: 3, padding: 'pre' })).toEqual({
      data: [
        ['pad', 'pad', '1'],
        ['pad', '1', '2'],
        ['1', '2', '3'],
      ].flat(),
      shape: [3, 3],
    });
    expect(padSequences(a, { ...s, maxlen: 3, padding: 'post' }).data).toEqual(
      [
        ['1', 'pad', 'pad'],
        ['1', '2', 'pad'],
        ['1', '2', '3'],
      ].flat(),
    );
    expect(padSequences(a, { ...s, maxlen: 2, truncating: 'pre' }).data).toEqual(
      [
        ['pad', '1'],
        ['1', '2'],
        ['2', '3'],
      ].flat(),
    );
    expect(padSequences(a, { ...s, maxlen: 2, truncating: 'post' }).data).toEqual(
      [
        ['pad', '1'],
        ['1', '2'],
        ['1', '2'],
      ].flat(),
    );
    // with self.assertRaisesRegex(ValueError, "`dtype` int32 is not compatible with "):
    expect(() => padSequences(a as never, { maxlen: 2, truncating: 'post', value: 'pad' as never })).toThrow(
      /^`dtype` int32 is not compatible with /,
    );
  });

  it('test_pad_sequences_vector', () => {
    const a = [
      [[1, 1]],
      [
        [2, 1],
        [2, 2],
      ],
      [
        [3, 1],
        [3, 2],
        [3, 3],
      ],
    ];
    allClose(padSequences(a, { maxlen: 3, padding: 'pre' }), [
      [
        [0, 0],
        [0, 0],
        [1, 1],
      ],
      [
        [0, 0],
        [2, 1],
        [2, 2],
      ],
      [
        [3, 1],
        [3, 2],
        [3, 3],
      ],
    ]);
    allClose(padSequences(a, { maxlen: 3, padding: 'post' }), [
      [
        [1, 1],
        [0, 0],
        [0, 0],
      ],
      [
        [2, 1],
        [2, 2],
        [0, 0],
      ],
      [
        [3, 1],
        [3, 2],
        [3, 3],
      ],
    ]);
    allClose(padSequences(a, { maxlen: 2, truncating: 'pre' }), [
      [
        [0, 0],
        [1, 1],
      ],
      [
        [2, 1],
        [2, 2],
      ],
      [
        [3, 2],
        [3, 3],
      ],
    ]);
    allClose(padSequences(a, { maxlen: 2, truncating: 'post' }), [
      [
        [0, 0],
        [1, 1],
      ],
      [
        [2, 1],
        [2, 2],
      ],
      [
        [3, 1],
        [3, 2],
      ],
    ]);
    allClose(padSequences(a, { maxlen: 3, value: 1 }), [
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      [
        [1, 1],
        [2, 1],
        [2, 2],
      ],
      [
        [3, 1],
        [3, 2],
        [3, 3],
      ],
    ]);
    expect(padSequences(a, { maxlen: 3 }).shape).toEqual([3, 3, 2]);
  });
});

describe('padSequences size guard', () => {
  it('refuses a padded array over 2^28 values instead of allocating gigabytes', () => {
    expect(() => padSequences([[1, 2, 3]], { maxlen: 1e9 })).toThrow(
      'the padded array would hold 1 × 1000000000 = 1000000000 values; expected at most 268435456 (1 GiB). ' +
        'Use a smaller maxlen, or pad the sequences in batches.',
    );
    expect(padSequences([[1, 2, 3]], { maxlen: 5 }).shape).toEqual([1, 5]);
  });
});
