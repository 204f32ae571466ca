// SimpleRNN, whole sequence: h_t = tanh(x_t W + b + h_{t-1} R). Port of keras/src/layers/rnn/simple_rnn.py
// SimpleRNNCell.call (tanh activation), with keras/src/backend/tensorflow/rnn.py masking: a masked step carries
// the previous state and output forward.
// Shapes (f32, row-major, units padded to UP, a multiple of 4): x [B,T,F], W [F,UP], R [U,UP], bias [UP],
// mask [B,T] or 0, H [B,T,UP] (outputs, also what backward needs). With `ids` != 0, x is instead i32 ids [B,T]
// read as one-hot rows of F classes (an id outside [0, F) is an all-zero row, like tf.oneHot): the projection is
// a row of W, and W's gradient a row update, with the same float results as the one-hot product.
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

/** out[r] = bias + W[ids[r]] for rows r < rows (just bias for an id outside [0, F)). */
function gatherProject(ids: usize, W: usize, bias: usize, out: usize, rows: i32, F: i32, N: i32): void {
  const rowBytes = (<usize>N) << 2;
  for (let r = 0; r < rows; r++) {
    const o = out + <usize>r * rowBytes;
    copyRow(bias, o, N);
    const id = load<i32>(ids + ((<usize>r) << 2));
    if (id >= 0 && id < F) addRow(W + <usize>id * rowBytes, o, N);
  }
}

export function rnnForward(
  B: i32,
  T: i32,
  F: i32,
  U: i32,
  UP: i32,
  x: usize,
  W: usize,
  bias: usize,
  R: usize,
  mask: usize,
  H: usize,
  zeros: usize,
  ids: i32,
): void {
  const rowBytes = (<usize>UP) << 2;
  memory.fill(zeros, 0, rowBytes);
  if (ids !== 0) gatherProject(x, W, bias, H, B * T, F, UP);
  else project(x, W, bias, H, B * T, F, UP);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const h = H + <usize>row * rowBytes;
      const hp = t === 0 ? zeros : h - rowBytes;
      if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
        copyRow(hp, h, UP);
        continue;
      }
      // h_{t-1} is zero at t = 0.
      if (t > 0) accumulateDense(hp, U, R, UP, h, UP);
      for (let j = 0; j < UP; j += 4) {
        const p = h + ((<usize>j) << 2);
        v128.store(p, V.tanh(v128.load(p)));
      }
    }
  }
}

/**
 * Backprop through time. dY is [B,T,UP] when seq != 0, else [B,UP] (last output). DZ [B,T,UP] is scratch, as are
 * RT [UP,UP] (Rᵀ) and WT [UP,F] (Wᵀ, for dx).
 */
export function rnnBackward(
  B: i32,
  T: i32,
  F: i32,
  U: i32,
  UP: i32,
  x: usize,
  W: usize,
  R: usize,
  mask: usize,
  H: usize,
  dY: usize,
  seq: i32,
  DZ: usize,
  dx: usize,
  dW: usize,
  dR: usize,
  db: usize,
  dh: usize,
  zeros: usize,
  wantDx: i32,
  ids: i32,
  RT: usize,
  WT: usize,
): void {
  const rowBytes = (<usize>UP) << 2;
  memory.fill(zeros, 0, rowBytes);
  memory.fill(dW, 0, (<usize>F * <usize>UP) << 2);
  memory.fill(dR, 0, (<usize>U * <usize>UP) << 2);
  memory.fill(db, 0, rowBytes);
  // dh = dz·Rᵀ as a broadcast product over Rᵀ (zero in the padding columns): no horizontal sums.
  memory.fill(RT, 0, <usize>UP * rowBytes);
  transpose(R, U, UP, UP, RT, UP);
  for (let b = 0; b < B; b++) {
    zeroRow(dh, UP);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      if (seq !== 0) addRow(dY + <usize>row * rowBytes, dh, UP);
      else if (t === T - 1) addRow(dY + <usize>b * rowBytes, dh, UP);
      const dz = DZ + <usize>row * rowBytes;
      if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
        zeroRow(dz, UP);
        continue;
      }
      const h = H + <usize>row * rowBytes;
      for (let j = 0; j < UP; j += 4) {
        const off = (<usize>j) << 2;
        v128.store(dz + off, f32x4.mul(v128.load(dh + off), V.tanhGrad(v128.load(h + off))));
      }
      zeroRow(dh, UP);
      accumulateDense(dz, UP, RT, UP, dh, UP);
    }
  }
  const rows = B * T;
  for (let r = 0; r < rows; r++) addRow(DZ + <usize>r * rowBytes, db, UP);
  if (ids === 0) accumulateT(x, F, F, DZ, UP, rows, dW, UP, UP);
  else {
    for (let r = 0; r < rows; r++) {
      const id = load<i32>(x + ((<usize>r) << 2));
      if (id >= 0 && id < F) addRow(DZ + <usize>r * rowBytes, dW + <usize>id * rowBytes, UP);
    }
  }
  // h_{t-1} is zero at t = 0: per sequence, steps 1..T-1 against the states 0..T-2.
  for (let b = 0; b < B; b++) {
    const h0 = H + <usize>(b * T) * rowBytes;
    accumulateT(h0, UP, U, DZ + <usize>(b * T + 1) * rowBytes, UP, T - 1, dR, UP, UP);
  }
  if (wantDx !== 0 && ids === 0) inputGradT(DZ, W, WT, dx, rows, F, UP);
}
