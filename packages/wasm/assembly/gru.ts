// GRU, whole sequence. Port of keras/src/layers/rnn/gru.py GRUCell.call (implementation 2, gate order z, r, h;
// h = z ⊙ h_{t-1} + (1 − z) ⊙ h̃) for reset_after true (h̃ = tanh(x_h + r ⊙ (h_{t-1} R_h + b_rh))) and false
// (h̃ = tanh(x_h + (r ⊙ h_{t-1}) R_h), tfjs-layers' GRUCell), with keras/src/backend/tensorflow/rnn.py masking.
// Shapes (f32, units padded to UP, gates at columns q·UP): x [B,T,F], W [F,3UP], R [U,3UP], bias [3UP] (input
// bias), rbias [3UP] (recurrent bias, reset_after only), mask [B,T] or 0. Forward writes the activations
// G [B,T,3UP] (z, r, h̃), A [B,T,UP] (reset_after: h_{t-1} R_h + b_rh; else r ⊙ h_{t-1}) and the outputs H [B,T,UP].
import {
  accumulateDense,
  accumulateT,
  addRow,
  copyRow,
  inputGradT,
  project,
  transpose,
  zeroRow,
} from './linalg';
import { V } from './math';

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript's @inline applies to methods here; Biome cannot parse decorators on plain functions.
class Steps {
  /** The forward's time loop, after the input projection; `ract` is a constant where it is inlined. */
  @inline
  static forward(
    B: i32,
    T: i32,
    U: i32,
    UP: i32,
    rbias: usize,
    R: usize,
    mask: usize,
    ract: i32,
    resetAfter: i32,
    G: usize,
    A: usize,
    H: usize,
    zeros: usize,
    inner: usize,
  ): void {
    const rowBytes = (<usize>UP) << 2;
    const gateBytes = rowBytes * 3;
    const GW = UP * 3;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = b * T + t;
        const h = H + <usize>row * rowBytes;
        const hp = t === 0 ? zeros : h - rowBytes;
        if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
          memory.copy(h, hp, rowBytes);
          continue;
        }
        const g = G + <usize>row * gateBytes;
        const a = A + <usize>row * rowBytes;
        if (resetAfter !== 0) {
          copyRow(rbias, inner, GW);
          if (t > 0) accumulateDense(hp, U, R, GW, inner, GW);
          for (let j = 0; j < UP; j += 4) {
            const off = (<usize>j) << 2;
            const z = V.ract(f32x4.add(v128.load(g + off), v128.load(inner + off)), ract);
            const r = V.ract(
              f32x4.add(v128.load(g + rowBytes + off), v128.load(inner + rowBytes + off)),
              ract,
            );
            const ih = v128.load(inner + 2 * rowBytes + off);
            const hh = V.tanh(f32x4.add(v128.load(g + 2 * rowBytes + off), f32x4.mul(r, ih)));
            const hpv = v128.load(hp + off);
            v128.store(g + off, z);
            v128.store(g + rowBytes + off, r);
            v128.store(g + 2 * rowBytes + off, hh);
            v128.store(a + off, ih);
            v128.store(h + off, f32x4.add(hh, f32x4.mul(z, f32x4.sub(hpv, hh))));
          }
        } else {
          if (t > 0) accumulateDense(hp, U, R, GW, g, 2 * UP);
          for (let j = 0; j < UP; j += 4) {
            const off = (<usize>j) << 2;
            const z = V.ract(v128.load(g + off), ract);
            const r = V.ract(v128.load(g + rowBytes + off), ract);
            v128.store(g + off, z);
            v128.store(g + rowBytes + off, r);
            v128.store(a + off, f32x4.mul(r, v128.load(hp + off)));
          }
          if (t > 0) accumulateDense(a, U, R + 2 * rowBytes, GW, g + 2 * rowBytes, UP);
          for (let j = 0; j < UP; j += 4) {
            const off = (<usize>j) << 2;
            const z = v128.load(g + off);
            const hh = V.tanh(v128.load(g + 2 * rowBytes + off));
            const hpv = v128.load(hp + off);
            v128.store(g + 2 * rowBytes + off, hh);
            v128.store(h + off, f32x4.add(hh, f32x4.mul(z, f32x4.sub(hpv, hh))));
          }
        }
      }
    }
  }
}

// One compiled time loop per recurrent activation, as in lstm.ts.
function stepsSigmoid(
  B: i32,
  T: i32,
  U: i32,
  UP: i32,
  rbias: usize,
  R: usize,
  mask: usize,
  resetAfter: i32,
  G: usize,
  A: usize,
  H: usize,
  zeros: usize,
  inner: usize,
): void {
  Steps.forward(B, T, U, UP, rbias, R, mask, 0, resetAfter, G, A, H, zeros, inner);
}

function stepsHardSigmoid(
  B: i32,
  T: i32,
  U: i32,
  UP: i32,
  rbias: usize,
  R: usize,
  mask: usize,
  resetAfter: i32,
  G: usize,
  A: usize,
  H: usize,
  zeros: usize,
  inner: usize,
): void {
  Steps.forward(B, T, U, UP, rbias, R, mask, 1, resetAfter, G, A, H, zeros, inner);
}

export function gruForward(
  B: i32,
  T: i32,
  F: i32,
  U: i32,
  UP: i32,
  x: usize,
  W: usize,
  bias: usize,
  rbias: usize,
  R: usize,
  mask: usize,
  ract: i32,
  resetAfter: i32,
  G: usize,
  A: usize,
  H: usize,
  zeros: usize,
  inner: usize,
): void {
  memory.fill(zeros, 0, (<usize>UP) << 2);
  project(x, W, bias, G, B * T, F, UP * 3);
  if (ract === 0) stepsSigmoid(B, T, U, UP, rbias, R, mask, resetAfter, G, A, H, zeros, inner);
  else stepsHardSigmoid(B, T, U, UP, rbias, R, mask, resetAfter, G, A, H, zeros, inner);
}

/**
 * Backprop through time. dY is [B,T,UP] when seq != 0, else [B,UP]. G becomes the gradients of the input
 * projection (x W + b) and A the gradient of h_{t-1} R_h (+ b_rh) (reset_after) or stays r ⊙ h_{t-1}.
 * drb [3UP] (recurrent bias gradient) is written when resetAfter != 0. RT [3UP,UP] and WT [3UP,F] are scratch
 * for Rᵀ and Wᵀ.
 */
export function gruBackward(
  B: i32,
  T: i32,
  F: i32,
  U: i32,
  UP: i32,
  x: usize,
  W: usize,
  R: usize,
  mask: usize,
  ract: i32,
  resetAfter: i32,
  G: usize,
  A: usize,
  H: usize,
  dY: usize,
  seq: i32,
  dx: usize,
  dW: usize,
  dR: usize,
  db: usize,
  drb: usize,
  dh: usize,
  dhn: usize,
  di: usize,
  zeros: usize,
  wantDx: i32,
  RT: usize,
  WT: usize,
): void {
  const rowBytes = (<usize>UP) << 2;
  const gateBytes = rowBytes * 3;
  const GW = UP * 3;
  memory.fill(zeros, 0, rowBytes);
  memory.fill(dW, 0, (<usize>F * <usize>GW) << 2);
  memory.fill(dR, 0, (<usize>U * <usize>GW) << 2);
  memory.fill(db, 0, gateBytes);
  if (resetAfter !== 0) memory.fill(drb, 0, gateBytes);
  // Products with R_hᵀ as broadcast products over Rᵀ (zero in the padding columns): no horizontal sums.
  memory.fill(RT, 0, <usize>GW * rowBytes);
  transpose(R, U, GW, GW, RT, UP);
  for (let b = 0; b < B; b++) {
    memory.fill(dh, 0, rowBytes);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      if (seq !== 0) addRow(dY + <usize>row * rowBytes, dh, UP);
      else if (t === T - 1) addRow(dY + <usize>b * rowBytes, dh, UP);
      const g = G + <usize>row * gateBytes;
      const a = A + <usize>row * rowBytes;
      if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
        memory.fill(g, 0, gateBytes);
        memory.fill(a, 0, rowBytes);
        continue;
      }
      const hp = t === 0 ? zeros : H + <usize>(row - 1) * rowBytes;
      for (let j = 0; j < UP; j += 4) {
        const off = (<usize>j) << 2;
        const z = v128.load(g + off);
        const hh = v128.load(g + 2 * rowBytes + off);
        const dhv = v128.load(dh + off);
        const dzz = f32x4.mul(f32x4.mul(dhv, f32x4.sub(v128.load(hp + off), hh)), V.ractGrad(z, ract));
        const dah = f32x4.mul(f32x4.mul(dhv, f32x4.sub(f32x4.splat(1.0), z)), V.tanhGrad(hh));
        v128.store(dhn + off, f32x4.mul(dhv, z));
        v128.store(g + off, dzz);
        v128.store(g + 2 * rowBytes + off, dah);
        if (resetAfter !== 0) {
          const r = v128.load(g + rowBytes + off);
          const drr = f32x4.mul(f32x4.mul(dah, v128.load(a + off)), V.ractGrad(r, ract));
          const dih = f32x4.mul(dah, r);
          v128.store(g + rowBytes + off, drr);
          v128.store(a + off, dih);
          v128.store(di + off, dzz);
          v128.store(di + rowBytes + off, drr);
          v128.store(di + 2 * rowBytes + off, dih);
        }
      }
      if (resetAfter !== 0) {
        accumulateDense(di, GW, RT, UP, dhn, UP);
      } else {
        // d(r ⊙ h_{t-1}) = dã_h R_hᵀ, kept in di[0..UP).
        zeroRow(di, UP);
        accumulateDense(g + 2 * rowBytes, UP, RT + 2 * <usize>UP * rowBytes, UP, di, UP);
        for (let j = 0; j < UP; j += 4) {
          const off = (<usize>j) << 2;
          const r = v128.load(g + rowBytes + off);
          const drh = v128.load(di + off);
          v128.store(g + rowBytes + off, f32x4.mul(f32x4.mul(drh, v128.load(hp + off)), V.ractGrad(r, ract)));
          v128.store(dhn + off, f32x4.add(v128.load(dhn + off), f32x4.mul(drh, r)));
        }
        accumulateDense(g, 2 * UP, RT, UP, dhn, UP);
      }
      copyRow(dhn, dh, UP);
    }
  }
  const rows = B * T;
  for (let r = 0; r < rows; r++) {
    const g = G + <usize>r * gateBytes;
    addRow(g, db, GW);
    if (resetAfter !== 0) {
      addRow(g, drb, 2 * UP);
      addRow(A + <usize>r * rowBytes, drb + 2 * rowBytes, UP);
    }
  }
  accumulateT(x, F, F, G, GW, rows, dW, GW, GW);
  // h_{t-1} is zero at t = 0: per sequence, steps 1..T-1 against the states 0..T-2.
  for (let b = 0; b < B; b++) {
    const h0 = H + <usize>(b * T) * rowBytes;
    const g1 = G + <usize>(b * T + 1) * gateBytes;
    accumulateT(h0, UP, U, g1, GW, T - 1, dR, GW, 2 * UP);
    if (resetAfter !== 0) {
      accumulateT(h0, UP, U, A + <usize>(b * T + 1) * rowBytes, UP, T - 1, dR + 2 * rowBytes, GW, UP);
    }
  }
  if (resetAfter === 0) accumulateT(A, UP, U, G + 2 * rowBytes, GW, rows, dR + 2 * rowBytes, GW, UP);
  if (wantDx !== 0) inputGradT(G, W, WT, dx, rows, F, GW);
}
