// Small dense helpers on f32 rows. Pointers are byte addresses; every row length N is a multiple of 4.

/**
 * out[0..N) += Σ_k a[k] · m[k·stride + 0..N), k < K, keeping up to 16 columns in registers; skips a[k] = 0
 * (one-hot inputs, the zero initial state).
 */
export function accumulate(a: usize, K: i32, m: usize, stride: i32, out: usize, N: i32): void {
  const rowBytes = (<usize>stride) << 2;
  let j = 0;
  for (; j + 16 <= N; j += 16) {
    const o = out + ((<usize>j) << 2);
    let s0 = v128.load(o);
    let s1 = v128.load(o, 16);
    let s2 = v128.load(o, 32);
    let s3 = v128.load(o, 48);
    let mp = m + ((<usize>j) << 2);
    for (let k = 0; k < K; k++, mp += rowBytes) {
      const ak = load<f32>(a + ((<usize>k) << 2));
      if (ak === 0) continue;
      const v = f32x4.splat(ak);
      s0 = f32x4.add(s0, f32x4.mul(v, v128.load(mp)));
      s1 = f32x4.add(s1, f32x4.mul(v, v128.load(mp, 16)));
      s2 = f32x4.add(s2, f32x4.mul(v, v128.load(mp, 32)));
      s3 = f32x4.add(s3, f32x4.mul(v, v128.load(mp, 48)));
    }
    v128.store(o, s0);
    v128.store(o, s1, 16);
    v128.store(o, s2, 32);
    v128.store(o, s3, 48);
  }
  if (j + 8 <= N) {
    const o = out + ((<usize>j) << 2);
    let s0 = v128.load(o);
    let s1 = v128.load(o, 16);
    let mp = m + ((<usize>j) << 2);
    for (let k = 0; k < K; k++, mp += rowBytes) {
      const ak = load<f32>(a + ((<usize>k) << 2));
      if (ak === 0) continue;
      const v = f32x4.splat(ak);
      s0 = f32x4.add(s0, f32x4.mul(v, v128.load(mp)));
      s1 = f32x4.add(s1, f32x4.mul(v, v128.load(mp, 16)));
    }
    v128.store(o, s0);
    v128.store(o, s1, 16);
    j += 8;
  }
  if (j < N) {
    const o = out + ((<usize>j) << 2);
    let s = v128.load(o);
    let mp = m + ((<usize>j) << 2);
    for (let k = 0; k < K; k++, mp += rowBytes) {
      const ak = load<f32>(a + ((<usize>k) << 2));
      if (ak === 0) continue;
      s = f32x4.add(s, f32x4.mul(f32x4.splat(ak), v128.load(mp)));
    }
    v128.store(o, s);
  }
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
    memory.copy(o, bias, (<usize>N) << 2);
    accumulate(x + ((<usize>r * <usize>F) << 2), F, W, N, o, N);
  }
}

/** dx[r, 0..F) = dz[r] · Wᵀ for every row (dz: rows × N, W: F × N). */
export function inputGrad(dz: usize, W: usize, dx: usize, rows: i32, F: i32, N: i32): void {
  for (let r = 0; r < rows; r++) {
    gemvT(dz + ((<usize>r * <usize>N) << 2), W, N, F, N, dx + ((<usize>r * <usize>F) << 2), false);
  }
}
