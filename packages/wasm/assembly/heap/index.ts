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

/**
 * Conv2D's filter gradient (tfjs-backend-cpu's Conv2DBackpropFilter, summed in double precision in the same order):
 * dW[wR, wC, d1, d2] = Σ over b, yR, yC of x[b, wR + yR·sH − top, wC + yC·sW − left, d1] · dy[b, yR, yC, d2], into
 * the f64 scratch dW64 [fH, fW, inC, outC], then rounded into the f32 output dW. Strides of x and dy are in elements
 * (batch, row, column, channel), so NHWC and NCHW both work; 4 output channels at a time when dy's are contiguous.
 */
export function convFilterGrad(x: usize, dy: usize, dW64: usize, dW: usize, dims: usize): void {
  // dims: i32 [B, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, top, left, xB, xR, xC, xD, yB, yR, yC, yD]
  const B = load<i32>(dims);
  const inH = load<i32>(dims, 4);
  const inW = load<i32>(dims, 8);
  const inC = load<i32>(dims, 12);
  const outH = load<i32>(dims, 16);
  const outW = load<i32>(dims, 20);
  const outC = load<i32>(dims, 24);
  const fH = load<i32>(dims, 28);
  const fW = load<i32>(dims, 32);
  const sH = load<i32>(dims, 36);
  const sW = load<i32>(dims, 40);
  const top = load<i32>(dims, 44);
  const left = load<i32>(dims, 48);
  const xB = load<i32>(dims, 52);
  const xR = load<i32>(dims, 56);
  const xC = load<i32>(dims, 60);
  const xD = load<i32>(dims, 64);
  const yB = load<i32>(dims, 68);
  const yR = load<i32>(dims, 72);
  const yC = load<i32>(dims, 76);
  const yD = load<i32>(dims, 80);
  const n = fH * fW * inC * outC;
  for (let i = 0; i < n; i++) store<f64>(dW64 + ((<usize>i) << 3), 0);
  const vectors = yD === 1 ? outC & ~7 : 0;
  // One batch row at a time (its x and dy rows stay in cache), the sums of 8 output channels in registers across
  // its positions; each sum still adds its terms in the CPU kernel's order (b, then yR, then yC), so the result is
  // the same bit for bit.
  for (let b = 0; b < B; b++) {
    for (let wR = 0; wR < fH; wR++) {
      // The output rows whose input row wR + yR·sH − top lies inside x, as the CPU kernel bounds them.
      const r0 = max(0, <i32>Math.ceil(<f64>(top - wR) / <f64>sH));
      const r1 = min(outH, <i32>Math.ceil(<f64>(inH + top - wR) / <f64>sH));
      for (let wC = 0; wC < fW; wC++) {
        const c0 = max(0, <i32>Math.ceil(<f64>(left - wC) / <f64>sW));
        const c1 = min(outW, <i32>Math.ceil(<f64>(inW + left - wC) / <f64>sW));
        for (let d1 = 0; d1 < inC; d1++) {
          const row = dW64 + ((<usize>((wR * fW + wC) * inC + d1) * <usize>outC) << 3);
          let d2 = 0;
          for (; d2 < vectors; d2 += 8) {
            const at = row + ((<usize>d2) << 3);
            let a0 = v128.load(at);
            let a1 = v128.load(at, 16);
            let a2 = v128.load(at, 32);
            let a3 = v128.load(at, 48);
            for (let r = r0; r < r1; r++) {
              const xRow = wR + r * sH - top;
              for (let c = c0; c < c1; c++) {
                const xCol = wC + c * sW - left;
                const xv = f64x2.splat(
                  <f64>load<f32>(x + ((<usize>(b * xB + xRow * xR + xCol * xC + d1 * xD)) << 2)),
                );
                const y = dy + ((<usize>(b * yB + r * yR + c * yC + d2)) << 2);
                const y0 = v128.load(y);
                const y1 = v128.load(y, 16);
                a0 = f64x2.add(a0, f64x2.mul(xv, f64x2.promote_low_f32x4(y0)));
                a1 = f64x2.add(a1, f64x2.mul(xv, f64x2.promote_low_f32x4(i32x4.shuffle(y0, y0, 2, 3, 0, 1))));
                a2 = f64x2.add(a2, f64x2.mul(xv, f64x2.promote_low_f32x4(y1)));
                a3 = f64x2.add(a3, f64x2.mul(xv, f64x2.promote_low_f32x4(i32x4.shuffle(y1, y1, 2, 3, 0, 1))));
              }
            }
            v128.store(at, a0);
            v128.store(at, a1, 16);
            v128.store(at, a2, 32);
            v128.store(at, a3, 48);
          }
          for (; d2 < outC; d2++) {
            const at = row + ((<usize>d2) << 3);
            let a = load<f64>(at);
            for (let r = r0; r < r1; r++) {
              const xRow = wR + r * sH - top;
              for (let c = c0; c < c1; c++) {
                const xCol = wC + c * sW - left;
                const xs = <f64>load<f32>(x + ((<usize>(b * xB + xRow * xR + xCol * xC + d1 * xD)) << 2));
                a += xs * <f64>load<f32>(dy + ((<usize>(b * yB + r * yR + c * yC + d2 * yD)) << 2));
              }
            }
            store<f64>(at, a);
          }
        }
      }
    }
  }
  for (let i = 0; i < n; i++) store<f32>(dW + ((<usize>i) << 2), <f32>load<f64>(dW64 + ((<usize>i) << 3)));
}

/**
 * out[o, m, i] = (a[o, m, i] == b[o, i]) as a bool byte, for float32 a [outer, mid, inner] and b [outer, 1, inner]
 * (or the operands swapped, which compares the same): the broadcast Equal of a max/min reduction's gradient. NaN
 * equals nothing, as in C++.
 */
export function equalBroadcastMid(a: usize, b: usize, out: usize, outer: i32, mid: i32, inner: i32): void {
  let at: usize = 0;
  for (let o = 0; o < outer; o++) {
    const bRow = b + ((<usize>(o * inner)) << 2);
    for (let m = 0; m < mid; m++) {
      for (let i = 0; i < inner; i++) {
        const x = load<f32>(a + (at << 2));
        const y = load<f32>(bRow + ((<usize>i) << 2));
        store<u8>(out + at, x === y ? 1 : 0);
        at++;
      }
    }
  }
}

/**
 * Conv2D's input gradient (tfjs-backend-cpu's Conv2DBackpropInput, NHWC, no dilation): dx[b, xR, xC, d1] = Σ over
 * the output positions (yR, yC) that read it and d2 of dy[b, yR, yC, d2] · W[fH−1−wR, fW−1−wC, d1, d2], with
 * wR = yR·sH − (xR − topPad). float32 sums, 4 output channels d2 at a time (then the rest one by one).
 */
export function convInputGrad(dy: usize, w: usize, dx: usize, dims: usize): void {
  // dims: i32 [B, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, topPad, leftPad]
  const B = load<i32>(dims);
  const inH = load<i32>(dims, 4);
  const inW = load<i32>(dims, 8);
  const inC = load<i32>(dims, 12);
  const outH = load<i32>(dims, 16);
  const outW = load<i32>(dims, 20);
  const outC = load<i32>(dims, 24);
  const fH = load<i32>(dims, 28);
  const fW = load<i32>(dims, 32);
  const sH = load<i32>(dims, 36);
  const sW = load<i32>(dims, 40);
  const topPad = load<i32>(dims, 44);
  const leftPad = load<i32>(dims, 48);
  const vectors = outC & ~3;
  let at: usize = dx;
  for (let b = 0; b < B; b++) {
    for (let xR = 0; xR < inH; xR++) {
      const xRCorner = xR - topPad;
      const yR0 = max(0, <i32>Math.ceil(<f64>xRCorner / <f64>sH));
      const yR1 = min(outH, <i32>Math.ceil(<f64>(fH + xRCorner) / <f64>sH));
      for (let xC = 0; xC < inW; xC++) {
        const xCCorner = xC - leftPad;
        const yC0 = max(0, <i32>Math.ceil(<f64>xCCorner / <f64>sW));
        const yC1 = min(outW, <i32>Math.ceil(<f64>(fW + xCCorner) / <f64>sW));
        for (let d1 = 0; d1 < inC; d1++) {
          let acc = f32x4.splat(0);
          let tail: f32 = 0;
          for (let yR = yR0; yR < yR1; yR++) {
            const wR = yR * sH - xRCorner;
            for (let yC = yC0; yC < yC1; yC++) {
              const wC = yC * sW - xCCorner;
              const dyRow = dy + ((<usize>(((b * outH + yR) * outW + yC) * outC)) << 2);
              const wRow = w + ((<usize>((((fH - 1 - wR) * fW + (fW - 1 - wC)) * inC + d1) * outC)) << 2);
              let d2 = 0;
              for (; d2 < vectors; d2 += 4) {
                const off = (<usize>d2) << 2;
                acc = f32x4.add(acc, f32x4.mul(v128.load(dyRow + off), v128.load(wRow + off)));
              }
              for (; d2 < outC; d2++) {
                const off = (<usize>d2) << 2;
                tail += load<f32>(dyRow + off) * load<f32>(wRow + off);
              }
            }
          }
          store<f32>(
            at,
            f32x4.extract_lane(acc, 0) +
              f32x4.extract_lane(acc, 1) +
              f32x4.extract_lane(acc, 2) +
              f32x4.extract_lane(acc, 3) +
              tail,
          );
          at += 4;
        }
      }
    }
  }
}
export { rmspropStep } from './rmsprop';
