// Port of numpy/random/src/mt19937/mt19937.c (mt19937_seed, mt19937_init_by_array, mt19937_gen, mt19937_next).

export const STATE_LEN = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export interface MtState {
  key: Uint32Array;
  pos: number;
}

export function initGenrand(state: MtState, seed: number): void {
  const key = state.key;
  let s = seed >>> 0;
  for (let pos = 0; pos < STATE_LEN; pos++) {
    key[pos] = s;
    s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + pos + 1) >>> 0;
  }
  state.pos = STATE_LEN;
}

export function initByArray(state: MtState, initKey: Uint32Array): void {
  const mt = state.key;
  const keyLength = initKey.length;
  initGenrand(state, 19650218);
  let i = 1;
  let j = 0;
  for (let k = Math.max(STATE_LEN, keyLength); k > 0; k--) {
    const prev = mt[i - 1]!;
    mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1664525)) >>> 0) + initKey[j]! + j;
    i++;
    j++;
    if (i >= STATE_LEN) {
      mt[0] = mt[STATE_LEN - 1]!;
      i = 1;
    }
    if (j >= keyLength) j = 0;
  }
  for (let k = STATE_LEN - 1; k > 0; k--) {
    const prev = mt[i - 1]!;
    mt[i] = ((mt[i]! ^ Math.imul((prev ^ (prev >>> 30)) >>> 0, 1566083941)) >>> 0) - i;
    i++;
    if (i >= STATE_LEN) {
      mt[0] = mt[STATE_LEN - 1]!;
      i = 1;
    }
  }
  mt[0] = 0x80000000;
}

function generate(state: MtState): void {
  const key = state.key;
  let i = 0;
  let y: number;
  for (; i < STATE_LEN - M; i++) {
    y = (key[i]! & UPPER_MASK) | (key[i + 1]! & LOWER_MASK);
    key[i] = key[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }
  for (; i < STATE_LEN - 1; i++) {
    y = (key[i]! & UPPER_MASK) | (key[i + 1]! & LOWER_MASK);
    key[i] = key[i + M - STATE_LEN]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  }
  y = (key[STATE_LEN - 1]! & UPPER_MASK) | (key[0]! & LOWER_MASK);
  key[STATE_LEN - 1] = key[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
  state.pos = 0;
}

/** The next tempered 32-bit output, as an unsigned number. */
export function nextUint32(state: MtState): number {
  if (state.pos === STATE_LEN) generate(state);
  let y = state.key[state.pos++]!;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return (y ^ (y >>> 18)) >>> 0;
}

/** numpy `mt19937_next_double`: 53 random bits in [0, 1). */
export function nextDouble(state: MtState): number {
  const a = nextUint32(state) >>> 5;
  const b = nextUint32(state) >>> 6;
  return (a * 67108864 + b) / 9007199254740992;
}
