// Port of sklearn/model_selection/_split.py _validate_shuffle_split (scikit-learn 1.2).
// A JS number that is an integer plays numpy's int kind ('i'), any other number the float kind ('f').
import { describe } from './_describe.js';
import { SequenceError } from './errors.js';

type Kind = 'i' | 'f' | 'none';

function kindOf(name: string, value: unknown): Kind {
  if (value == null) return 'none';
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `Invalid value for ${name}: expected an integer count or a float in the (0, 1) range; received ${describe(value)}.`,
    );
  }
  return Number.isInteger(value) ? 'i' : 'f';
}

export function validateShuffleSplit(
  nSamples: number,
  testSizeArg: number | null | undefined,
  trainSizeArg: number | null | undefined,
  defaultTestSize: number,
): [nTrain: number, nTest: number] {
  let testSize = testSizeArg ?? null;
  const trainSize = trainSizeArg ?? null;
  if (testSize === null && trainSize === null) testSize = defaultTestSize;
  const testKind = kindOf('testSize', testSize);
  const trainKind = kindOf('trainSize', trainSize);

  const outOfRange = (kind: Kind, size: number | null): boolean =>
    size !== null &&
    ((kind === 'i' && (size >= nSamples || size <= 0)) || (kind === 'f' && (size <= 0 || size >= 1)));
  if (outOfRange(testKind, testSize)) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `testSize=${testSize} should be either positive and smaller than the number of samples ${nSamples} or a float in the (0, 1) range.`,
    );
  }
  if (outOfRange(trainKind, trainSize)) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `trainSize=${trainSize} should be either positive and smaller than the number of samples ${nSamples} or a float in the (0, 1) range.`,
    );
  }
  if (trainKind === 'f' && testKind === 'f' && trainSize! + testSize! > 1) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `The sum of testSize and trainSize = ${trainSize! + testSize!}, should be in the (0, 1) range. Reduce testSize and/or trainSize.`,
    );
  }

  let nTest = 0;
  let nTrain = 0;
  if (testKind === 'f') nTest = Math.ceil(testSize! * nSamples);
  else if (testKind === 'i') nTest = testSize!;
  if (trainKind === 'f') nTrain = Math.floor(trainSize! * nSamples);
  else if (trainKind === 'i') nTrain = trainSize!;
  if (trainSize === null) nTrain = nSamples - nTest;
  else if (testSize === null) nTest = nSamples - nTrain;

  if (nTrain + nTest > nSamples) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `The sum of trainSize and testSize = ${nTrain + nTest}, should be smaller than the number of samples ${nSamples}. Reduce testSize and/or trainSize.`,
    );
  }
  if (nTrain === 0) {
    throw new SequenceError(
      'INVALID_SPLIT',
      `With nSamples=${nSamples}, testSize=${testSize} and trainSize=${trainSize}, the resulting train set will be empty. Adjust any of the aforementioned parameters.`,
    );
  }
  return [nTrain, nTest];
}
