import { RandomState } from '@seqlab/random';
import { describe, expect, it } from 'vitest';
import { padSequences, SequenceError, trainTestSplit } from '../src/index.js';
import { fixture, type Summary, summarize } from './_fixture.js';

interface SkArgs {
  random_state?: number;
  test_size?: number;
  train_size?: number;
  shuffle?: boolean;
}
interface SplitCase {
  n: number;
  args: SkArgs;
  train: Summary;
  test: Summary;
}
interface StratifyCase extends SplitCase {
  name: string;
  y: Array<number | string> | { randint: [number, number, number] };
}

const toArgs = (a: SkArgs) => ({
  randomState: a.random_state,
  testSize: a.test_size,
  trainSize: a.train_size,
  shuffle: a.shuffle,
});

const arange = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

const err = (fn: () => unknown): SequenceError => {
  try {
    fn();
  } catch (e) {
    return e as SequenceError;
  }
  throw new Error('expected an error');
};

describe('trainTestSplit matches scikit-learn train_test_split', () => {
  it.each((fixture.split as SplitCase[]).map((c) => [c.n, JSON.stringify(c.args), c] as const))(
    'n=%i %s',
    (_, __, c) => {
      const [train, test] = trainTestSplit(arange(c.n), toArgs(c.args));
      expect(train).toBeInstanceOf(Int32Array);
      expect(summarize(train)).toEqual(c.train);
      expect(summarize(test)).toEqual(c.test);
    },
  );

  it('splits every array the same way and keeps each kind', () => {
    const x = [[1], [2, 2], [3], [4, 4, 4], [5], [6]];
    const y = Float64Array.of(10, 20, 30, 40, 50, 60);
    const m = padSequences(x, { maxlen: 2 });
    const [xTrain, xTest, yTrain, yTest, mTrain, mTest] = trainTestSplit(x, y, m, {
      randomState: 42,
      testSize: 0.5,
    });
    expect(Array.isArray(xTrain)).toBe(true);
    expect(yTrain).toBeInstanceOf(Float64Array);
    const [iTrain, iTest] = trainTestSplit(arange(6), { randomState: 42, testSize: 0.5 });
    expect(xTrain).toEqual(Array.from(iTrain, (i) => x[i]));
    expect(xTest).toEqual(Array.from(iTest, (i) => x[i]));
    expect(Array.from(yTrain)).toEqual(Array.from(iTrain, (i) => y[i]));
    expect(Array.from(yTest)).toEqual(Array.from(iTest, (i) => y[i]));
    expect(mTrain.shape).toEqual([3, 2]);
    expect(Array.from(mTest.data)).toEqual(
      Array.from(iTest).flatMap((i) => Array.from(m.data.slice(i * 2, i * 2 + 2))),
    );
  });

  it('draws from a given RandomState and advances it', () => {
    const rng = new RandomState(42);
    const [a] = trainTestSplit(arange(10), { randomState: rng });
    const [b] = trainTestSplit(arange(10), { randomState: 42 });
    expect(Array.from(a)).toEqual(Array.from(b));
    const [c] = trainTestSplit(arange(10), { randomState: rng });
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });
});

describe('trainTestSplit stratify matches scikit-learn StratifiedShuffleSplit', () => {
  const rng = new RandomState(0);
  const drawn: Record<string, number[]> = {};
  for (const c of fixture.stratify as StratifyCase[]) {
    if (!Array.isArray(c.y) && drawn[c.name] === undefined) {
      const [lo, hi, size] = c.y.randint;
      drawn[c.name] = Array.from(rng.randint(lo, hi, size));
    }
  }
  it.each((fixture.stratify as StratifyCase[]).map((c) => [c.name, JSON.stringify(c.args), c] as const))(
    '%s %s',
    (_, __, c) => {
      const y = Array.isArray(c.y) ? c.y : drawn[c.name]!;
      const [train, test, yTrain] = trainTestSplit(arange(y.length), y, { ...toArgs(c.args), stratify: y });
      expect(summarize(train)).toEqual(c.train);
      expect(summarize(test)).toEqual(c.test);
      expect(yTrain).toEqual(Array.from(train, (i) => y[i]));
    },
  );

  it('rejects classes with one member, too few samples per class and shuffle=false', () => {
    expect(
      err(() => trainTestSplit(arange(5), { stratify: [0, 0, 1, 1, 2], randomState: 0 })).message,
    ).toMatch(/least populated class in stratify has only 1 member.*class 2 has 1/);
    expect(
      err(() => trainTestSplit(arange(6), { stratify: [0, 0, 1, 1, 2, 2], testSize: 2, randomState: 0 }))
        .message,
    ).toBe('The test size = 2 should be greater or equal to the number of classes = 3.');
    expect(err(() => trainTestSplit(arange(4), { stratify: [0, 0, 1, 1], shuffle: false })).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(err(() => trainTestSplit(arange(4), { stratify: [0, 'a', 1, 1] })).code).toBe('INVALID_LABELS');
  });
});

describe('trainTestSplit errors', () => {
  it.each<[string, object, string]>([
    [
      'testSize > 1 float',
      { testSize: 1.5 },
      'testSize=1.5 should be either positive and smaller than the number of samples 10 or a float in the (0, 1) range.',
    ],
    [
      'testSize = n',
      { testSize: 10 },
      'testSize=10 should be either positive and smaller than the number of samples 10 or a float in the (0, 1) range.',
    ],
    [
      'negative testSize',
      { testSize: -0.2 },
      'testSize=-0.2 should be either positive and smaller than the number of samples 10 or a float in the (0, 1) range.',
    ],
    [
      'trainSize 0',
      { trainSize: 0 },
      'trainSize=0 should be either positive and smaller than the number of samples 10 or a float in the (0, 1) range.',
    ],
    [
      'sum of fractions > 1',
      { testSize: 0.6, trainSize: 0.5 },
      'The sum of testSize and trainSize = 1.1, should be in the (0, 1) range. Reduce testSize and/or trainSize.',
    ],
    [
      'sum of counts > n',
      { testSize: 6, trainSize: 5 },
      'The sum of trainSize and testSize = 11, should be smaller than the number of samples 10. Reduce testSize and/or trainSize.',
    ],
    [
      'NaN',
      { testSize: Number.NaN },
      'Invalid value for testSize: expected an integer count or a float in the (0, 1) range; received NaN.',
    ],
    [
      'string',
      { trainSize: '0.5' },
      'Invalid value for trainSize: expected an integer count or a float in the (0, 1) range; received "0.5".',
    ],
  ])('%s', (_, args, message) => {
    const e = err(() => trainTestSplit(arange(10), args));
    expect(e).toBeInstanceOf(SequenceError);
    expect(e.code).toBe('INVALID_SPLIT');
    expect(e.message).toBe(message);
  });

  it('rejects an empty train set, inconsistent lengths and no arrays', () => {
    expect(err(() => trainTestSplit(arange(1))).message).toMatch(/resulting train set will be empty/);
    const e = err(() => trainTestSplit(arange(3), [1, 2]));
    expect(e.code).toBe('INCONSISTENT_LENGTH');
    expect(e.message).toMatch(/inconsistent numbers of samples: \[3, 2\]/);
    expect(err(() => trainTestSplit()).message).toBe('At least one array required as input; received none.');
    expect(err(() => trainTestSplit(arange(3), 5 as never)).message).toMatch(/argument 1 must be an array/);
  });
});
