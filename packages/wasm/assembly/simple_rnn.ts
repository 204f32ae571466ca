// SimpleRNN, whole sequence: h_t = tanh(x_t W + b + h_{t-1} R). Port of keras/src/layers/rnn/simple_rnn.py
// SimpleRNNCell.call (tanh activation), with keras/src/backend/tensorflow/rnn.py masking: a masked step carries
// the previous state and output forward.
// Shapes (f32, row-major, units padded to UP, a multiple of 4): x [B,T,F], W [F,UP], R [U,UP], bias [UP],
// mask [B,T] or 0, H [B,T,UP] (outputs, also what backward needs). With `ids` != 0, x is instead i32 ids [B,T]
// read as one-hot rows of F classes (an id outside [0, F) is an all-zero row, like tf.oneHot): the projection is
// a row of W, and W's gradient a row update, with the same float results as the one-hot product.
import { accumulate, addRow, gemvT, inputGrad, project, rank1 } from './linalg';
import { V } from './math';

/** out[r] = bias + W[ids[r]] for rows r < rows (just bias for an id outside [0, F)). */
function gatherProject(ids: usize, W: usize, bias: usize, out: usize, rows: i32, F: i32, N: i32): void {
  const rowBytes = (<usize>N) << 2;
  for (let r = 0; r < rows; r++) {
    const o = out + <usize>r * rowBytes;
    memory.copy(o, bias, rowBytes);
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
        memory.copy(h, hp, rowBytes);
        continue;
      }
      accumulate(hp, U, R, UP, h, UP);
      for (let j = 0; j < UP; j += 4) {
        const p = h + ((<usize>j) << 2);
        v128.store(p, V.tanh(v128.load(p)));
      }
    }
  }
}

/** Backprop through time. dY is [B,T,UP] when seq != 0, else [B,UP] (last output). DZ [B,T,UP] is scratch. */
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
): void {
  const rowBytes = (<usize>UP) << 2;
  memory.fill(zeros, 0, rowBytes);
  memory.fill(dW, 0, (<usize>F * <usize>UP) << 2);
  memory.fill(dR, 0, (<usize>U * <usize>UP) << 2);
  memory.fill(db, 0, rowBytes);
  for (let b = 0; b < B; b++) {
    memory.fill(dh, 0, rowBytes);
    for (let t = T - 1; t >= 0; t--) {
      const row = b * T + t;
      if (seq !== 0) addRow(dY + <usize>row * rowBytes, dh, UP);
      else if (t === T - 1) addRow(dY + <usize>b * rowBytes, dh, UP);
      const dz = DZ + <usize>row * rowBytes;
      if (mask !== 0 && load<f32>(mask + ((<usize>row) << 2)) === 0) {
        memory.fill(dz, 0, rowBytes);
        continue;
      }
      const h = H + <usize>row * rowBytes;
      for (let j = 0; j < UP; j += 4) {
        const off = (<usize>j) << 2;
        v128.store(dz + off, f32x4.mul(v128.load(dh + off), V.tanhGrad(v128.load(h + off))));
      }
      gemvT(dz, R, UP, U, UP, dh, false);
    }
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const dz = DZ + <usize>row * rowBytes;
      const hp = t === 0 ? zeros : H + <usize>(row - 1) * rowBytes;
      addRow(dz, db, UP);
      if (ids === 0) rank1(x + ((<usize>row * <usize>F) << 2), F, dz, dW, UP, UP);
      else {
        const id = load<i32>(x + ((<usize>row) << 2));
        if (id >= 0 && id < F) addRow(dz, dW + <usize>id * rowBytes, UP);
      }
      rank1(hp, U, dz, dR, UP, UP);
    }
  }
  if (wantDx !== 0 && ids === 0) inputGrad(DZ, W, dx, B * T, F, UP);
}
