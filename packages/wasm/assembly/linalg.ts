// Small dense helpers on f32 rows. Pointers are byte addresses; every row length N is a multiple of 4.

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript's @inline applies to methods here; Biome cannot parse decorators on plain functions.
export class Mac {
  /**
   * out[0..N) += Σ_t Σ_k a[t·aTap + k·aStep] · m[t·mTap + k·mStep + 0..N) for t < taps, k < K (steps in bytes),
   * each output column summed in that order (t, then k, ascending). The one register-blocked multiply-add of the
   * dense products and the convolutions: 16 columns (4 sums) per pass, then 8 and 4. Wider passes (8 sums, a
   * broadcast and the loads) spill V8's 16 SIMD registers and run about 1.5× slower. With `skipZeros`, a = ±0 is
   * skipped: a branch that pays off for one-hot or dropped-out inputs, and is pure overhead for dense ones. N is a
   * multiple of 4.
   */
  @inline
  static run(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    out: usize,
    N: i32,
    skipZeros: bool,
  ): void {
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      const off = (<usize>j) << 2;
      Mac.cols16(a, aStep, K, m + off, mStep, taps, aTap, mTap, out + off, skipZeros);
    }
    if (j + 8 <= N) {
      const off = (<usize>j) << 2;
      Mac.cols8(a, aStep, K, m + off, mStep, taps, aTap, mTap, out + off, skipZeros);
      j += 8;
    }
    if (j < N) {
      const off = (<usize>j) << 2;
      Mac.cols4(a, aStep, K, m + off, mStep, taps, aTap, mTap, out + off, skipZeros);
    }
  }

  /**
   * {@link Mac.run} for two output rows at once, out and out + oRow (bytes), whose a are at a and a + aRow: each load
   * of m feeds both rows' sums (8 sums in registers for 16 columns, with the two broadcasts and one row of m). Each
   * output column sums in the same order as {@link Mac.run}'s, and `skipZeros` skips a = 0 row by row as it does.
   */
  @inline
  static run2(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    out: usize,
    N: i32,
    aRow: usize,
    oRow: usize,
    skipZeros: bool,
  ): void {
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      const off = (<usize>j) << 2;
      Mac.cols16x2(a, aStep, K, m + off, mStep, taps, aTap, mTap, out + off, aRow, oRow, skipZeros);
    }
    if (j + 8 <= N) {
      const off = (<usize>j) << 2;
      Mac.cols8x2(a, aStep, K, m + off, mStep, taps, aTap, mTap, out + off, aRow, oRow, skipZeros);
      j += 8;
    }
    if (j < N) {
      const off = (<usize>j) << 2;
      Mac.cols4x2(a, aStep, K, m + off, mStep, taps, aTap, mTap, out + off, aRow, oRow, skipZeros);
    }
  }

  /** {@link Mac.run2} on the 16 columns at m, o and o + oRow. */
  @inline
  static cols16x2(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    o: usize,
    aRow: usize,
    oRow: usize,
    skipZeros: bool,
  ): void {
    const o2 = o + oRow;
    let s0 = v128.load(o);
    let t0 = v128.load(o2);
    let s1 = v128.load(o, 16);
    let t1 = v128.load(o2, 16);
    let s2 = v128.load(o, 32);
    let t2 = v128.load(o2, 32);
    let s3 = v128.load(o, 48);
    let t3 = v128.load(o2, 48);
    let at = a;
    let mt = m;
    for (let t = 0; t < taps; t++, at += aTap, mt += mTap) {
      let ap = at;
      let mp = mt;
      for (let k = 0; k < K; k++, ap += aStep, mp += mStep) {
        const u = v128.load32_splat(ap);
        const v = v128.load32_splat(ap + aRow);
        if (skipZeros) {
          // A row whose a is ±0 skips its products alone, as Mac.run does (tested on the bits: integer registers).
          const x0 = load<u32>(ap) << 1;
          const x1 = load<u32>(ap + aRow) << 1;
          if (x0 === 0 || x1 === 0) {
            if (x0 !== 0) {
              s0 = f32x4.add(s0, f32x4.mul(u, v128.load(mp)));
              s1 = f32x4.add(s1, f32x4.mul(u, v128.load(mp, 16)));
              s2 = f32x4.add(s2, f32x4.mul(u, v128.load(mp, 32)));
              s3 = f32x4.add(s3, f32x4.mul(u, v128.load(mp, 48)));
            }
            if (x1 !== 0) {
              t0 = f32x4.add(t0, f32x4.mul(v, v128.load(mp)));
              t1 = f32x4.add(t1, f32x4.mul(v, v128.load(mp, 16)));
              t2 = f32x4.add(t2, f32x4.mul(v, v128.load(mp, 32)));
              t3 = f32x4.add(t3, f32x4.mul(v, v128.load(mp, 48)));
            }
            continue;
          }
        }
        const m0 = v128.load(mp);
        s0 = f32x4.add(s0, f32x4.mul(u, m0));
        t0 = f32x4.add(t0, f32x4.mul(v, m0));
        const m1 = v128.load(mp, 16);
        s1 = f32x4.add(s1, f32x4.mul(u, m1));
        t1 = f32x4.add(t1, f32x4.mul(v, m1));
        const m2 = v128.load(mp, 32);
        s2 = f32x4.add(s2, f32x4.mul(u, m2));
        t2 = f32x4.add(t2, f32x4.mul(v, m2));
        const m3 = v128.load(mp, 48);
        s3 = f32x4.add(s3, f32x4.mul(u, m3));
        t3 = f32x4.add(t3, f32x4.mul(v, m3));
      }
    }
    v128.store(o, s0);
    v128.store(o2, t0);
    v128.store(o, s1, 16);
    v128.store(o2, t1, 16);
    v128.store(o, s2, 32);
    v128.store(o2, t2, 32);
    v128.store(o, s3, 48);
    v128.store(o2, t3, 48);
  }

  /** {@link Mac.run2} on the 8 columns at m, o and o + oRow. */
  @inline
  static cols8x2(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    o: usize,
    aRow: usize,
    oRow: usize,
    skipZeros: bool,
  ): void {
    const o2 = o + oRow;
    let s0 = v128.load(o);
    let t0 = v128.load(o2);
    let s1 = v128.load(o, 16);
    let t1 = v128.load(o2, 16);
    let at = a;
    let mt = m;
    for (let t = 0; t < taps; t++, at += aTap, mt += mTap) {
      let ap = at;
      let mp = mt;
      for (let k = 0; k < K; k++, ap += aStep, mp += mStep) {
        const u = v128.load32_splat(ap);
        const v = v128.load32_splat(ap + aRow);
        if (skipZeros) {
          // A row whose a is ±0 skips its products alone, as Mac.run does (tested on the bits: integer registers).
          const x0 = load<u32>(ap) << 1;
          const x1 = load<u32>(ap + aRow) << 1;
          if (x0 === 0 || x1 === 0) {
            if (x0 !== 0) {
              s0 = f32x4.add(s0, f32x4.mul(u, v128.load(mp)));
              s1 = f32x4.add(s1, f32x4.mul(u, v128.load(mp, 16)));
            }
            if (x1 !== 0) {
              t0 = f32x4.add(t0, f32x4.mul(v, v128.load(mp)));
              t1 = f32x4.add(t1, f32x4.mul(v, v128.load(mp, 16)));
            }
            continue;
          }
        }
        const m0 = v128.load(mp);
        s0 = f32x4.add(s0, f32x4.mul(u, m0));
        t0 = f32x4.add(t0, f32x4.mul(v, m0));
        const m1 = v128.load(mp, 16);
        s1 = f32x4.add(s1, f32x4.mul(u, m1));
        t1 = f32x4.add(t1, f32x4.mul(v, m1));
      }
    }
    v128.store(o, s0);
    v128.store(o2, t0);
    v128.store(o, s1, 16);
    v128.store(o2, t1, 16);
  }

  /** {@link Mac.run2} on the 4 columns at m, o and o + oRow. */
  @inline
  static cols4x2(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    o: usize,
    aRow: usize,
    oRow: usize,
    skipZeros: bool,
  ): void {
    const o2 = o + oRow;
    let s0 = v128.load(o);
    let t0 = v128.load(o2);
    let at = a;
    let mt = m;
    for (let t = 0; t < taps; t++, at += aTap, mt += mTap) {
      let ap = at;
      let mp = mt;
      for (let k = 0; k < K; k++, ap += aStep, mp += mStep) {
        const u = v128.load32_splat(ap);
        const v = v128.load32_splat(ap + aRow);
        if (skipZeros) {
          // A row whose a is ±0 skips its products alone, as Mac.run does (tested on the bits: integer registers).
          const x0 = load<u32>(ap) << 1;
          const x1 = load<u32>(ap + aRow) << 1;
          if (x0 === 0 || x1 === 0) {
            if (x0 !== 0) {
              s0 = f32x4.add(s0, f32x4.mul(u, v128.load(mp)));
            }
            if (x1 !== 0) {
              t0 = f32x4.add(t0, f32x4.mul(v, v128.load(mp)));
            }
            continue;
          }
        }
        const m0 = v128.load(mp);
        s0 = f32x4.add(s0, f32x4.mul(u, m0));
        t0 = f32x4.add(t0, f32x4.mul(v, m0));
      }
    }
    v128.store(o, s0);
    v128.store(o2, t0);
  }

  /** {@link Mac.run} on the 16 columns at m and o. */
  @inline
  static cols16(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    o: usize,
    skipZeros: bool,
  ): void {
    let s0 = v128.load(o);
    let s1 = v128.load(o, 16);
    let s2 = v128.load(o, 32);
    let s3 = v128.load(o, 48);
    let at = a;
    let mt = m;
    for (let t = 0; t < taps; t++, at += aTap, mt += mTap) {
      let ap = at;
      let mp = mt;
      for (let k = 0; k < K; k++, ap += aStep, mp += mStep) {
        if (skipZeros && load<u32>(ap) << 1 === 0) continue;
        const v = v128.load32_splat(ap);
        s0 = f32x4.add(s0, f32x4.mul(v, v128.load(mp)));
        s1 = f32x4.add(s1, f32x4.mul(v, v128.load(mp, 16)));
        s2 = f32x4.add(s2, f32x4.mul(v, v128.load(mp, 32)));
        s3 = f32x4.add(s3, f32x4.mul(v, v128.load(mp, 48)));
      }
    }
    v128.store(o, s0);
    v128.store(o, s1, 16);
    v128.store(o, s2, 32);
    v128.store(o, s3, 48);
  }

  /** {@link Mac.run} on the 8 columns at m and o. */
  @inline
  static cols8(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    o: usize,
    skipZeros: bool,
  ): void {
    let s0 = v128.load(o);
    let s1 = v128.load(o, 16);
    let at = a;
    let mt = m;
    for (let t = 0; t < taps; t++, at += aTap, mt += mTap) {
      let ap = at;
      let mp = mt;
      for (let k = 0; k < K; k++, ap += aStep, mp += mStep) {
        if (skipZeros && load<u32>(ap) << 1 === 0) continue;
        const v = v128.load32_splat(ap);
        s0 = f32x4.add(s0, f32x4.mul(v, v128.load(mp)));
        s1 = f32x4.add(s1, f32x4.mul(v, v128.load(mp, 16)));
      }
    }
    v128.store(o, s0);
    v128.store(o, s1, 16);
  }

  /** {@link Mac.run} on the 4 columns at m and o. */
  @inline
  static cols4(
    a: usize,
    aStep: usize,
    K: i32,
    m: usize,
    mStep: usize,
    taps: i32,
    aTap: usize,
    mTap: usize,
    o: usize,
    skipZeros: bool,
  ): void {
    let s0 = v128.load(o);
    let at = a;
    let mt = m;
    for (let t = 0; t < taps; t++, at += aTap, mt += mTap) {
      let ap = at;
      let mp = mt;
      for (let k = 0; k < K; k++, ap += aStep, mp += mStep) {
        if (skipZeros && load<u32>(ap) << 1 === 0) continue;
        const v = v128.load32_splat(ap);
        s0 = f32x4.add(s0, f32x4.mul(v, v128.load(mp)));
      }
    }
    v128.store(o, s0);
  }
}

/**
 * out[0..N) += Σ_k a[k] · m[k·stride + 0..N), k < K, skipping a[k] = 0 (one-hot inputs, dropped-out features,
 * the zero initial state).
 */
export function accumulate(a: usize, K: i32, m: usize, stride: i32, out: usize, N: i32): void {
  Mac.run(a, 4, K, m, (<usize>stride) << 2, 1, 0, 0, out, N, true);
}

/** out[k·stride + 0..N) += a[k] · v[0..N) for k < K, skipping a[k] = 0 (one-hot inputs). */
export function rank1(a: usize, K: i32, v: usize, out: usize, stride: i32, N: i32): void {
  for (let k = 0; k < K; k++) {
    const ak = load<f32>(a + ((<usize>k) << 2));
    if (ak === 0) continue;
    const s = f32x4.splat(ak);
    const row = out + ((<usize>k * <usize>stride) << 2);
    for (let j = 0; j < N; j += 4) {
      const p = row + ((<usize>j) << 2);
      v128.store(p, f32x4.add(v128.load(p), f32x4.mul(s, v128.load(v + ((<usize>j) << 2)))));
    }
  }
}

/** out[k] (+)= Σ_j a[j] · m[k·stride + j], j < N, for k < K. */
export function gemvT(a: usize, m: usize, stride: i32, K: i32, N: i32, out: usize, add: bool): void {
  for (let k = 0; k < K; k++) {
    const row = m + ((<usize>k * <usize>stride) << 2);
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const off = (<usize>j) << 2;
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a + off), v128.load(row + off)));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a + off, 16), v128.load(row + off, 16)));
    }
    if (j < N) {
      const off = (<usize>j) << 2;
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a + off), v128.load(row + off)));
    }
    const s = f32x4.add(s0, s1);
    let dot =
      f32x4.extract_lane(s, 0) +
      f32x4.extract_lane(s, 1) +
      (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
    const p = out + ((<usize>k) << 2);
    if (add) dot += load<f32>(p);
    store<f32>(p, dot);
  }
}

/** out[0..N) = v[0..N): inline, where memory.copy is a call out of the module. */
export function copyRow(v: usize, out: usize, N: i32): void {
  for (let j = 0; j < N; j += 4) {
    const off = (<usize>j) << 2;
    v128.store(out + off, v128.load(v + off));
  }
}

/** out[0..N) = 0: inline, where memory.fill is a call out of the module. */
export function zeroRow(out: usize, N: i32): void {
  for (let j = 0; j < N; j += 4) v128.store(out + ((<usize>j) << 2), f32x4.splat(0));
}

/** out[0..N) += v[0..N). */
export function addRow(v: usize, out: usize, N: i32): void {
  for (let j = 0; j < N; j += 4) {
    const off = (<usize>j) << 2;
    v128.store(out + off, f32x4.add(v128.load(out + off), v128.load(v + off)));
  }
}

/** rows × N projection: out[r] = bias + x[r] · W (x: rows × F, W: F × N); zero inputs are skipped. */
export function project(x: usize, W: usize, bias: usize, out: usize, rows: i32, F: i32, N: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = out + ((<usize>r * <usize>N) << 2);
    copyRow(bias, o, N);
    accumulate(x + ((<usize>r * <usize>F) << 2), F, W, N, o, N);
  }
}

/** dx[r, 0..F) = dz[r] · Wᵀ for every row (dz: rows × N, W: F × N). */
export function inputGrad(dz: usize, W: usize, dx: usize, rows: i32, F: i32, N: i32): void {
  for (let r = 0; r < rows; r++) {
    gemvT(dz + ((<usize>r * <usize>N) << 2), W, N, F, N, dx + ((<usize>r * <usize>F) << 2), false);
  }
}

/** accumulate without the zero test, for dense a (recurrent states, gate gradients). */
export function accumulateDense(a: usize, K: i32, m: usize, stride: i32, out: usize, N: i32): void {
  Mac.run(a, 4, K, m, (<usize>stride) << 2, 1, 0, 0, out, N, false);
}

/**
 * out[k·outStride + 0..N) += Σ_r a[r·aStride + k] · m[r·stride + 0..N) for k < K, r < rows (aᵀ·m: a weight
 * gradient from the layer inputs a and the gate gradients m), skipping a = 0. Rows go in blocks of about 16 KB of
 * m, which stay in cache while every k sums over them in registers, two k at a time.
 */
export function accumulateT(
  a: usize,
  aStride: i32,
  K: i32,
  m: usize,
  stride: i32,
  rows: i32,
  out: usize,
  outStride: i32,
  N: i32,
): void {
  const block = max(8, 4096 / stride);
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = min(block, rows - r0);
    const ab = a + ((<usize>r0 * <usize>aStride) << 2);
    const mb = m + ((<usize>r0 * <usize>stride) << 2);
    let k = 0;
    // Two k at a time: each load of m feeds both rows of out.
    for (; k + 2 <= K; k += 2) {
      const o = out + ((<usize>k * <usize>outStride) << 2);
      Mac.run2(
        ab + ((<usize>k) << 2),
        (<usize>aStride) << 2,
        n,
        mb,
        (<usize>stride) << 2,
        1,
        0,
        0,
        o,
        N,
        4,
        (<usize>outStride) << 2,
        true,
      );
    }
    if (k < K) {
      const o = out + ((<usize>k * <usize>outStride) << 2);
      Mac.run(
        ab + ((<usize>k) << 2),
        (<usize>aStride) << 2,
        n,
        mb,
        (<usize>stride) << 2,
        1,
        0,
        0,
        o,
        N,
        true,
      );
    }
  }
}

/** out[c·outStride + r] = m[r·stride + c] for r < rows, c < cols. */
export function transpose(m: usize, rows: i32, cols: i32, stride: i32, out: usize, outStride: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(
        out + ((<usize>c * <usize>outStride + <usize>r) << 2),
        load<f32>(m + ((<usize>r * <usize>stride + <usize>c) << 2)),
      );
    }
  }
}

/**
 * out[r·outStride + 0..N) = Σ_k a[r·aStride + k] · m[k·stride + 0..N) for r < rows (a·m, overwriting out), two
 * rows at a time so each m load feeds two independent sums.
 */
export function matmul(
  a: usize,
  aStride: i32,
  K: i32,
  m: usize,
  stride: i32,
  out: usize,
  outStride: i32,
  N: i32,
  rows: i32,
): void {
  const rowBytes = (<usize>stride) << 2;
  const aBytes = (<usize>aStride) << 2;
  const oBytes = (<usize>outStride) << 2;
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const a0 = a + <usize>r * aBytes;
    const o0 = out + <usize>r * oBytes;
    let j = 0;
    for (; j + 16 <= N; j += 16) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      let t0 = f32x4.splat(0);
      let t1 = f32x4.splat(0);
      let t2 = f32x4.splat(0);
      let t3 = f32x4.splat(0);
      let mp = m + ((<usize>j) << 2);
      for (let k = 0; k < K; k++, mp += rowBytes) {
        const ap = a0 + ((<usize>k) << 2);
        const u = v128.load32_splat(ap);
        const v = v128.load32_splat(ap + aBytes);
        const m0 = v128.load(mp);
        const m1 = v128.load(mp, 16);
        const m2 = v128.load(mp, 32);
        const m3 = v128.load(mp, 48);
        s0 = f32x4.add(s0, f32x4.mul(u, m0));
        s1 = f32x4.add(s1, f32x4.mul(u, m1));
        s2 = f32x4.add(s2, f32x4.mul(u, m2));
        s3 = f32x4.add(s3, f32x4.mul(u, m3));
        t0 = f32x4.add(t0, f32x4.mul(v, m0));
        t1 = f32x4.add(t1, f32x4.mul(v, m1));
        t2 = f32x4.add(t2, f32x4.mul(v, m2));
        t3 = f32x4.add(t3, f32x4.mul(v, m3));
      }
      const o = o0 + ((<usize>j) << 2);
      v128.store(o, s0);
      v128.store(o, s1, 16);
      v128.store(o, s2, 32);
      v128.store(o, s3, 48);
      v128.store(o + oBytes, t0);
      v128.store(o + oBytes, t1, 16);
      v128.store(o + oBytes, t2, 32);
      v128.store(o + oBytes, t3, 48);
    }
    for (; j < N; j += 4) {
      let s = f32x4.splat(0);
      let t = f32x4.splat(0);
      let mp = m + ((<usize>j) << 2);
      for (let k = 0; k < K; k++, mp += rowBytes) {
        const ap = a0 + ((<usize>k) << 2);
        const mv = v128.load(mp);
        s = f32x4.add(s, f32x4.mul(v128.load32_splat(ap), mv));
        t = f32x4.add(t, f32x4.mul(v128.load32_splat(ap + aBytes), mv));
      }
      const o = o0 + ((<usize>j) << 2);
      v128.store(o, s);
      v128.store(o + oBytes, t);
    }
  }
  if (r < rows) {
    const o = out + <usize>r * oBytes;
    zeroRow(o, N);
    Mac.run(a + <usize>r * aBytes, 4, K, m, rowBytes, 1, 0, 0, o, N, false);
  }
}

/**
 * inputGrad as a product with Wᵀ (WT: N × F scratch), two rows at a time and with no horizontal sums; rows of F
 * floats that are not whole vectors (F not a multiple of 4) take inputGrad.
 */
export function inputGradT(dz: usize, W: usize, WT: usize, dx: usize, rows: i32, F: i32, N: i32): void {
  if ((F & 3) !== 0) {
    inputGrad(dz, W, dx, rows, F, N);
    return;
  }
  transpose(W, F, N, N, WT, F);
  matmul(dz, N, N, WT, F, dx, F, F, rows);
}
