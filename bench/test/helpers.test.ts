import { describe, expect, it } from 'vitest';
import { fmt, formatTable, median, ratio, round } from '../src/index.js';

describe('median', () => {
  it('is the middle sample for an odd count, as numpy.median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([5])).toBe(5);
    expect(median([9, -1, 4, 4, 100])).toBe(4);
  });

  it('is the mean of the middle two for an even count, as numpy.median', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1.5, 0.5])).toBe(1);
  });

  it('does not reorder its input', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('rejects an empty list, saying what it expected', () => {
    expect(() => median([])).toThrow('median: expected at least one sample, got an empty list.');
  });
});

describe('ratio, round, fmt', () => {
  it('divides, or gives null when a side is missing or the denominator is 0', () => {
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(6, undefined)).toBeNull();
    expect(ratio(6, 0)).toBeNull();
  });

  it('rounds and formats, with – for a missing value', () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.23456, 1)).toBe(1.2);
    expect(fmt(13.449, 1, 'x')).toBe('13.4x');
    expect(fmt(null)).toBe('–');
    expect(fmt(Number.NaN)).toBe('–');
  });
});

describe('formatTable', () => {
  const columns = [{ header: 'model' }, { header: 's/epoch', align: 'right' as const }, { header: 'ok' }];
  const rows = [
    ['lstm', '1.20', 'pass'],
    ['stacked-lstm', '13.45*', 'FAIL'],
  ];

  it('aligns text columns, right-aligning numbers, with a dashed rule', () => {
    expect(formatTable(columns, rows)).toBe(
      [
        'model         s/epoch  ok',
        '------------  -------  ----',
        'lstm             1.20  pass',
        'stacked-lstm   13.45*  FAIL',
      ].join('\n'),
    );
  });

  it('renders an aligned Markdown table with ---: for right-aligned columns', () => {
    expect(formatTable(columns, rows, 'markdown')).toBe(
      [
        '| model        | s/epoch | ok   |',
        '| ------------ | ------: | ---- |',
        '| lstm         |    1.20 | pass |',
        '| stacked-lstm |  13.45* | FAIL |',
      ].join('\n'),
    );
  });

  it('fills a short row with empty cells', () => {
    expect(formatTable([{ header: 'a' }, { header: 'b' }], [['x']])).toBe(['a  b', '-  -', 'x'].join('\n'));
  });
});
