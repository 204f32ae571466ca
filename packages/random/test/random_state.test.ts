import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RandomState, RandomStateError, type Seed } from '../src/index.js';

type Op = [string, ...unknown[]];
interface Summary {
  values?: number[];
  n?: number;
  head?: number[];
  tail?: number[];
  sha256?: string;
}
interface Fixture {
  numpy: string;
  seeds: {
    seed: number | number[];
    keyHead: number[];
    keyTail: number[];
    keySha256: string;
    pos: number;
    samples: number[];
    raw: number[];
  }[];
  scripts: { seed: number | number[]; ops: Op[]; results: unknown[] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/random.json', import.meta.url), 'utf8'),
) as Fixture;

function sha256Int32(values: ArrayLike<number>): string {
  const buf = Buffer.from(Int32Array.from(values).buffer);
  return createHash('sha256').update(buf).digest('hex');
}

function summarize(values: Int32Array): Summary {
  const arr = Array.from(values);
  if (arr.length <= 20) return { values: arr };
  return { n: arr.length, head: arr.slice(0, 5), tail: arr.slice(-5), sha256: sha256Int32(arr) };
}

function run(rng: RandomState, op: Op): unknown {
  const [kind, a, b, c] = op as [string, number, number, number];
  switch (kind) {
    case 'random_sample':
      return rng.randomSample();
    case 'random_sample_size':
      return Array.from(rng.randomSample(a));
    case 'randint':
      return rng.randint(a, b);
    case 'randint1':
      return rng.randint(a);
    case 'randint_size':
      return Array.from(rng.randint(a, b, c));
    case 'raw':
      return rng.nextUint32();
    case 'shuffle': {
      const arr = Int32Array.from({ length: a }, (_, i) => i);
      expect(rng.shuffle(arr)).toBe(arr);
      return summarize(arr);
    }
    case 'shuffle_list':
      return rng.shuffle(Array.from({ length: a }, (_, i) => `w${i}`));
    case 'permutation':
      return summarize(rng.permutation(a));
    case 'permutation_array': {
      const input = Float64Array.from(op[1] as number[]);
      const before = Array.from(input);
      const out = rng.permutation(input);
      expect(Array.from(input)).toEqual(before);
      expect(out).toBeInstanceOf(Float64Array);
      return Array.from(out);
    }
    default:
      throw new Error(`unknown op ${kind}`);
  }
}

describe('RandomState seeding (numpy legacy _legacy_seeding)', () => {
  it.each(fixture.seeds.map((s) => [JSON.stringify(s.seed).slice(0, 30), s] as const))(
    'seed %s gives numpy state and draws',
    (_, s) => {
      const rng = new RandomState(s.seed);
      const { key, pos } = rng.getState();
      expect(Array.from(key.slice(0, 6))).toEqual(s.keyHead);
      expect(Array.from(key.slice(-3))).toEqual(s.keyTail);
      expect(createHash('sha256').update(Buffer.from(key.buffer)).digest('hex')).toBe(s.keySha256);
      expect(pos).toBe(s.pos);
      expect(Array.from(rng.randomSample(5))).toEqual(s.samples);
      expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual(s.raw);
    },
  );

  it('accepts bigint seeds and typed-array seeds like their number forms', () => {
    expect(new RandomState(113n).randomSample()).toBe(new RandomState(113).randomSample());
    expect(new RandomState(Uint32Array.of(1, 2, 3)).randomSample()).toBe(
      new RandomState([1, 2, 3]).randomSample(),
    );
  });

  it('reseeds in place with seed()', () => {
    const rng = new RandomState(1);
    rng.randomSample(700);
    rng.seed(42);
    expect(rng.randomSample()).toBe(0.3745401188473625);
  });

  it('seeds from entropy when no seed is given', () => {
    const a = new RandomState();
    const b = new RandomState();
    expect(a.getState().key[0]).toBe(0x80000000);
    expect(Array.from(a.randomSample(4))).not.toEqual(Array.from(b.randomSample(4)));
  });

  it.each<[string, unknown]>([
    ['negative', -1],
    ['too large', 2 ** 32],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['bigint too large', 2n ** 32n],
    ['empty array', []],
    ['array with negative', [1, -2]],
    ['string', 'abc'],
  ])('rejects a %s seed with INVALID_SEED', (_, seed) => {
    expect(() => new RandomState(seed as Seed)).toThrow(RandomStateError);
    try {
      new RandomState(seed as Seed);
    } catch (error) {
      expect((error as RandomStateError).code).toBe('INVALID_SEED');
      expect((error as Error).message).toMatch(/Seed must be/);
    }
  });
});

describe('RandomState streams match numpy call for call', () => {
  it.each(fixture.scripts.map((s, i) => [i, JSON.stringify(s.seed).slice(0, 30), s] as const))(
    'script %i (seed %s)',
    (_, __, s) => {
      const rng = new RandomState(s.seed);
      const results = s.ops.map((op) => run(rng, op));
      expect(results).toEqual(s.results);
    },
  );

  it('fixture was printed by numpy', () => {
    expect(fixture.numpy).toMatch(/^\d+\.\d+/);
  });
});

describe('state snapshots', () => {
  it('setState replays the stream from a snapshot', () => {
    const rng = new RandomState(9);
    rng.randomSample(100);
    const snap = rng.getState();
    const first = Array.from(rng.randint(0, 1000, 50));
    rng.setState(snap);
    expect(Array.from(rng.randint(0, 1000, 50))).toEqual(first);
  });

  it('rejects a malformed state', () => {
    const rng = new RandomState(0);
    expect(() => rng.setState({ key: new Uint32Array(3), pos: 0 })).toThrow(/624 elements; received/);
    expect(() => rng.setState({ key: new Uint32Array(624), pos: 625 })).toThrow(/\[0, 624\]; received 625/);
  });
});

describe('argument errors', () => {
  const rng = new RandomState(0);
  it('randint rejects low >= high, non-integers and ranges beyond 2**53', () => {
    expect(() => rng.randint(0)).toThrow(
      'randint: low >= high; expected low < high, received low=0, high=0.',
    );
    expect(() => rng.randint(5, 2)).toThrow(/received low=5, high=2/);
    expect(() => rng.randint(0.5, 2)).toThrow(/received low=0.5/);
    expect(() => rng.randint(-(2 ** 53) + 1, 2 ** 53 - 1)).toThrow(/at most 2\*\*53/);
    expect(() => rng.randint(0, 10, -1)).toThrow(/size must be a non-negative integer; received -1/);
  });
  it('permutation and shuffle reject non-arrays', () => {
    expect(() => rng.permutation(-1)).toThrow(/n must be an integer in \[0, 2\*\*31 - 1\]; received -1/);
    expect(() => rng.permutation({} as never)).toThrow(/expected an integer or a 1-D array/);
    expect(() => rng.shuffle(null as never)).toThrow(/expected an array or typed array; received null/);
  });
  it('errors carry a code', () => {
    try {
      rng.randint(3, 3);
    } catch (error) {
      expect(error).toBeInstanceOf(RandomStateError);
      expect((error as RandomStateError).code).toBe('INVALID_ARGUMENT');
    }
    expect.assertions(2);
  });
});
