import { describe, expect, it } from 'vitest';
import { extent, formatTicks, niceTicks, renderSvgChart } from '../src/index.js';

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0.31, 0.69, 4)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(1, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    // A flat curve gets a ±5% band around it.
    expect(niceTicks(0.6925, 0.6925)).toEqual([0.64, 0.66, 0.68, 0.7, 0.72, 0.74]);
  });

  it('returns nothing for non-finite bounds', () => {
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
  });
});

describe('extent', () => {
  it('ignores NaN and infinities', () => {
    expect(extent([{ name: 'a', values: [0.5, Number.NaN, 0.2, Number.POSITIVE_INFINITY] }])).toEqual([
      0.2, 0.5,
    ]);
    expect(extent([])).toEqual([0, 1]);
  });
});

describe('renderSvgChart', () => {
  const svg = renderSvgChart(
    [
      { name: 'loss', values: [0.69, 0.6, 0.5] },
      { name: 'val_<loss>', values: [0.7, 0.65, Number.NaN] },
    ],
    { title: 'lstm & co' },
  );

  it('draws one polyline per series with one point per finite epoch', () => {
    const polylines = [...svg.matchAll(/points="([^"]*)"/g)].map((m) => (m[1] ?? '').split(' ').length);
    expect(polylines).toEqual([3, 2]);
  });

  it('marks every finite point, so a single epoch is visible', () => {
    expect(svg.match(/<circle /g)).toHaveLength(5);
    const one = renderSvgChart([{ name: 'loss', values: [0.69] }]);
    expect(one.match(/<circle /g)).toHaveLength(1);
  });

  it('escapes names and titles', () => {
    expect(svg).toContain('val_&#60;loss&#62;');
    expect(svg).toContain('lstm &#38; co');
    expect(svg).not.toContain('val_<loss>');
  });

  it('maps the lowest value to the bottom of the plot area', () => {
    const first = /points="([^"]*)"/.exec(svg)?.[1]?.split(' ') ?? [];
    const ys = first.map((p) => Number(p.split(',')[1]));
    expect(ys[2]).toBeGreaterThan(ys[0] as number);
  });
});

describe('axis tick labels', () => {
  it('never repeat when a curve moves little (issue #18.5)', () => {
    const ticks = niceTicks(0.69243, 0.69262, 6);
    const labels = formatTicks(ticks);
    expect(new Set(labels).size).toBe(ticks.length);
    expect(labels.map(Number)).toEqual(ticks);
    const svg = renderSvgChart([{ name: 'loss', values: [0.69243, 0.6925, 0.69262] }]);
    const yLabels = [...svg.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]*)</g)].map(
      (m) => m[1],
    );
    expect(yLabels).toEqual(labels);
    expect(new Set(yLabels).size).toBe(yLabels.length);
  });

  it('use as few decimals as the step needs', () => {
    expect(formatTicks([0.3, 0.4, 0.5])).toEqual(['0.3', '0.4', '0.5']);
    expect(formatTicks([0, 20, 40])).toEqual(['0', '20', '40']);
    expect(formatTicks([0.6924, 0.69245, 0.6925])).toEqual(['0.6924', '0.69245', '0.6925']);
    expect(formatTicks([-0.5, 0, 0.5])).toEqual(['-0.5', '0', '0.5']);
  });
});
