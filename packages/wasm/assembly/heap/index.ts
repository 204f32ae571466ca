// Kernels that run in tfjs-backend-wasm's own memory (imported, not this module's), so they read and write tensors
// where they live. No static data and no allocation: instantiating must not write a byte of that memory
// (scripts/build-fused.mjs checks the module has no data segment).

/**
 * out[i] = table[ids[i]] for i < n, rows of rowBytes bytes (a multiple of 4); returns -1, or the first i whose id is
 * outside [0, rows) (then nothing is written).
 */
export function gatherRows(table: usize, rows: i32, ids: usize, n: i32, rowBytes: i32, out: usize): i32 {
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + ((<usize>i) << 2));
    if (id < 0 || id >= rows) return i;
  }
  const bytes = <usize>rowBytes;
  for (let i = 0; i < n; i++) {
    const src = table + <usize>load<i32>(ids + ((<usize>i) << 2)) * bytes;
    const dst = out + <usize>i * bytes;
    let k: usize = 0;
    for (; k + 16 <= bytes; k += 16) v128.store(dst + k, v128.load(src + k));
    for (; k < bytes; k += 4) store<u32>(dst + k, load<u32>(src + k));
  }
  return -1;
}
