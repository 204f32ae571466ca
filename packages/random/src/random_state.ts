// Port of numpy/random/mtrand.pyx RandomState and numpy/random/_mt19937.pyx _legacy_seeding.
import { randomInterval } from './_bounded.js';
import { initByArray, initGenrand, type MtState, nextDouble, nextUint32, STATE_LEN } from './_mt19937.js';
import { describe, RandomStateError } from './errors.js';

const MAX_SEED = 0xffffffff;

/**
 * A seed as numpy's legacy seeding accepts it: an integer in [0, 2**32 - 1] (MT19937 `init_genrand`),
 * or a non-empty 1-D array of such integers (`init_by_array`). `undefined` seeds from the platform's
 * cryptographic random source, as `np.random.RandomState(None)` seeds from OS entropy.
 */
export type Seed = number | bigint | ArrayLike<number | bigint> | undefined;

/** A snapshot of the generator, as numpy's `get_state()` returns it (`('MT19937', key, pos, …)`). */
export interface RandomStateSnapshot {
  /** The 624 words of MT19937 state. */
  key: Uint32Array;
  /** Position of the next word to temper, 0 … 624. */
  pos: number;
}

/** Any array-like whose elements can be assigned: plain arrays and every typed array. */
export interface MutableArrayLike<T> {
  readonly length: number;
  [index: number]: T;
}

function checkSeedWord(value: unknown, where: string): number {
  if (typeof value === 'bigint') {
    if (value < 0n || value > BigInt(MAX_SEED)) {
      throw new RandomStateError(
        'INVALID_SEED',
        `Seed must be between 0 and 2**32 - 1${where}; received ${describe(value)}.`,
      );
    }
    return Number(value);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RandomStateError(
      'INVALID_SEED',
      `Seed must be an integer between 0 and 2**32 - 1 or an array of them${where}; received ${describe(value)}.`,
    );
  }
  if (value < 0 || value > MAX_SEED) {
    throw new RandomStateError(
      'INVALID_SEED',
      `Seed must be between 0 and 2**32 - 1${where}; received ${describe(value)}.`,
    );
  }
  return value;
}

function checkSize(size: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RandomStateError(
      'INVALID_ARGUMENT',
      `${what}: size must be a non-negative integer; received ${describe(size)}.`,
    );
  }
}

/**
 * numpy's legacy `np.random.RandomState`: the MT19937 generator with numpy's seeding and numpy's
 * algorithms for each distribution, so the same seed and the same calls give the same numbers as
 * numpy, bit for bit. Successive calls advance one stream, exactly as in numpy.
 *
 * @example
 * ```ts
 * const rng = new RandomState(113);
 * const indices = Int32Array.from({ length: 25000 }, (_, i) => i);
 * rng.shuffle(indices); // == np.random.RandomState(113).shuffle(np.arange(25000))
 * ```
 */
export class RandomState {
  readonly #state: MtState = { key: new Uint32Array(STATE_LEN), pos: STATE_LEN };

  /** @param seed See {@link Seed}. */
  constructor(seed?: Seed) {
    this.seed(seed);
  }

  /** Re-seeds the generator in place (numpy `RandomState.seed`). */
  seed(seed?: Seed): void {
    const state = this.#state;
    if (seed === undefined) {
      const words = new Uint32Array(STATE_LEN);
      globalThis.crypto.getRandomValues(words);
      state.key.set(words);
      state.key[0] = 0x80000000;
      state.pos = STATE_LEN;
      return;
    }
    if (typeof seed === 'number' || typeof seed === 'bigint') {
      initGenrand(state, checkSeedWord(seed, ''));
      return;
    }
    if (seed === null || typeof seed !== 'object' || typeof seed.length !== 'number') {
      throw new RandomStateError(
        'INVALID_SEED',
        `Seed must be an integer between 0 and 2**32 - 1 or an array of them; received ${describe(seed)}.`,
      );
    }
    if (seed.length === 0) {
      throw new RandomStateError(
        'INVALID_SEED',
        'Seed must be non-empty: expected at least one integer in the seed array; received an empty array.',
      );
    }
    const words = new Uint32Array(seed.length);
    for (let i = 0; i < seed.length; i++) words[i] = checkSeedWord(seed[i], ` (at index ${i})`);
    initByArray(state, words);
  }

  /** The generator state, a copy (numpy `get_state()`'s key and pos). */
  getState(): RandomStateSnapshot {
    return { key: this.#state.key.slice(), pos: this.#state.pos };
  }

  /** Restores a state from {@link RandomState.getState} or from numpy's `get_state()` (numpy `set_state`). */
  setState(snapshot: RandomStateSnapshot): void {
    const { key, pos } = snapshot;
    if (key == null || key.length !== STATE_LEN) {
      throw new RandomStateError(
        'INVALID_STATE',
        `State key must have ${STATE_LEN} elements; received ${describe(key)}${key == null ? '' : ` with ${key.length} elements`}.`,
      );
    }
    if (!Number.isInteger(pos) || pos < 0 || pos > STATE_LEN) {
      throw new RandomStateError(
        'INVALID_STATE',
        `State pos must be an integer in [0, ${STATE_LEN}]; received ${describe(pos)}.`,
      );
    }
    this.#state.key.set(key);
    this.#state.pos = pos;
  }

  /** The next raw 32-bit output of MT19937, as an unsigned integer (numpy `bit_generator.random_raw()`). */
  nextUint32(): number {
    return nextUint32(this.#state);
  }

  /**
   * Uniform doubles in [0, 1) with 53 random bits (numpy `random_sample` / `random`), one number or,
   * with `size`, a `Float64Array` of that many.
   */
  randomSample(): number;
  randomSample(size: number): Float64Array;
  randomSample(size?: number): number | Float64Array {
    if (size === undefined) return nextDouble(this.#state);
    checkSize(size, 'randomSample');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = nextDouble(this.#state);
    return out;
  }

  /**
   * Uniform integers in [low, high) (numpy `randint` with the default int64 dtype, masked rejection
   * sampling). With one argument the range is [0, low). `low` must be a safe integer, `|high| <= 2**53`
   * and `high - low` at most 2**53; numpy's full int64 range is not representable in a JS number.
   * With `size`, returns a `Float64Array` of that many.
   */
  randint(low: number, high?: number): number;
  randint(low: number, high: number | undefined, size: number): Float64Array;
  randint(low: number, high?: number, size?: number): number | Float64Array {
    let lo = low;
    let hi = high;
    if (hi === undefined) {
      hi = lo;
      lo = 0;
    }
    if (!Number.isSafeInteger(lo) || !Number.isInteger(hi) || Math.abs(hi) > 2 ** 53) {
      throw new RandomStateError(
        'INVALID_ARGUMENT',
        `randint: low must be a safe integer and high an integer with |high| <= 2**53; received low=${describe(low)}, high=${describe(high)}.`,
      );
    }
    if (lo >= hi) {
      throw new RandomStateError(
        'INVALID_ARGUMENT',
        `randint: low >= high; expected low < high, received low=${lo}, high=${hi}.`,
      );
    }
    const rng = hi - 1 - lo;
    if (!Number.isSafeInteger(rng)) {
      throw new RandomStateError(
        'INVALID_ARGUMENT',
        `randint: high - low must be at most 2**53; received low=${lo}, high=${hi}.`,
      );
    }
    if (size === undefined) return lo + randomInterval(this.#state, rng);
    checkSize(size, 'randint');
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = lo + randomInterval(this.#state, rng);
    return out;
  }

  /**
   * Shuffles `array` in place along its only axis and returns it (numpy `shuffle` of a 1-D array:
   * Fisher–Yates from the end, each index drawn by `random_interval`). Works on plain arrays and typed arrays.
   */
  shuffle<A extends MutableArrayLike<unknown>>(array: A): A {
    if (array == null || typeof array !== 'object' || typeof array.length !== 'number') {
      throw new RandomStateError(
        'INVALID_ARGUMENT',
        `shuffle: expected an array or typed array; received ${describe(array)}.`,
      );
    }
    const state = this.#state;
    for (let i = array.length - 1; i > 0; i--) {
      const j = randomInterval(state, i);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * numpy `permutation`: for an integer `n`, `arange(n)` shuffled, as an `Int32Array`; for an array, a
   * shuffled copy of the same type (the input is not modified).
   */
  permutation(n: number): Int32Array;
  permutation<T, A extends MutableArrayLike<T>>(array: A): A;
  permutation(x: number | MutableArrayLike<unknown>): Int32Array | MutableArrayLike<unknown> {
    if (typeof x === 'number') {
      if (!Number.isInteger(x) || x < 0 || x > 0x7fffffff) {
        throw new RandomStateError(
          'INVALID_ARGUMENT',
          `permutation: n must be an integer in [0, 2**31 - 1]; received ${describe(x)}.`,
        );
      }
      const out = new Int32Array(x);
      for (let i = 0; i < x; i++) out[i] = i;
      return this.shuffle(out);
    }
    if (Array.isArray(x)) return this.shuffle(x.slice());
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      return this.shuffle((x as unknown as { slice(): MutableArrayLike<unknown> }).slice());
    }
    throw new RandomStateError(
      'INVALID_ARGUMENT',
      `permutation: expected an integer or a 1-D array; received ${describe(x)}.`,
    );
  }
}
