import { DatasetError } from './_errors.js';

/**
 * A safe reader for the Python pickles numpy writes for `object` arrays (protocols 2–5). It is a data-only
 * interpreter: it never imports or calls anything; the only globals it knows are numpy's array reconstructor,
 * `numpy.ndarray`, `numpy.dtype` and `_codecs.encode` (protocol 2's spelling of `bytes`), each modelled here.
 * Anything else is refused with `UNSAFE_PICKLE`.
 *
 * Bounded: the result is always a tree (a list or tuple used twice through `DUP` or the memo is copied, and the
 * copy counts), its nesting is at most `maxDepth` and its elements at most `maxElements` (`PICKLE_LIMIT`), so a
 * kilobyte of shared references cannot expand into gigabytes. Ints appended to a list go straight into one
 * shared `Int32Array` (the arena), one run per list, so an object array of int lists never becomes JS arrays
 * unless the caller asks for them.
 */

/** Limits of the pickle reader. */
export interface PickleLimits {
  /** Deepest nesting of lists, tuples and arrays. @default 100 */
  maxDepth?: number;
  /**
   * Budget of the whole result, in elements of lists and tuples (each list or tuple itself costs 16, about its
   * memory in 8-byte slots); a shared one is counted each time it is used. @default 2 ** 24
   */
  maxElements?: number;
}

export const DEFAULT_MAX_DEPTH: number = 100;
export const DEFAULT_MAX_ELEMENTS: number = 2 ** 24;
/** What one list or tuple costs in the element budget (its objects take about 16 8-byte slots). */
const CONTAINER_COST = 16;

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
  /** The elements: `unknown[]` from {@link readPickle}, a {@link PyList} from {@link unpickle}; or raw bytes. */
  data: unknown = [];
  /** Nesting and element count of `data` (for the limits). */
  depth = 1;
  size = 0;
}

/** A Python float (kept apart from ints while unpickling; a plain number in {@link readPickle}'s output). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * A Python list while unpickling. While it holds only int32 ints they live in the arena as the run
 * `[start, start + length)`; anything else turns it into a plain `items` array.
 */
export class PyList {
  items: unknown[] | undefined = undefined;
  start = 0;
  length = 0;
  depth = 1;
  /** What this list and everything in it cost in the element budget. */
  size: number = CONTAINER_COST;
  /** Sink mode: the run was handed to the sink, which gave back `sealed`; the list may not change any more. */
  isSealed = false;
  sealed: unknown = undefined;
}

/**
 * Sink mode of {@link unpickle}: called once per int list when its run is complete (the view is valid only during
 * the call); what it returns is kept as the list's `sealed` value. The arena then holds one list at a time.
 */
export type RunSink = (ints: Int32Array) => unknown;

/**
 * Thrown by {@link unpickle} in sink mode when a list already handed to the sink would be changed or used twice
 * (possible in a pickle, never written by numpy): the caller reads the same bytes again without a sink.
 */
export class SinkFallback {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

class RawTuple {
  constructor(
    readonly items: unknown[],
    readonly depth: number,
    readonly size: number,
  ) {}
}

class PyGlobal {
  constructor(readonly name: string) {}
}

const RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const ALLOWED_GLOBALS = new Set([...RECONSTRUCT, 'numpy.ndarray', 'numpy.dtype', '_codecs.encode']);

/** Upper bound on a single string/bytes/long length, on top of "must fit in what is left". */
const MAX_LENGTH = 1 << 30;
/** Streaming: an int batch cut by the end of a piece is scanned again only if it is shorter than this. */
const MAX_RESCAN = 1 << 16;

/** How many ints the last {@link scanInts} wrote (a second return value without an allocation). */
let scanned = 0;

/**
 * Writes the ints of a run of `BININT1` / `BININT2` / `BININT` opcodes (and `FRAME` hints) starting at byte `p`
 * into `out` from index `n`; returns the byte where the run stops and sets {@link scanned} to the new index.
 * `out` must have room for every int opcode left (each takes at least 2 bytes). Top-level and monomorphic, so
 * it compiles to a tight loop.
 */
function scanInts(bytes: Uint8Array, p: number, out: Int32Array, n: number): number {
  const end = bytes.length; // a streaming window is always exactly its valid bytes
  const fast = end - 9; // room for the longest opcode read below without a bounds check
  while (p < fast) {
    const op = bytes[p]!;
    if (op === 0x4d) {
      out[n++] = bytes[p + 1]! | (bytes[p + 2]! << 8);
      p += 3;
    } else if (op === 0x4b) {
      out[n++] = bytes[p + 1]!;
      p += 2;
    } else if (op === 0x4a) {
      out[n++] = bytes[p + 1]! | (bytes[p + 2]! << 8) | (bytes[p + 3]! << 16) | (bytes[p + 4]! << 24);
      p += 5;
    } else if (op === 0x95) {
      p += 9; // FRAME: a buffering hint
    } else break;
  }
  while (p < end) {
    const op = bytes[p]!;
    if (op === 0x4b && p + 2 <= end) {
      out[n++] = bytes[p + 1]!;
      p += 2;
    } else if (op === 0x4d && p + 3 <= end) {
      out[n++] = bytes[p + 1]! | (bytes[p + 2]! << 8);
      p += 3;
    } else if (op === 0x4a && p + 5 <= end) {
      out[n++] = bytes[p + 1]! | (bytes[p + 2]! << 8) | (bytes[p + 3]! << 16) | (bytes[p + 4]! << 24);
      p += 5;
    } else if (op === 0x95 && p + 9 <= end) p += 9;
    else break;
  }
  scanned = n;
  return p;
}

/** What a value is, for error messages: its type and size, never its content. */
export function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an int' : 'a float';
  if (typeof value === 'bigint') return 'an int beyond 2^53';
  if (typeof value === 'boolean') return 'a bool';
  if (typeof value === 'string') return `a str of ${value.length} characters`;
  if (value instanceof PyFloat) return 'a float';
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (value instanceof PyList) return `a list of ${value.items?.length ?? value.length} items`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (value instanceof RawTuple || value instanceof PyTuple) return `a tuple of ${value.items.length} items`;
  if (value instanceof PickledNdarray) return 'a numpy array';
  if (value instanceof PickledDtype) return 'a numpy dtype';
  if (value instanceof PyGlobal) return 'a global';
  return typeof value;
}

/** The result of {@link unpickle}: the top object (lists as {@link PyList}) and the arena their int runs index. */
export interface RawPickle {
  readonly value: unknown;
  readonly arena: Int32Array;
}

/**
 * Reads a pickle into the reader's own representation: lists are {@link PyList}s (int runs in `arena`), floats
 * {@link PyFloat}s, tuples internal. {@link readPickle} turns that into plain JS values.
 */
export function unpickle(
  bytes: Uint8Array,
  file: string,
  limits: PickleLimits = {},
  sink?: RunSink,
): RawPickle {
  const reader = createUnpickler(bytes.length, file, limits, sink);
  reader.push(bytes);
  return reader.end();
}

/**
 * Thrown inside the reader when an opcode needs bytes that have not arrived yet (streaming): the opcode is
 * re-run from its first byte once they have. Never escapes {@link createUnpickler}.
 */
const NEED_MORE: unique symbol = Symbol('need more bytes');

/** {@link unpickle} fed in pieces: the pickle is parsed as its bytes arrive (e.g. while a zip member inflates). */
export interface StreamingUnpickler {
  /**
   * Parses as far as `chunk` (after what came before) goes; the reader keeps only an unfinished opcode's bytes.
   * Bytes after STOP are ignored, as {@link unpickle} ignores them.
   */
  push(chunk: Uint8Array): void;
  /** No more bytes: the result, or the same error {@link unpickle} gives on the bytes pushed. */
  end(): RawPickle;
}

/**
 * The resumable reader behind {@link unpickle}: the same opcodes, checks, limits and error messages (byte
 * positions count from the start of the pickle), on bytes that arrive in pieces. `declaredTotal` is how many bytes
 * the pickle has (a length beyond what is left of it is refused at once, as on a whole buffer; at `end()` the bytes
 * that arrived are what counts); an opcode cut by
 * the end of a piece is re-run when the next piece arrives, so every opcode reads its state before it changes it.
 */
export function createUnpickler(
  declaredTotal: number,
  file: string,
  limits: PickleLimits = {},
  sink?: RunSink,
): StreamingUnpickler {
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxElements = limits.maxElements ?? DEFAULT_MAX_ELEMENTS;
  // The window: the bytes not parsed yet (plus the unfinished opcode); `base` is where it starts in the pickle.
  let bytes: Uint8Array = new Uint8Array(0);
  let view: DataView = new DataView(bytes.buffer);
  let base = 0;
  let final = false;
  let total = declaredTotal;
  const unsafe = (what: string): DatasetError =>
    new DatasetError('UNSAFE_PICKLE', `pickle refused: ${what}`, { file });
  const bad = (what: string): DatasetError =>
    new DatasetError('BAD_PICKLE', `malformed pickle at byte ${base + pos}: ${what}`, { file });
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });

  let pos = 0;
  let stack: unknown[] = [];
  const marks: unknown[][] = [];
  const memo = new Map<number, unknown>();

  // --- limits ---
  let elements = 0;
  const count = (n: number): void => {
    elements += n;
    if (elements > maxElements) {
      throw new DatasetError(
        'PICKLE_LIMIT',
        `pickle refused at byte ${base + pos}: it builds more than ${maxElements} list/tuple elements (shared references counted each time they are used); expected at most maxElements = ${maxElements}`,
        { file },
      );
    }
  };
  const checkDepth = (depth: number): void => {
    if (depth > maxDepth) {
      throw new DatasetError(
        'PICKLE_LIMIT',
        `pickle refused at byte ${base + pos}: lists/tuples nested ${depth} deep; expected at most maxDepth = ${maxDepth}`,
        { file },
      );
    }
  };
  const depthOf = (v: unknown): number =>
    v instanceof PyList || v instanceof RawTuple || v instanceof PickledNdarray ? v.depth : 0;
  const sizeOf = (v: unknown): number =>
    v instanceof PyList || v instanceof RawTuple || v instanceof PickledNdarray ? v.size : 0;

  // --- the int arena: capacity for every int opcode left in the file (each takes at least 2 bytes) ---
  let arena = new Int32Array(0);
  let arenaLength = 0;
  const reserve = (n: number): void => {
    if (arenaLength + n <= arena.length) return;
    const grown = new Int32Array(
      Math.max(arenaLength + n, arena.length * 2, ((total - base - pos) >> 1) + 16),
    );
    grown.set(arena.subarray(0, arenaLength));
    arena = grown;
  };

  /** Sink mode: the one list whose run is in the arena (from index 0). */
  let open: PyList | undefined;
  const seal = (list: PyList): void => {
    list.sealed = sink!(arena.subarray(list.start, list.start + list.length));
    list.isSealed = true;
    if (open === list) open = undefined;
  };
  /** An empty list starts its run at the end of the arena; in sink mode the open list (if it got ints) is sealed first. */
  const startRun = (target: PyList): void => {
    if (sink !== undefined && open !== target) {
      if (open !== undefined && open.length > 0) seal(open);
      arenaLength = 0;
      open = target;
    }
    target.start = arenaLength;
  };
  /** Whether ints appended to `target` extend its run in place. */
  const extendsRun = (target: PyList): boolean =>
    sink === undefined ? target.start + target.length === arenaLength : target === open;
  /** Sink mode: a list whose ints went (or go) to the sink cannot become anything else. */
  const checkUnsealed = (list: PyList, what: string): void => {
    if (sink !== undefined && (list.isSealed || list.length > 0)) throw new SinkFallback(what);
  };

  const materialize = (list: PyList): unknown[] => {
    if (list.items === undefined) {
      checkUnsealed(list, 'a list of ints gets another item');
      if (open === list) open = undefined;
      const items = new Array<unknown>(list.length);
      for (let i = 0; i < list.length; i++) items[i] = arena[list.start + i];
      list.items = items;
    }
    return list.items;
  };
  const appendOne = (target: unknown, item: unknown): void => {
    if (!(target instanceof PyList)) throw unsafe(`APPEND to ${describeValue(target)}; expected a list`);
    count(1);
    if (target.items === undefined && typeof item === 'number' && (item | 0) === item && !target.isSealed) {
      if (target.length === 0) startRun(target);
      if (extendsRun(target)) {
        reserve(1);
        arena[arenaLength++] = item;
        target.length++;
        target.size++;
        return;
      }
    }
    materialize(target).push(item);
    target.size += 1 + sizeOf(item);
    const depth = 1 + depthOf(item);
    if (depth > target.depth) {
      checkDepth(depth);
      target.depth = depth;
    }
  };
  const makeTuple = (items: unknown[]): RawTuple => {
    let depth = 1;
    let size = CONTAINER_COST + items.length;
    for (const item of items) {
      depth = Math.max(depth, 1 + depthOf(item));
      size += sizeOf(item);
    }
    checkDepth(depth);
    count(CONTAINER_COST + items.length);
    return new RawTuple(items, depth, size);
  };
  /** A second use of a list or tuple (DUP, memo GET) is a copy, so the result stays a tree. */
  const copy = (v: unknown): unknown => {
    if (v instanceof PickledNdarray) {
      count(v.size);
      return v;
    }
    if (!(v instanceof PyList) && !(v instanceof RawTuple)) return v;
    count(v.size);
    return deepCopy(v);
  };
  const deepCopy = (v: unknown): unknown => {
    if (v instanceof RawTuple) return new RawTuple(v.items.map(deepCopy), v.depth, v.size);
    if (!(v instanceof PyList)) return v;
    checkUnsealed(v, 'a list of ints is used twice');
    const out = new PyList();
    out.depth = v.depth;
    out.size = v.size;
    if (v.items === undefined) {
      reserve(v.length);
      arena.copyWithin(arenaLength, v.start, v.start + v.length);
      out.start = arenaLength;
      out.length = v.length;
      arenaLength += v.length;
    } else out.items = v.items.map(deepCopy);
    return out;
  };

  const need = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_LENGTH || base + pos + n > total) {
      throw unsafe(
        `opcode at byte ${base + pos - 1} declares a length of ${n} bytes but only ${total - base - pos} remain`,
      );
    }
    if (pos + n > bytes.length) {
      short = pos + n;
      throw NEED_MORE;
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
    if (end < 0 && !final) throw NEED_MORE;
    if (end < 0) throw bad('unterminated text line');
    if (end - pos > 256) throw bad(`text line of ${end - pos} bytes; expected a short name or memo key`);
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
  const call = (fn: unknown, args: unknown): unknown => {
    if (!(fn instanceof PyGlobal) || !(args instanceof RawTuple)) {
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
    const s = state instanceof RawTuple ? state.items : undefined;
    if (obj instanceof PickledDtype && s !== undefined) {
      if (typeof s[1] === 'string') obj.byteOrder = s[1];
      return;
    }
    if (obj instanceof PickledNdarray && s !== undefined && s.length === 5) {
      const [, shape, dtype, fortran, data] = s;
      if (
        !(shape instanceof RawTuple) ||
        !shape.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
      ) {
        throw bad('ndarray state has no valid shape tuple');
      }
      if (!(dtype instanceof PickledDtype)) throw bad('ndarray state has no dtype');
      if (!(data instanceof PyList) && !(data instanceof Uint8Array)) throw bad('ndarray state has no data');
      obj.shape = shape.items as number[];
      obj.dtype = dtype;
      obj.fortranOrder = fortran === true;
      obj.data = data;
      obj.depth = 1 + depthOf(data);
      obj.size = sizeOf(data);
      checkDepth(obj.depth);
      return;
    }
    throw unsafe(`BUILD on ${describeValue(obj)}; expected a numpy ndarray or dtype`);
  };
  const memoPut = (index: number): void => {
    memo.set(index, top());
  };
  const memoGet = (index: number): void => {
    if (!memo.has(index)) throw bad(`memo key ${index} was never stored`);
    stack.push(copy(memo.get(index)));
  };

  /**
   * The hot path of an object array of int lists: `MARK int int … APPENDS` onto a list whose ints are the arena's
   * last run. The ints are written straight into the arena; anything unexpected undoes that and lets the generic
   * opcodes run instead. Returns whether the batch was consumed.
   */
  const intBatch = (): boolean => {
    const target = stack[stack.length - 1];
    if (!(target instanceof PyList) || target.items !== undefined || target.isSealed) return false;
    if (target.length === 0) startRun(target);
    else if (!extendsRun(target)) return false;
    reserve((bytes.length - pos) >> 1);
    const first = arenaLength;
    const end = bytes.length;
    const p = scanInts(bytes, pos, arena, first);
    const n = scanned;
    if (p >= end && !final) {
      // The batch goes on in the next piece: re-run it then (nothing was changed yet). A batch longer than any
      // pickler writes (numpy: 1000 items) takes the generic opcodes instead, so no input is scanned twice.
      if (p - pos > MAX_RESCAN) return false;
      throw NEED_MORE;
    }
    if (p >= end || bytes[p] !== 0x65 || n === first) return false; // not `… APPENDS`: run the opcodes one by one
    const added = n - first;
    count(added);
    target.length += added;
    target.size += added;
    arenaLength = n;
    pos = p + 1;
    return true;
  };

  let result: RawPickle | undefined;
  /** Pieces pushed but not yet in the window, and how many bytes the unfinished opcode needs (from its start). */
  const pending: Uint8Array[] = [];
  let pendingLength = 0;
  let wanted = 0;
  /** Where in the window a `need` that ran short wanted to read up to. */
  let short = 0;
  /**
   * The window is either a pending piece itself, or (when an opcode was cut by the end of a piece) the unparsed
   * rest plus the start of the next piece(s): as much as the opcode asked for, at least 4 KB and at least the rest
   * again. `carried` bytes of such a window came from before; once the reader is past them it goes back to
   * reading `source` (the piece the rest was taken from) in place, so only a few bytes per piece are copied.
   */
  let carried = 0;
  let source: Uint8Array = bytes;
  /** How many bytes of `source` the merged window holds; the rest of it is `pending[0]` unless all were taken. */
  let borrowed = 0;
  const setWindow = (window: Uint8Array): void => {
    bytes = window;
    view = new DataView(window.buffer, window.byteOffset, window.byteLength);
    pos = 0;
    wanted = 0;
  };
  const refill = (): void => {
    const rest = bytes.length - pos;
    base += pos;
    carried = 0;
    if (rest === 0) {
      const piece = pending.shift()!;
      pendingLength -= piece.length;
      setWindow(piece);
      return;
    }
    const extra = Math.min(pendingLength, Math.max(wanted - rest, rest, 4096));
    const merged = new Uint8Array(rest + extra);
    merged.set(bytes.subarray(pos));
    if (extra <= pending[0]!.length) {
      carried = rest;
      source = pending[0]!;
      borrowed = extra;
    }
    let at = rest;
    while (at < merged.length) {
      const piece = pending[0]!;
      const n = Math.min(piece.length, merged.length - at);
      merged.set(n === piece.length ? piece : piece.subarray(0, n), at);
      at += n;
      if (n === piece.length) pending.shift();
      else pending[0] = piece.subarray(n);
    }
    pendingLength -= extra;
    setWindow(merged);
  };
  /** Back from a merged window to its source piece, once the reader is past the carried bytes. */
  const backToSource = (): boolean => {
    if (carried === 0 || result !== undefined || pos < carried) return false;
    if (borrowed < source.length) {
      pendingLength -= pending[0]!.length;
      pending.shift();
    }
    base += pos;
    const at = pos - carried;
    carried = 0;
    setWindow(source.subarray(at));
    return true;
  };
  /** Parses while pending bytes can finish the unfinished opcode (all of them when `all`). */
  const pump = (all: boolean): void => {
    while (
      result === undefined &&
      pendingLength > 0 &&
      (all || bytes.length - pos + pendingLength >= wanted)
    ) {
      refill();
      run();
      if (backToSource()) run();
    }
  };
  /** Runs opcodes until STOP or the end of the window (then the unfinished opcode waits for more bytes). */
  const run = (): void => {
    let opStart = pos;
    try {
      for (;;) {
        opStart = pos;
        if (pos >= bytes.length) {
          if (!final) return;
          throw bad('ran out of data before STOP (truncated pickle)');
        }
        if (step()) return;
      }
    } catch (error) {
      if (error !== NEED_MORE) throw error;
      // wait for what the opcode asked for, and at least twice what is held, so a long opcode is copied O(n)
      wanted = Math.max(short - opStart, 2 * (bytes.length - opStart));
      short = 0;
      pos = opStart;
    }
  };

  /** One opcode; true at STOP. */
  const step = (): boolean => {
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
        if (open !== undefined && open.length > 0) seal(open);
        result = { value: stack[0], arena: arena.subarray(0, arenaLength) };
        return true;
      case 0x28: // MARK
        if (intBatch()) break;
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
        stack.push(copy(top()));
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
        stack.push(new PyFloat(view.getFloat64(need(8), false)));
        break;
      case 0x58: // BINUNICODE
      case 0x8c: // SHORT_BINUNICODE
      case 0x8d: {
        // BINUNICODE8
        const n = op === 0x58 ? u32() : op === 0x8c ? u8() : u64();
        const text = take(n);
        try {
          stack.push(utf8.decode(text));
        } catch {
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
        count(CONTAINER_COST);
        stack.push(new PyList());
        break;
      case 0x6c: {
        // LIST (popMark swaps `stack`, so pop before pushing)
        const items = popMark();
        count(CONTAINER_COST);
        const list = new PyList();
        for (const item of items) appendOne(list, item);
        stack.push(list);
        break;
      }
      case 0x61: {
        // APPEND
        const item = pop();
        appendOne(top(), item);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const target = top();
        for (const item of items) appendOne(target, item);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(makeTuple([]));
        break;
      case 0x74: {
        // TUPLE
        const items = popMark();
        stack.push(makeTuple(items));
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        if (stack.length < n) throw bad('stack underflow');
        stack.push(makeTuple(stack.splice(stack.length - n, n)));
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
          `opcode 0x${op.toString(16).padStart(2, '0')} (${JSON.stringify(String.fromCharCode(op))}) at byte ${base + pos - 1} is not allowed in a numpy object-array pickle`,
        );
    }
    return false;
  };

  return {
    push(chunk: Uint8Array): void {
      if (result !== undefined || chunk.length === 0) return;
      // a plain Uint8Array view of a Buffer, so the hot loops see one kind of array (monomorphic)
      pending.push(
        chunk.constructor === Uint8Array
          ? chunk
          : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
      );
      pendingLength += chunk.length;
      pump(false);
    },
    end(): RawPickle {
      if (result === undefined) {
        // what arrived is all there is: lengths are checked against it, as on a whole buffer
        total = base + bytes.length + pendingLength;
        pump(true);
        final = true;
        if (result === undefined) run();
      }
      if (result === undefined) throw bad('ran out of data before STOP (truncated pickle)');
      return result;
    },
  };
}

/**
 * Reads a pickle and returns its top-level object (a {@link PickledNdarray} for `np.save`'d object arrays) as
 * plain JS values: lists are arrays, ints and floats numbers (bigint beyond 2^53), tuples {@link PyTuple}s.
 */
export function readPickle(bytes: Uint8Array, file: string, limits: PickleLimits = {}): unknown {
  const { value, arena } = unpickle(bytes, file, limits);
  const converted = new Set<PickledNdarray>();
  // depth is bounded by maxDepth, so plain recursion is safe here
  const convert = (v: unknown): unknown => {
    if (v instanceof PyList) {
      if (v.items !== undefined) return v.items.map(convert);
      const out = new Array<number>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = arena[v.start + i]!;
      return out;
    }
    if (v instanceof RawTuple) return new PyTuple(v.items.map(convert));
    if (v instanceof PyFloat) return v.value;
    if (v instanceof PickledNdarray && !converted.has(v)) {
      converted.add(v);
      if (v.data instanceof PyList) v.data = convert(v.data);
    }
    return v;
  };
  return convert(value);
}
