// LSTM, whole sequence. Port of keras/src/layers/rnn/lstm.py LSTMCell.call (implementation 2, gate order i, f, c, o)
// and of tf.keras.experimental.PeepholeLSTMCell._compute_carry_and_output_fused (peepholes p_i, p_f on c_{t-1},
// p_o on c_t), with keras/src/backend/tensorflow/rnn.py masking (a masked step carries state and output forward).
// Shapes (f32, units padded to UP, gates at columns q·UP): x [B,T,F], W [F,4UP], R [U,4UP], bias [4UP],
// peep [3,UP] (i, f, o) or 0, mask [B,T] or 0. Forward writes the gate activations G [B,T,4UP], the cell
// states C [B,T,UP] and the outputs H [B,T,UP]; backward turns G into the pre-activation gradients in place.
import { accumulateDense, accumulateT, addRow, inputGradT, project, transpose, zeroRow } from './linalg';
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
    R: usize,
    peep: usize,
    mask: usize,
    ract: i32,
    G: usize,
    C: usize,
    H: usize,
    zeros: usize,
  ): void {
    const rowBytes = (<usize>UP) << 2;
    const gateBytes = rowBytes << 2;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = b * T + t;
        const h = H + <usize>row * rowBytes;
        const c = C + <usize>row * rowBytes;
        const hp = t === 0 ? zeros : h - rowBytes;
        const cp = t === 0 ? zeros : c - rowBytes;
        if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
          memory.copy(h, hp, rowBytes);
          memory.copy(c, cp, rowBytes);
          continue;
        }
        const g = G + <usize>row * gateBytes;
        if (t > 0) accumulateDense(hp, U, R, UP * 4, g, UP * 4);
        for (let j = 0; j < UP; j += 4) {
          const off = (<usize>j) << 2;
          const cpv = v128.load(cp + off);
          let zi = v128.load(g + off);
          let zf = v128.load(g + rowBytes + off);
          let zo = v128.load(g + 3 * rowBytes + off);
          if (peep !== 0) {
            zi = f32x4.add(zi, f32x4.mul(v128.load(peep + off), cpv));
            zf = f32x4.add(zf, f32x4.mul(v128.load(peep + rowBytes + off), cpv));
          }
          const i = V.ract(zi, ract);
          const f = V.ract(zf, ract);
          const gg = V.tanh(v128.load(g + 2 * rowBytes + off));
          const cv = f32x4.add(f32x4.mul(f, cpv), f32x4.mul(i, gg));
          if (peep !== 0) zo = f32x4.add(zo, f32x4.mul(v128.load(peep + 2 * rowBytes + off), cv));
          const o = V.ract(zo, ract);
          v128.store(g + off, i);
          v128.store(g + rowBytes + off, f);
          v128.store(g + 2 * rowBytes + off, gg);
          v128.store(g + 3 * rowBytes + off, o);
          v128.store(c + off, cv);
          v128.store(h + off, f32x4.mul(o, V.tanh(cv)));
        }
      }
    }
  }
}

// One compiled time loop per recurrent activation: testing it in every step costs the forward about 10%. Two
// functions, as Binaryen folds if-arms that differ only in a constant back into one loop.
function stepsSigmoid(
  B: i32,
  T: i32,
  U: i32,
  UP: i32,
  R: usize,
  peep: usize,
  mask: usize,
  G: usize,
  C: usize,
  H: usize,
  zeros: usize,
): void {
  Steps.forward(B, T, U, UP, R, peep, mask, 0, G, C, H, zeros);
}

function stepsHardSigmoid(
  B: i32,
  T: i32,
  U: i32,
  UP: i32,
  R: usize,
  peep: usize,
  mask: usize,
  G: usize,
  C: usize,
  H: usize,
  zeros: usize,
): void {
  Steps.forward(B, T, U, UP, R, peep, mask, 1, G, C, H, zeros);
}

export function lstmForward(
  B: i32,
  T: i32,
  F: i32,
  U: i32,
  UP: i32,
  x: usize,
  W: usize,
  bias: usize,
  R: usize,
  peep: usize,
  mask: usize,
  ract: i32,
  G: usize,
  C: usize,
  H: usize,
  zeros: usize,
): void {
  memory.fill(zeros, 0, (<usize>UP) << 2);
  project(x, W, bias, G, B * T, F, UP * 4);
  if (ract === 0) stepsSigmoid(B, T, U, UP, R, peep, mask, G, C, H, zeros);
  else stepsHardSigmoid(B, T, U, UP, R, peep, mask, G, C, H, zeros);
}

/**
 * Backprop through time. dY is [B,T,UP] when seq != 0, else [B,UP]. dpeep [3,UP] is written when peep != 0.
 * RT [4UP,UP] and WT [4UP,F] are scratch for Rᵀ and Wᵀ.
 */
export function lstmBackward(
  B: i32,
  T: i32,
  F: i32,
  U: i32,
  UP: i32,
  x: usize,
  W: usize,
  R: usize,
  peep: usize,
  mask: usize,
  ract: i32,
  G: usize,
  C: usize,
  H: usize,
  dY: usize,
  seq: i32,
  dx: usize,
  dW: usize,
  dR: usize,
  db: usize,
  dpeep: usize,
  dh: usize,
  dc: usize,
  zeros: usize,
  wantDx: i32,
  RT: usize,
  WT: usize,
): void {
  const rowBytes = (<usize>UP) << 2;
  const gateBytes = rowBytes << 2;
  const GW = UP * 4;
  memory.fill(zeros, 0, rowBytes);
  memory.fill(dW, 0, (<usize>F * <usize>GW) << 2);
  memory.fill(dR, 0, (<usize>U * <usize>GW) << 2);
  memory.fill(db, 0, gateBytes);
  if (peep !== 0) memory.fill(dpeep, 0, 3 * rowBytes);
  // dh = dz·Rᵀ as a broadcast product over Rᵀ (zero in the padding columns): no horizontal sums.
  memory.fill(RT, 0, <usize>GW * rowBytes);
  transpose(R, U, GW, GW, RT, UP);
  for (let b = 0; b < B; b++) {
    memory.fill(dh, 0, rowBytes);
    memory.fill(dc, 0, rowBytes);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      if (seq !== 0) addRow(dY + <usize>row * rowBytes, dh, UP);
      else if (t === T - 1) addRow(dY + <usize>b * rowBytes, dh, UP);
      const g = G + <usize>row * gateBytes;
      if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
        memory.fill(g, 0, gateBytes);
        continue;
      }
      const c = C + <usize>row * rowBytes;
      const cp = t === 0 ? zeros : c - rowBytes;
      for (let j = 0; j < UP; j += 4) {
        const off = (<usize>j) << 2;
        const i = v128.load(g + off);
        const f = v128.load(g + rowBytes + off);
        const gg = v128.load(g + 2 * rowBytes + off);
        const o = v128.load(g + 3 * rowBytes + off);
        const cv = v128.load(c + off);
        const cpv = v128.load(cp + off);
        const dhv = v128.load(dh + off);
        const tc = V.tanh(cv);
        const dzo = f32x4.mul(f32x4.mul(dhv, tc), V.ractGrad(o, ract));
        let dcn = f32x4.add(v128.load(dc + off), f32x4.mul(f32x4.mul(dhv, o), V.tanhGrad(tc)));
        if (peep !== 0) {
          const po = peep + 2 * rowBytes + off;
          dcn = f32x4.add(dcn, f32x4.mul(dzo, v128.load(po)));
          const dpo = dpeep + 2 * rowBytes + off;
          v128.store(dpo, f32x4.add(v128.load(dpo), f32x4.mul(dzo, cv)));
        }
        const dzi = f32x4.mul(f32x4.mul(dcn, gg), V.ractGrad(i, ract));
        const dzf = f32x4.mul(f32x4.mul(dcn, cpv), V.ractGrad(f, ract));
        const dzg = f32x4.mul(f32x4.mul(dcn, i), V.tanhGrad(gg));
        let dcp = f32x4.mul(dcn, f);
        if (peep !== 0) {
          dcp = f32x4.add(dcp, f32x4.mul(dzi, v128.load(peep + off)));
          dcp = f32x4.add(dcp, f32x4.mul(dzf, v128.load(peep + rowBytes + off)));
          const dpi = dpeep + off;
          const dpf = dpeep + rowBytes + off;
          v128.store(dpi, f32x4.add(v128.load(dpi), f32x4.mul(dzi, cpv)));
          v128.store(dpf, f32x4.add(v128.load(dpf), f32x4.mul(dzf, cpv)));
        }
        v128.store(dc + off, dcp);
        v128.store(g + off, dzi);
        v128.store(g + rowBytes + off, dzf);
        v128.store(g + 2 * rowBytes + off, dzg);
        v128.store(g + 3 * rowBytes + off, dzo);
      }
      zeroRow(dh, UP);
      accumulateDense(g, GW, RT, UP, dh, UP);
    }
  }
  const rows = B * T;
  for (let r = 0; r < rows; r++) addRow(G + <usize>r * gateBytes, db, GW);
  accumulateT(x, F, F, G, GW, rows, dW, GW, GW);
  // h_{t-1} is zero at t = 0: per sequence, steps 1..T-1 against the states 0..T-2.
  for (let b = 0; b < B; b++) {
    const h0 = H + <usize>(b * T) * rowBytes;
    accumulateT(h0, UP, U, G + <usize>(b * T + 1) * gateBytes, GW, T - 1, dR, GW, GW);
  }
  if (wantDx !== 0) inputGradT(G, W, WT, dx, rows, F, GW);
}
