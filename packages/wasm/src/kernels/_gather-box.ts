import type { Elements } from './_backend.js';

// Below this run length an element loop beats `subarray` + `set` (which allocate a view per call).
const MIN_BULK_RUN = 32;

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d] ?? 1;
  }
  return strides;
}

/**
 * Copies the box `begin + index * step` (index over `size`) of a row-major `shape` array into `dst`, in row-major
 * order. Trailing dimensions that are taken whole merge into one contiguous run, copied with `TypedArray.set`.
 */
export function gatherBox(
  src: Elements,
  shape: readonly number[],
  begin: readonly number[],
  step: readonly number[],
  size: readonly number[],
  dst: Elements,
): void {
  const rank = shape.length;
  let total = 1;
  for (const n of size) total *= n;
  if (total === 0) return;
  if (rank === 0) {
    dst[0] = src[0] as never;
    return;
  }
  const strides = stridesOf(shape);
  let k = rank - 1;
  let run = size[k]!;
  let innerStride = step[k]! * strides[k]!;
  if (step[k] === 1) {
    while (k > 0 && size[k] === shape[k] && step[k - 1] === 1) {
      k--;
      run = size[k]! * strides[k]!;
    }
    innerStride = 1;
  }
  const bulk = innerStride === 1 && run >= MIN_BULK_RUN && !Array.isArray(src);
  // Odometer over the outer dimensions 0..k-1; `base` is the source offset of the current run.
  const index = new Array<number>(k).fill(0);
  let base = 0;
  for (let d = 0; d < rank; d++) base += begin[d]! * strides[d]!;
  const outer = total / run;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    if (bulk) {
      const typedSrc = src as Float32Array;
      (dst as Float32Array).set(typedSrc.subarray(base, base + run), o);
      o += run;
    } else {
      for (let j = 0, s = base; j < run; j++, s += innerStride) dst[o++] = src[s] as never;
    }
    for (let d = k - 1; d >= 0; d--) {
      const jump = step[d]! * strides[d]!;
      const next = index[d]! + 1;
      if (next < size[d]!) {
        index[d] = next;
        base += jump;
        break;
      }
      base -= jump * (size[d]! - 1);
      index[d] = 0;
    }
  }
}
