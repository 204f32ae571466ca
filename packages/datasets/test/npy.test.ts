import { describe, expect, it } from 'vitest';
import { DatasetError, readNpy } from '../src/index.js';
import { expected, fixtureBytes } from './_helpers.js';

describe('readNpy', () => {
  it.each(expected.numeric)('reads $file like numpy', ({ file, dtype, shape, values }) => {
    const array = readNpy(fixtureBytes(file), file);
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(shape);
    expect(Array.from(array.data as ArrayLike<number | bigint>, Number)).toEqual(values);
  });

  it('reads a numpy 1.x object array and a numpy 2 (numpy._core) protocol-4 pickle', () => {
    const array = readNpy(fixtureBytes('numpy2_object.npy'));
    expect(array.dtype).toBe('object');
    expect(array.data).toEqual(expected.raw.x_test);
  });

  it.each([
    ['hostile_os_system.npy', /global os\.system is not allowed/],
    ['hostile_builtins_eval.npy', /global builtins\.eval is not allowed/],
    ['hostile_huge_length.npy', /declares a length of \d+ bytes but only 4 remain/],
    ['hostile_newobj.npy', /opcode 0x81/],
  ])('refuses %s without executing anything', (file, message) => {
    const error = (() => {
      try {
        readNpy(fixtureBytes(file), file);
      } catch (e) {
        return e;
      }
    })() as DatasetError;
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.code).toBe('UNSAFE_PICKLE');
    expect(error.file).toBe(file);
    expect(error.message).toMatch(message);
  });

  it('rejects wrong magic, a cut header, a wrong data size and unsupported dtypes', () => {
    const good = fixtureBytes('npy_lei4_v1_C.npy');
    const wrongMagic = good.slice();
    wrongMagic[1] = 0x41;
    expect(() => readNpy(wrongMagic, 'a.npy')).toThrow(
      expect.objectContaining({
        code: 'BAD_NPY',
        message: expect.stringMatching(/^a\.npy: not a \.npy file/),
      }),
    );
    expect(() => readNpy(good.subarray(0, 40), 'b.npy')).toThrow(
      expect.objectContaining({ code: 'BAD_NPY' }),
    );
    expect(() => readNpy(good.subarray(0, good.length - 4), 'c.npy')).toThrow(
      expect.objectContaining({
        code: 'BAD_SHAPE',
        message: 'c.npy: shape (2, 3) of <i4 needs 24 data bytes, received 20',
      }),
    );
    const text = new TextDecoder('latin1').decode(good).replace("'<i4'", "'<c8'");
    const complex = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(() => readNpy(complex, 'd.npy')).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_DTYPE',
        message: expect.stringContaining('"<c8" is not supported'),
      }),
    );
  });

  it('checks the pickled shape against the header', () => {
    const bytes = fixtureBytes('numpy2_object.npy');
    const text = new TextDecoder('latin1').decode(bytes).replace("'shape': (30,)", "'shape': (31,)");
    expect(() =>
      readNpy(
        Uint8Array.from(text, (c) => c.charCodeAt(0)),
        'e.npy',
      ),
    ).toThrow(expect.objectContaining({ code: 'BAD_SHAPE' }));
  });
});
