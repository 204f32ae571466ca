// Port of sklearn/model_selection/_split.py StratifiedShuffleSplit._iter_indices and
// sklearn/utils/__init__.py _approximate_mode (scikit-learn 1.2), on numpy's legacy RandomState.
import type { RandomState } from '@seqlab/random';
import { describe } from './_describe.js';
import { SequenceError } from './errors.js';

export type ClassLabel = number | string | boolean;

function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** np.unique(y, return_inverse=True): sorted classes and each sample's class index. */
function uniqueInverse(y: ArrayLike<ClassLabel>): { classes: ClassLabel[]; inverse: Int32Array } {
  const n = y.length;
  const kind = n > 0 ? typeof y[0] : 'number';
  const seen = new Map<ClassLabel, number>();
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (typeof v !== kind || !['number', 'string', 'boolean'].includes(typeof v) || Number.isNaN(v)) {
      throw new SequenceError(
        'INVALID_LABELS',
        `stratify must hold labels of one type (numbers, strings or booleans, no NaN); received ${describe(v)} at index ${i} after a ${kind}.`,
      );
    }
    if (!seen.has(v)) seen.set(v, 0);
  }
  const classes = [...seen.keys()];
  if (kind === 'string') classes.sort((a, b) => compareCodePoints(a as string, b as string));
  else classes.sort((a, b) => Number(a) - Number(b));
  classes.forEach((c, i) => {
    seen.set(c, i);
  });
  const inverse = new Int32Array(n);
  for (let i = 0; i < n; i++) inverse[i] = seen.get(y[i]!)!;
  return { classes, inverse };
}

function approximateMode(classCounts: number[], nDraws: number, rng: RandomState): number[] {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const continuous = classCounts.map((c) => (c / total) * nDraws);
  const floored = continuous.map(Math.floor);
  let needToAdd = Math.trunc(nDraws - floored.reduce((a, b) => a + b, 0));
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds: number[] = [];
      remainder.forEach((r, i) => {
        if (r === value) inds.push(i);
      });
      const addNow = Math.min(inds.length, needToAdd);
      // Legacy RandomState.choice(inds, addNow, replace=False) is permutation(len(inds))[:addNow].
      const chosen = rng.permutation(inds.length).subarray(0, addNow);
      for (const k of chosen) floored[inds[k]!]! += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}

export function stratifiedSplit(
  y: ArrayLike<ClassLabel>,
  nTrain: number,
  nTest: number,
  rng: RandomState,
): [train: Int32Array, test: Int32Array] {
  const { classes, inverse } = uniqueInverse(y);
  const nClasses = classes.length;
  const classCounts = new Array<number>(nClasses).fill(0);
  for (const c of inverse) classCounts[c]! += 1;
  if (Math.min(...classCounts) < 2) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `The least populated class in stratify has only 1 member, which is too few: expected at least 2 per class; class ${describe(classes[classCounts.indexOf(1)])} has 1.`,
    );
  }
  if (nTrain < nClasses) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `The train size = ${nTrain} should be greater or equal to the number of classes = ${nClasses}.`,
    );
  }
  if (nTest < nClasses) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `The test size = ${nTest} should be greater or equal to the number of classes = ${nClasses}.`,
    );
  }
  const classIndices: number[][] = classes.map(() => []);
  for (let i = 0; i < inverse.length; i++) classIndices[inverse[i]!]!.push(i);

  const nI = approximateMode(classCounts, nTrain, rng);
  const remaining = classCounts.map((c, i) => c - nI[i]!);
  const tI = approximateMode(remaining, nTest, rng);

  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < nClasses; i++) {
    const permutation = rng.permutation(classCounts[i]!);
    const indices = classIndices[i]!;
    const a = nI[i]!;
    const b = a + tI[i]!;
    for (let k = 0; k < b; k++) (k < a ? train : test).push(indices[permutation[k]!]!);
  }
  return [rng.shuffle(Int32Array.from(train)), rng.shuffle(Int32Array.from(test))];
}
