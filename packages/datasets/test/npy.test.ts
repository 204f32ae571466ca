import { describe, expect, it } from 'vitest';
import { readNpyIntLists, readNpyIntListsInto } from '../src/_npy.js';
import { DatasetError, readNpy } from '../src/index.js';
import { expected, fixtureBytes } from './_helpers.js';
import { npy, objectArrayPickle } from './_hostile.js';

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

  it('packs int lists exactly like the generic reader, whatever opcodes built them', () => {
    // [[1, 2, 70000], [4] by APPEND, [] , a memo copy of the first, [-5, 300] by LIST, [7] after a non-int batch]
    const ops = [
      0x5d, 0x28, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4b, 2, 0x4a, 0x70, 0x11, 0x01, 0x00, 0x65, 0x5d, 0x4b, 4,
      0x61, 0x5d, 0x68, 0, 0x28, 0x4a, 0xfb, 0xff, 0xff, 0xff, 0x4d, 0x2c, 0x01, 0x6c, 0x5d, 0x28, 0x4b, 7,
      0x65, 0x65,
    ];
    const bytes = npy('|O', [6], objectArrayPickle(6, ops));
    const generic = readNpy(bytes, 'g.npy').data as number[][];
    expect(generic).toEqual([[1, 2, 70000], [4], [], [1, 2, 70000], [-5, 300], [7]]);
    const { ids, offsets } = readNpyIntLists(bytes, 'p.npy');
    expect(Array.from(offsets)).toEqual([0, 3, 4, 4, 7, 9, 10]);
    expect(Array.from(ids)).toEqual(generic.flat());
    // the real pickles' layout in every protocol, through both readers
    const object = fixtureBytes('numpy2_object.npy');
    const packed = readNpyIntLists(object, 'o.npy');
    expect(Array.from(packed.ids)).toEqual(expected.raw.x_test.flat());
    expect(Array.from(packed.offsets.subarray(1), (end, i) => end - packed.offsets[i]!)).toEqual(
      expected.raw.x_test.map((x) => x.length),
    );
  });

  it('hands each list to a sink from one small scratch buffer, or reads again when a list is reused', () => {
    const collect = (bytes: Uint8Array) => {
      const offsets: number[] = [];
      const lists = readNpyIntListsInto(bytes, 'i.npy', (ints) => {
        offsets.push(ints.byteOffset);
        return Array.from(ints);
      });
      return { lists, offsets };
    };
    // every way of building int lists a pickle has (batch, APPEND, empty, LIST, after a non-int batch)
    const ops = [
      0x5d, 0x28, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4b, 2, 0x4a, 0x70, 0x11, 0x01, 0x00, 0x65, 0x5d, 0x4b, 4,
      0x61, 0x5d, 0x28, 0x4a, 0xfb, 0xff, 0xff, 0xff, 0x4d, 0x2c, 0x01, 0x6c, 0x5d, 0x28, 0x4b, 7, 0x65, 0x65,
    ];
    const direct = collect(npy('|O', [5], objectArrayPickle(5, ops)));
    expect(direct.lists).toEqual([[1, 2, 70000], [4], [], [-5, 300], [7]]);
    // each list starts at the scratch buffer's start: no array of all ints was built
    expect(direct.offsets).toEqual([0, 0, 0, 0, 0]);
    const real = collect(fixtureBytes('numpy2_object.npy'));
    expect(real.lists).toEqual(expected.raw.x_test);
    expect(new Set(real.offsets)).toEqual(new Set([0]));
    // a memo copy of a list already handed over: the generic reader's packed result, list by list
    const shared = [...ops.slice(0, 21), 0x68, 0, ...ops.slice(21)];
    const reread = collect(npy('|O', [6], objectArrayPickle(6, shared)));
    expect(reread.lists).toEqual([[1, 2, 70000], [4], [], [1, 2, 70000], [-5, 300], [7]]);
    // (the sink saw list 0 once before the reuse turned up; it must not keep anything itself)
    expect(reread.offsets).toEqual([0, 0, 12, 16, 16, 28, 36]);
  });

  it('refuses an element that is not a list of int32 ints, naming its index and type only', () => {
    const floats = [0x5d, 0x28, 0x5d, 0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x61, 0x65];
    expect(() => readNpyIntLists(npy('|O', [1], objectArrayPickle(1, floats)), 'f.npy')).toThrow(
      expect.objectContaining({
        code: 'BAD_SHAPE',
        message: 'f.npy: element 0 holds a float at position 0; expected ints in the int32 range',
      }),
    );
    expect(() =>
      readNpyIntListsInto(npy('|O', [1], objectArrayPickle(1, floats)), 'f.npy', (ints) => ints.length),
    ).toThrow(
      expect.objectContaining({
        code: 'BAD_SHAPE',
        message: 'f.npy: element 0 holds a float at position 0; expected ints in the int32 range',
      }),
    );
    const text = [0x5d, 0x28, 0x58, 3, 0, 0, 0, 0x61, 0x62, 0x63, 0x65];
    expect(() => readNpyIntLists(npy('|O', [1], objectArrayPickle(1, text)), 's.npy')).toThrow(
      expect.objectContaining({
        message: 's.npy: element 0 is a str of 3 characters; expected a list of ints',
      }),
    );
  });
});
