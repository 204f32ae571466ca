import { describe, expect, it } from 'vitest';
import { padSequences, SequenceError, toCategorical } from '../src/index.js';
import { fixture } from './_fixture.js';

interface CatCase {
  x: number | number[];
  numClasses: number | null;
  shape: number[];
  data: number[];
}

describe('toCategorical matches Keras to_categorical', () => {
  it.each((fixture.categorical as CatCase[]).map((c) => [JSON.stringify(c.x), c.numClasses, c] as const))(
    'x=%s numClasses=%s',
    (_, __, c) => {
      const out = toCategorical(c.x, c.numClasses);
      expect(out.shape).toEqual(c.shape);
      expect(out.data).toBeInstanceOf(Float32Array);
      expect(Array.from(out.data)).toEqual(c.data);
    },
  );

  it('takes typed arrays and matrices like nested arrays', () => {
    expect(toCategorical(Int32Array.of(0, 2, 1))).toEqual(toCategorical([0, 2, 1]));
    const m = padSequences([[1, 2], [3]], { maxlen: 2 });
    expect(toCategorical(m, 4)).toEqual(
      toCategorical(
        [
          [1, 2],
          [0, 3],
        ],
        4,
      ),
    );
    const column = { data: Int32Array.of(1, 0), shape: [2, 1] as const };
    expect(toCategorical(column).shape).toEqual([2, 2]);
  });

  it('rejects negative, fractional and out-of-range labels and ragged input', () => {
    expect(() => toCategorical([0, -1])).toThrow(
      'labels must be non-negative integers; received -1 at flat index 1.',
    );
    expect(() => toCategorical([0.5])).toThrow(SequenceError);
    expect(() => toCategorical([0, 3], 3)).toThrow(
      'label 3 is out of range for numClasses=3; expected labels in [0, 2].',
    );
    expect(() => toCategorical([[0, 1], [1]])).toThrow(/expected length 2 at depth 1, received length 1/);
    expect(() => toCategorical([])).toThrow(/labels are empty and numClasses was not given/);
    expect(() => toCategorical('a' as never)).toThrow(/received "a"/);
  });
});
