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
