import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pyFloatRepr, pyFormat, pyFormatValue } from '../src/_pyformat.js';

type Num = number | string;
interface Fixture {
  reprs: [Num, string][];
  formats: [Num, string, string][];
  ints: [number, string, string][];
  templates: [string, Record<string, number>, Record<string, number>, string][];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/formatting.json', import.meta.url), 'utf8'),
) as Fixture;
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

describe("Python's float formatting", () => {
  it('str(float) matches Python for every fixture value', () => {
    const got = fixture.reprs.map(([x]) => pyFloatRepr(num(x)));
    expect(got).toEqual(fixture.reprs.map(([, s]) => s));
  });

  it('format(float, spec) matches Python (f, e, g, %, width, fill, sign, ties to even)', () => {
    const mismatches = fixture.formats
      .map(([x, spec, want]) => [x, spec, want, pyFormatValue({ kind: 'float', value: num(x) }, spec)])
      .filter(([, , want, got]) => want !== got);
    expect(mismatches).toEqual([]);
    expect(fixture.formats.length).toBeGreaterThan(2000);
  });

  it('format(int, spec) matches Python', () => {
    for (const [n, spec, want] of fixture.ints) {
      expect(pyFormatValue({ kind: 'int', value: n }, spec)).toBe(want);
    }
  });

  it('str.format templates match Python, with Keras-style keyword fields', () => {
    for (const [template, ints, floats, want] of fixture.templates) {
      const values = {
        ...Object.fromEntries(Object.entries(ints).map(([k, v]) => [k, { kind: 'int' as const, value: v }])),
        ...Object.fromEntries(
          Object.entries(floats).map(([k, v]) => [k, { kind: 'float' as const, value: v }]),
        ),
      };
      expect(pyFormat(template, values)).toBe(want);
    }
  });

  it('rejects what Python rejects', () => {
    expect(() => pyFormatValue({ kind: 'float', value: 1.5 }, 'd')).toThrow(
      /format code 'd' needs an integer/,
    );
    expect(() => pyFormat('{missing}', {})).toThrow(/missing field 'missing'/);
    expect(() => pyFormat('a}b', {})).toThrow(/single '}'/);
  });
});
