// Conv1D on an embedding table with GlobalMaxPooling1D after it (the zoo's conv1d: Embedding → Conv1D → max over
// the steps), forward and backward, with the activation fused. The forward never stores the [B,To,FP] output: each
// output row is summed from the tap tables P[k] = E · W[k] into one scratch row, activated, and folded into the
// running maximum M [B,FP], with the first step that holds it in A [B,FP] (i32) and a tie flag in Q [B,FP] (i32, -1
// when a later step equals the maximum). The backward then touches only the steps that hold a maximum: for those
// the gradient is dM · act'(M) (tfjs' max gradient sends it to every tied step), and each such step adds to one
// table row and one kernel column per tap, instead of a dense [B,To,FP] gradient through two table products.
// Layouts as in conv1d.ts (f32 rows padded with zeros to CP and FP, multiples of 4): ids i32 [B,T], E [V,CP],
// W [K,CP,FP], bias [FP], P [K,V,FP], R [2·FP] (scratch).
import { addRow, copyRow, matmul, transpose } from './linalg';
import { V as Vec } from './math';

const RELU = 1;
const TANH = 2;
const SIGMOID = 3;

/** act(v) lane by lane, the same operations as conv1d.ts' `activate`. */
// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript's @inline applies to methods here; Biome cannot parse decorators on plain functions.
class Act {
  @inline
  static apply(v: v128, act: i32): v128 {
    if (act === RELU) return f32x4.max(v, f32x4.splat(0));
    if (act === TANH) return Vec.tanh(v);
    if (act === SIGMOID) return Vec.sigmoid(v);
    return v;
  }

  /** g · act'(y) from the activated y, the operations of conv1d.ts' `activationGrad` on one lane. */
  @inline
  static grad(g: f32, y: f32, act: i32): f32 {
    if (act === RELU) return y > 0 ? g : 0;
    if (act === TANH) return g * (<f32>1.0 - y * y);
    if (act === SIGMOID) return g * (y * (<f32>1.0 - y));
    return g;
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript's @inline applies to methods here; Biome cannot parse decorators on plain functions.
class Fold {
  /**
   * Folds the step t's activated values y into the running maxima at m: their first step at a (tv = t in every
   * lane), the tie flag at q (-1 when a later step equals the maximum, reset by a new maximum). f32x4.max as
   * conv1d.ts' maxPool, so a NaN propagates.
   */
  @inline
  static step(y: v128, m: usize, a: usize, q: usize, tv: v128): void {
    const mv = v128.load(m);
    const gt = f32x4.gt(y, mv);
    v128.store(a, v128.bitselect(tv, v128.load(a), gt));
    v128.store(q, v128.or(v128.andnot(v128.load(q), gt), f32x4.eq(y, mv)));
    v128.store(m, f32x4.max(y, mv));
  }
}

/** R = bias + Σ_k P[k][ids[b, t - padLeft + k·d]] over the taps inside [0, T), taps in order. */
function sumRow(
  b: i32,
  t: i32,
  T: i32,
  K: i32,
  FP: i32,
  dil: i32,
  padLeft: i32,
  ids: usize,
  bias: usize,
  P: usize,
  tableBytes: usize,
  R: usize,
): void {
  const rowBytes = (<usize>FP) << 2;
  const idb = ids + ((<usize>(b * T)) << 2);
  copyRow(bias, R, FP);
  const base = t - padLeft;
  for (let k = 0; k < K; k++) {
    const s = base + k * dil;
    if (s < 0 || s >= T) continue;
    const id = load<i32>(idb + ((<usize>s) << 2));
    addRow(P + <usize>k * tableBytes + <usize>id * rowBytes, R, FP);
  }
}

/**
 * M[b] = max over t < To of act(bias + Σ_k P[k][ids[b, t - padLeft + k·d]]) with P[k] = E · W[k]; A[b] the first
 * step holding each maximum, Q[b] = -1 where a later step ties with it (else 0). A and Q are i32 [B,FP], Q right
 * after A.
 */
export function conv1dTablePoolForward(
  B: i32,
  T: i32,
  V: i32,
  CP: i32,
  K: i32,
  FP: i32,
  dil: i32,
  padLeft: i32,
  To: i32,
  act: i32,
  ids: usize,
  E: usize,
  W: usize,
  bias: usize,
  P: usize,
  M: usize,
  A: usize,
): void {
  const rowBytes = (<usize>FP) << 2;
  const tableBytes = <usize>V * rowBytes;
  for (let k = 0; k < K; k++) {
    matmul(E, CP, CP, W + <usize>k * <usize>CP * rowBytes, FP, P + <usize>k * tableBytes, FP, FP, V);
  }
  const Q = A + <usize>B * rowBytes;
  for (let b = 0; b < B; b++) {
    const idb = ids + ((<usize>(b * T)) << 2);
    const row = <usize>b * rowBytes;
    let j = 0;
    // 32 columns at a time: the step's sums stay in registers over the taps; the running maxima, their steps and
    // tie flags are the row's M, A and Q, in the cache.
    for (; j + 32 <= FP; j += 32) {
      const off = (<usize>j) << 2;
      const pj = P + off;
      const mp = M + row + off;
      const ap = A + row + off;
      const qp = Q + row + off;
      for (let t = 0; t < To; t++) {
        let s0 = v128.load(bias + off);
        let s1 = v128.load(bias + off, 16);
        let s2 = v128.load(bias + off, 32);
        let s3 = v128.load(bias + off, 48);
        let s4 = v128.load(bias + off, 64);
        let s5 = v128.load(bias + off, 80);
        let s6 = v128.load(bias + off, 96);
        let s7 = v128.load(bias + off, 112);
        const base = t - padLeft;
        for (let k = 0; k < K; k++) {
          const st = base + k * dil;
          if (st < 0 || st >= T) continue;
          const p = pj + <usize>k * tableBytes + <usize>load<i32>(idb + ((<usize>st) << 2)) * rowBytes;
          s0 = f32x4.add(s0, v128.load(p));
          s1 = f32x4.add(s1, v128.load(p, 16));
          s2 = f32x4.add(s2, v128.load(p, 32));
          s3 = f32x4.add(s3, v128.load(p, 48));
          s4 = f32x4.add(s4, v128.load(p, 64));
          s5 = f32x4.add(s5, v128.load(p, 80));
          s6 = f32x4.add(s6, v128.load(p, 96));
          s7 = f32x4.add(s7, v128.load(p, 112));
        }
        if (t === 0) {
          v128.store(mp, Act.apply(s0, act));
          v128.store(mp, Act.apply(s1, act), 16);
          v128.store(mp, Act.apply(s2, act), 32);
          v128.store(mp, Act.apply(s3, act), 48);
          v128.store(mp, Act.apply(s4, act), 64);
          v128.store(mp, Act.apply(s5, act), 80);
          v128.store(mp, Act.apply(s6, act), 96);
          v128.store(mp, Act.apply(s7, act), 112);
          for (let i: usize = 0; i < 128; i += 16) {
            v128.store(ap + i, i32x4.splat(0));
            v128.store(qp + i, i32x4.splat(0));
          }
          continue;
        }
        const tv = i32x4.splat(t);
        Fold.step(Act.apply(s0, act), mp, ap, qp, tv);
        Fold.step(Act.apply(s1, act), mp + 16, ap + 16, qp + 16, tv);
        Fold.step(Act.apply(s2, act), mp + 32, ap + 32, qp + 32, tv);
        Fold.step(Act.apply(s3, act), mp + 48, ap + 48, qp + 48, tv);
        Fold.step(Act.apply(s4, act), mp + 64, ap + 64, qp + 64, tv);
        Fold.step(Act.apply(s5, act), mp + 80, ap + 80, qp + 80, tv);
        Fold.step(Act.apply(s6, act), mp + 96, ap + 96, qp + 96, tv);
        Fold.step(Act.apply(s7, act), mp + 112, ap + 112, qp + 112, tv);
      }
    }
    for (; j < FP; j += 4) {
      const off = (<usize>j) << 2;
      const pj = P + off;
      let m = f32x4.splat(0);
      let a = i32x4.splat(0);
      let q = i32x4.splat(0);
      for (let t = 0; t < To; t++) {
        let s = v128.load(bias + off);
        const base = t - padLeft;
        for (let k = 0; k < K; k++) {
          const st = base + k * dil;
          if (st < 0 || st >= T) continue;
          s = f32x4.add(
            s,
            v128.load(pj + <usize>k * tableBytes + <usize>load<i32>(idb + ((<usize>st) << 2)) * rowBytes),
          );
        }
        s = Act.apply(s, act);
        if (t === 0) {
          m = s;
          continue;
        }
        const gt = f32x4.gt(s, m);
        a = v128.bitselect(i32x4.splat(t), a, gt);
        q = v128.or(v128.andnot(q, gt), f32x4.eq(s, m));
        m = f32x4.max(s, m);
      }
      v128.store(M + row + off, m);
      v128.store(A + row + off, a);
      v128.store(Q + row + off, q);
    }
  }
}

/** dW^T, dE and db of one step t of row b that holds the maximum of column f, with gradient g (before the max). */
function scatterStep(
  b: i32,
  t: i32,
  f: i32,
  g: f32,
  T: i32,
  CP: i32,
  K: i32,
  FP: i32,
  dil: i32,
  padLeft: i32,
  ids: usize,
  E: usize,
  WT: usize,
  dE: usize,
  dWT: usize,
  db: usize,
): void {
  const eRow = (<usize>CP) << 2;
  const tapBytes = <usize>FP * eRow;
  const idb = ids + ((<usize>(b * T)) << 2);
  const dbf = db + ((<usize>f) << 2);
  store<f32>(dbf, load<f32>(dbf) + g);
  const gv = f32x4.splat(g);
  const base = t - padLeft;
  for (let k = 0; k < K; k++) {
    const s = base + k * dil;
    if (s < 0 || s >= T) continue;
    const id = load<i32>(idb + ((<usize>s) << 2));
    const e = E + <usize>id * eRow;
    const de = dE + <usize>id * eRow;
    const row = <usize>k * tapBytes + <usize>f * eRow;
    const dw = dWT + row;
    const wt = WT + row;
    for (let c = 0; c < CP; c += 4) {
      const off = (<usize>c) << 2;
      v128.store(dw + off, f32x4.add(v128.load(dw + off), f32x4.mul(gv, v128.load(e + off))));
      v128.store(de + off, f32x4.add(v128.load(de + off), f32x4.mul(gv, v128.load(wt + off))));
    }
  }
}

/**
 * The gradients of {@link conv1dTablePoolForward} from dM [B,FP]: dE [V,CP], dW [K,CP,FP] and db [FP]. WT and
 * dWT [K,FP,CP] are scratch (the taps' kernels transposed, and dW transposed); R [2·FP] is scratch.
 */
export function conv1dTablePoolBackward(
  B: i32,
  T: i32,
  V: i32,
  CP: i32,
  K: i32,
  FP: i32,
  dil: i32,
  padLeft: i32,
  To: i32,
  act: i32,
  ids: usize,
  E: usize,
  W: usize,
  bias: usize,
  P: usize,
  R: usize,
  M: usize,
  A: usize,
  dM: usize,
  dE: usize,
  dW: usize,
  db: usize,
  WT: usize,
  dWT: usize,
): void {
  const rowBytes = (<usize>FP) << 2;
  const tableBytes = <usize>V * rowBytes;
  const tapBytes = <usize>CP * rowBytes;
  for (let k = 0; k < K; k++) transpose(W + <usize>k * tapBytes, CP, FP, FP, WT + <usize>k * tapBytes, CP);
  memory.fill(dE, 0, <usize>V * ((<usize>CP) << 2));
  memory.fill(dWT, 0, <usize>K * tapBytes);
  memory.fill(db, 0, rowBytes);
  const Q = A + <usize>B * rowBytes;
  // G [FP]: the gradients of the row's tied columns, found by a second pass over its steps.
  const G = R + rowBytes;
  for (let b = 0; b < B; b++) {
    let tied = false;
    for (let f = 0; f < FP; f++) {
      const at = (<usize>(b * FP + f)) << 2;
      const g = Act.grad(load<f32>(dM + at), load<f32>(M + at), act);
      store<f32>(G + ((<usize>f) << 2), 0);
      if (g === 0) continue;
      if (load<i32>(Q + at) !== 0) {
        store<f32>(G + ((<usize>f) << 2), g);
        tied = true;
        continue;
      }
      scatterStep(b, load<i32>(A + at), f, g, T, CP, K, FP, dil, padLeft, ids, E, WT, dE, dWT, db);
    }
    if (!tied) continue;
    const m = M + <usize>b * rowBytes;
    for (let t = 0; t < To; t++) {
      // The step's activated values, recomputed with the forward's operations (so bit for bit its values).
      sumRow(b, t, T, K, FP, dil, padLeft, ids, bias, P, tableBytes, R);
      for (let j = 0; j < FP; j += 4) {
        const off = (<usize>j) << 2;
        v128.store(R + off, Act.apply(v128.load(R + off), act));
      }
      for (let f = 0; f < FP; f++) {
        const off = (<usize>f) << 2;
        const g = load<f32>(G + off);
        if (g === 0 || load<f32>(R + off) !== load<f32>(m + off)) continue;
        scatterStep(b, t, f, g, T, CP, K, FP, dil, padLeft, ids, E, WT, dE, dWT, db);
      }
    }
  }
  for (let k = 0; k < K; k++) transpose(dWT + <usize>k * tapBytes, FP, CP, CP, dW + <usize>k * tapBytes, FP);
}
