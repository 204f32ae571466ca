import { DatasetError } from './_errors.js';

/**
 * A safe reader for the Python pickles numpy writes for `object` arrays (protocols 2–5). It is a data-only
 * interpreter: it never imports or calls anything; the only globals it knows are numpy's array reconstructor,
 * `numpy.ndarray`, `numpy.dtype` and `_codecs.encode` (protocol 2's spelling of `bytes`), each modelled here.
 * Anything else is refused with `UNSAFE_PICKLE`.
 */

/** A Python tuple (kept distinct from a list). */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/** A `numpy.dtype` rebuilt from a pickle. */
export class PickledDtype {
  byteOrder = '|';
  constructor(readonly descr: string) {}
}

/** A `numpy.ndarray` rebuilt from a pickle: shape, dtype, C-order flag and the flat element list or raw bytes. */
export class PickledNdarray {
  shape: number[] = [0];
  dtype: PickledDtype | undefined;
  fortranOrder = false;
  data: unknown[] | Uint8Array = [];
}

class PyGlobal {
  constructor(readonly name: string) {}
}

const RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const ALLOWED_GLOBALS = new Set([...RECONSTRUCT, 'numpy.ndarray', 'numpy.dtype', '_codecs.encode']);

/** Upper bound on a single string/bytes/long length, on top of "must fit in what is left". */
const MAX_LENGTH = 1 << 30;

/** Reads a pickle and returns its top-level object (a {@link PickledNdarray} for `np.save`'d object arrays). */
export function readPickle(bytes: Uint8Array, file: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const unsafe = (what: string): DatasetError =>
    new DatasetError('UNSAFE_PICKLE', `pickle refused: ${what}`, { file });
  const bad = (what: string): DatasetError =>
    new DatasetError('BAD_PICKLE', `malformed pickle at byte ${pos}: ${what}`, { file });
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  let pos = 0;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_LENGTH || pos + n > bytes.length) {
      throw unsafe(
        `opcode at byte ${pos - 1} declares a length of ${n} bytes but only ${bytes.length - pos} remain`,
      );
    }
    const start = pos;
    pos += n;
    return start;
  };
  const u8 = (): number => bytes[need(1)]!;
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => {
    const v = view.getBigUint64(need(8), true);
    return v > BigInt(MAX_LENGTH) ? MAX_LENGTH + 1 : Number(v);
  };
  const take = (n: number): Uint8Array => {
    const start = need(n);
    return bytes.subarray(start, start + n);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw bad('unterminated text line');
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw bad('stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw bad('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) throw bad('no MARK on the stack');
    stack = previous;
    return items;
  };
  const decodeLong = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const global = (module: string, name: string): PyGlobal => {
    const full = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(full)) {
      throw unsafe(
        `global ${full} is not allowed; expected only numpy's ndarray reconstruction (${[...ALLOWED_GLOBALS].join(', ')})`,
      );
    }
    return new PyGlobal(full);
  };
  const appendTo = (list: unknown, items: unknown[]): void => {
    if (!Array.isArray(list)) throw unsafe('APPEND to something that is not a list');
    for (let i = 0; i < items.length; i++) list.push(items[i]);
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PyGlobal) || !(args instanceof PyTuple)) {
      throw unsafe('REDUCE on something other than an allowed global and an argument tuple');
    }
    const a = args.items;
    if (RECONSTRUCT.has(fn.name)) {
      if (!(a[0] instanceof PyGlobal) || a[0].name !== 'numpy.ndarray') {
        throw unsafe('_reconstruct called for a class other than numpy.ndarray');
      }
      return new PickledNdarray();
    }
    if (fn.name === 'numpy.dtype') {
      if (typeof a[0] !== 'string') throw unsafe('numpy.dtype called without a type string');
      return new PickledDtype(a[0]);
    }
    if (fn.name === '_codecs.encode') {
      if (typeof a[0] !== 'string' || a[1] !== 'latin1')
        throw unsafe("_codecs.encode called other than (str, 'latin1')");
      const s = a[0];
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) throw unsafe('_codecs.encode of a non-latin1 string');
        out[i] = c;
      }
      return out;
    }
    throw unsafe(`${fn.name} is not callable`);
  };
  const build = (obj: unknown, state: unknown): void => {
    const s = state instanceof PyTuple ? state.items : undefined;
    if (obj instanceof PickledDtype && s !== undefined) {
      if (typeof s[1] === 'string') obj.byteOrder = s[1];
      return;
    }
    if (obj instanceof PickledNdarray && s !== undefined && s.length === 5) {
      const [, shape, dtype, fortran, data] = s;
      if (
        !(shape instanceof PyTuple) ||
        !shape.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
      ) {
        throw bad('ndarray state has no valid shape tuple');
      }
      if (!(dtype instanceof PickledDtype)) throw bad('ndarray state has no dtype');
      if (!Array.isArray(data) && !(data instanceof Uint8Array)) throw bad('ndarray state has no data');
      obj.shape = shape.items as number[];
      obj.dtype = dtype;
      obj.fortranOrder = fortran === true;
      obj.data = data;
      return;
    }
    throw unsafe('BUILD on an object other than a numpy ndarray or dtype');
  };
  const memoPut = (index: number): void => {
    memo.set(index, top());
  };
  const memoGet = (index: number): void => {
    if (!memo.has(index)) throw bad(`memo key ${index} was never stored`);
    stack.push(memo.get(index));
  };

  for (;;) {
    if (pos >= bytes.length) throw bad('ran out of data before STOP (truncated pickle)');
    const op = bytes[pos++]!;
    switch (op) {
      case 0x80: {
        const proto = u8();
        if (proto < 2 || proto > 5) throw bad(`protocol ${proto}; expected 2 to 5`);
        break;
      }
      case 0x95: // FRAME: a buffering hint, the opcodes simply continue
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0) throw bad('STOP with an unbalanced stack');
        return stack[0];
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(bytes[need(1)]!);
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(need(2), true));
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = view.getInt32(need(4), true);
        stack.push(decodeLong(take(n)));
        break;
      }
      case 0x47: // BINFLOAT
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
      case 0x8c: // SHORT_BINUNICODE
      case 0x8d: {
        // BINUNICODE8
        const n = op === 0x58 ? u32() : op === 0x8c ? u8() : u64();
        try {
          stack.push(utf8.decode(take(n)));
        } catch (cause) {
          if (cause instanceof DatasetError) throw cause;
          throw bad('string is not valid UTF-8');
        }
        break;
      }
      case 0x55: // SHORT_BINSTRING (Python 2 str, read as latin1 like numpy's encoding='latin1')
      case 0x54: // BINSTRING
        stack.push(latin1.decode(take(op === 0x55 ? u8() : u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(new Uint8Array(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(new Uint8Array(take(u32())));
        break;
      case 0x8e: // BINBYTES8
        stack.push(new Uint8Array(take(u64())));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST (popMark swaps `stack`, so pop before pushing)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const item = pop();
        appendTo(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendTo(top(), items);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: {
        // TUPLE
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        if (stack.length < n) throw bad('stack underflow');
        stack.push(new PyTuple(stack.splice(stack.length - n, n)));
        break;
      }
      case 0x63: // GLOBAL
        stack.push(global(line(), line()));
        break;
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw bad('STACK_GLOBAL needs two strings');
        stack.push(global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        stack.push(call(fn, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x70: // PUT
        memoPut(Number.parseInt(line(), 10));
        break;
      case 0x71: // BINPUT
        memoPut(u8());
        break;
      case 0x72: // LONG_BINPUT
        memoPut(u32());
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size);
        break;
      case 0x67: // GET
        memoGet(Number.parseInt(line(), 10));
        break;
      case 0x68: // BINGET
        memoGet(u8());
        break;
      case 0x6a: // LONG_BINGET
        memoGet(u32());
        break;
      default:
        throw unsafe(
          `opcode 0x${op.toString(16).padStart(2, '0')} (${JSON.stringify(String.fromCharCode(op))}) at byte ${pos - 1} is not allowed in a numpy object-array pickle`,
        );
    }
  }
}
