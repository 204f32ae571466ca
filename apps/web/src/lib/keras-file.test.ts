import { expect, test } from 'vitest';
import { KerasShapeError, kerasFormatOf, kerasModelName, kerasProbeShape } from './keras-file.js';

const input = (batchShape: (number | null)[] | undefined) => [{ name: 'x', batchShape, dtype: 'float32' }];

test('word-id and one-hot text models give the probe their num_words, maxlen and input kind', () => {
  expect(
    kerasProbeShape({ inputKind: 'ids', numWords: 10000, maxlen: 500, inputs: input([null, 500]) }),
  ).toEqual({
    inputKind: 'ids',
    numWords: 10000,
    maxlen: 500,
  });
  expect(
    kerasProbeShape({
      inputKind: 'one-hot',
      numWords: 10000,
      maxlen: 100,
      inputs: input([null, 100, 10000]),
    }),
  ).toEqual({ inputKind: 'one-hot', numWords: 10000, maxlen: 100 });
});

test('a model that does not say its maxlen, or is not a text model, is refused naming its input shape', () => {
  const free = () =>
    kerasProbeShape({ inputKind: 'ids', numWords: 5000, maxlen: undefined, inputs: input([null, null]) });
  expect(free).toThrow(KerasShapeError);
  expect(free).toThrow('got input shape [[null,null]]');
  try {
    free();
  } catch (error) {
    expect((error as KerasShapeError).code).toBe('KERAS_NOT_A_TEXT_MODEL');
    expect((error as KerasShapeError).shape).toBe('[[null,null]]');
    expect((error as KerasShapeError).needsMaxlen).toBe(true);
  }
  // the user's maxlen makes it usable; a bad answer does not
  const info = { inputKind: 'ids', numWords: 5000, maxlen: undefined, inputs: input([null, null]) } as const;
  expect(kerasProbeShape(info, { maxlen: 100 })).toEqual({ inputKind: 'ids', numWords: 5000, maxlen: 100 });
  expect(() => kerasProbeShape(info, { maxlen: 2.5 })).toThrow(KerasShapeError);
  expect(() => kerasProbeShape(info, { maxlen: 0 })).toThrow(KerasShapeError);
  // a maxlen the file fixes wins over the user's
  expect(kerasProbeShape({ ...info, maxlen: 500, inputs: input([null, 500]) }, { maxlen: 100 }).maxlen).toBe(
    500,
  );
  expect(() =>
    kerasProbeShape({
      inputKind: undefined,
      numWords: undefined,
      maxlen: 28,
      inputs: input([null, 28, 28, 1]),
    }),
  ).toThrow('[[null,28,28,1]]');
});

test('file names: format and display name', () => {
  expect(kerasFormatOf('Ex2.h5')).toBe('h5');
  expect(kerasFormatOf('m.KERAS')).toBe('keras');
  expect(kerasFormatOf('model.json')).toBeUndefined();
  expect(kerasModelName('13-movie-lstm-k3.13.keras')).toBe('13-movie-lstm-k3.13');
  expect(kerasModelName('.h5')).toBe('keras-model');
});
