// Port of numpy/random/src/distributions/distributions.c random_interval and the masked paths of
// random_bounded_uint64_fill (the legacy RandomState always uses the masked rejection method).
import { type MtState, nextUint32 } from './_mt19937.js';

const TWO_32 = 4294967296;

/** Smallest all-ones bit mask >= max, for max <= 2**53 - 1. */
function maskFor(max: number): number {
  if (max <= 0xffffffff) {
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    return mask >>> 0;
  }
  let mask = 1;
  while (mask < max) mask = mask * 2 + 1;
  return mask;
}

/** A uniform integer in [0, max], max a safe integer, drawn exactly as numpy's `random_interval`. */
export function randomInterval(state: MtState, max: number): number {
  if (max === 0) return 0;
  const mask = maskFor(max);
  if (max <= 0xffffffff) {
    let value: number;
    do {
      value = (nextUint32(state) & mask) >>> 0;
    } while (value > max);
    return value;
  }
  const maskHi = Math.floor(mask / TWO_32);
  let value: number;
  do {
    // mt19937_next64: the first 32-bit draw is the high word.
    const hi = (nextUint32(state) & maskHi) >>> 0;
    const lo = nextUint32(state);
    value = hi * TWO_32 + lo;
  } while (value > max);
  return value;
}
