// GRU, whole sequence. Port of keras/src/layers/rnn/gru.py GRUCell.call (implementation 2, gate order z, r, h;
// h = z ⊙ h_{t-1} + (1 − z) ⊙ h̃) for reset_after true (h̃ = tanh(x_h + r ⊙ (h_{t-1} R_h + b_rh))) and false
// (h̃ = tanh(x_h + (r ⊙ h_{t-1}) R_h), tfjs-layers' GRUCell), with keras/src/backend/tensorflow/rnn.py masking.
// Shapes (f32, units padded to UP, gates at columns q·UP): x [B,T,F], W [F,3UP], R [U,3UP], bias [3UP] (input
// bias), rbias [3UP] (recurrent bias, reset_after only), mask [B,T] or 0. Forward writes the activations
// G [B,T,3UP] (z, r, h̃), A [B,T,UP] (reset_after: h_{t-1} R_h + b_rh; else r ⊙ h_{t-1}) and the outputs H [B,T,UP].
import { accumulate, addRow, gemvT, inputGrad, project, rank1 } from './linalg';
import { V } from './math';

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
  const rowBytes = (<usize>UP) << 2;
  const gateBytes = rowBytes * 3;
  const GW = UP * 3;
  memory.fill(zeros, 0, rowBytes);
  project(x, W, bias, G, B * T, F, GW);
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
        memory.copy(inner, rbias, gateBytes);
        accumulate(hp, U, R, GW, inner, GW);
        for (let j = 0; j < UP; j += 4) {
          const off = (<usize>j) << 2;
          const z = V.ract(f32x4.add(v128.load(g + off), v128.load(inner + off)), ract);
          const r = V.ract(f32x4.add(v128.load(g + rowBytes + off), v128.load(inner + rowBytes + off)), ract);
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
        accumulate(hp, U, R, GW, g, 2 * UP);
        for (let j = 0; j < UP; j += 4) {
          const off = (<usize>j) << 2;
          const z = V.ract(v128.load(g + off), ract);
          const r = V.ract(v128.load(g + rowBytes + off), ract);
          v128.store(g + off, z);
          v128.store(g + rowBytes + off, r);
          v128.store(a + off, f32x4.mul(r, v128.load(hp + off)));
        }
        accumulate(a, U, R + 2 * rowBytes, GW, g + 2 * rowBytes, UP);
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

/**
 * Backprop through time. dY is [B,T,UP] when seq != 0, else [B,UP]. G becomes the gradients of the input
 * projection (x W + b) and A the gradient of h_{t-1} R_h (+ b_rh) (reset_after) or stays r ⊙ h_{t-1}.
 * drb [3UP] (recurrent bias gradient) is written when resetAfter != 0.
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
): void {
  const rowBytes = (<usize>UP) << 2;
  const gateBytes = rowBytes * 3;
  const GW = UP * 3;
  memory.fill(zeros, 0, rowBytes);
  memory.fill(dW, 0, (<usize>F * <usize>GW) << 2);
  memory.fill(dR, 0, (<usize>U * <usize>GW) << 2);
  memory.fill(db, 0, gateBytes);
  if (resetAfter !== 0) memory.fill(drb, 0, gateBytes);
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
        gemvT(di, R, GW, U, GW, dhn, true);
      } else {
        // d(r ⊙ h_{t-1}) = dã_h R_hᵀ, kept in di[0..UP).
        gemvT(g + 2 * rowBytes, R + 2 * rowBytes, GW, U, UP, di, false);
        for (let j = 0; j < UP; j += 4) {
          const off = (<usize>j) << 2;
          const r = v128.load(g + rowBytes + off);
          const drh = v128.load(di + off);
          v128.store(g + rowBytes + off, f32x4.mul(f32x4.mul(drh, v128.load(hp + off)), V.ractGrad(r, ract)));
          v128.store(dhn + off, f32x4.add(v128.load(dhn + off), f32x4.mul(drh, r)));
        }
        gemvT(g, R, GW, U, 2 * UP, dhn, true);
      }
      memory.copy(dh, dhn, rowBytes);
    }
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const g = G + <usize>row * gateBytes;
      const a = A + <usize>row * rowBytes;
      const hp = t === 0 ? zeros : H + <usize>(row - 1) * rowBytes;
      addRow(g, db, GW);
      rank1(x + ((<usize>row * <usize>F) << 2), F, g, dW, GW, GW);
      rank1(hp, U, g, dR, GW, 2 * UP);
      if (resetAfter !== 0) {
        addRow(g, drb, 2 * UP);
        addRow(a, drb + 2 * rowBytes, UP);
        rank1(hp, U, a, dR + 2 * rowBytes, GW, UP);
      } else {
        rank1(a, U, g + 2 * rowBytes, dR + 2 * rowBytes, GW, UP);
      }
    }
  }
  if (wantDx !== 0) inputGrad(G, W, dx, B * T, F, GW);
}
