// WaveNet's gated residual block (van den Oord et al. 2016) as one kernel forward and one backward: the filter and
// gate causal convolutions of h (kernel K, dilation d, their kernels side by side as one convolution),
// z = tanh(filter) · sigmoid(gate), the 1×1 skip convolution s = z · Ws + bs and, unless it is the last block, the
// residual n = h + z · Wr + br. What Keras computes with two causal Conv1D layers, a Multiply, two 1×1 Conv1D
// layers and an Add.
// Shapes (f32, row-major, channels padded with zeros to multiples of 4): x = h [B,T,CP], Wfg [K,CP,2·FP] (each
// input channel's row: the filter's FP columns, then the gate's), bfg [2·FP], Ws [FP,SP], bs [SP], Wr [FP,CP],
// br [CP]; out Y [B,T,2·FP] (the activated filter and gate, which the backward reads), Z [B,T,FP], S [B,T,SP],
// N [B,T,CP].
import { convRows, gateBackward, gateForward } from './conv1d';
import { accumulate, accumulateT, addRow, copyRow, rank1, transpose } from './linalg';

/** Y = bias + the causal convolution of x [B,T,CP] with W [K,CP,N] (dilation dil); Y [B,T,N]. */
function causalForward(
  B: i32,
  T: i32,
  CP: i32,
  K: i32,
  N: i32,
  dil: i32,
  x: usize,
  W: usize,
  bias: usize,
  Y: usize,
): void {
  const rowBytes = (<usize>N) << 2;
  for (let r = 0; r < B * T; r++) copyRow(bias, Y + <usize>r * rowBytes, N);
  convRows(x, B, T, CP, W, N, K, dil, (K - 1) * dil, Y, T);
}

/**
 * The gradients of {@link causalForward} from dY [B,T,N]: db [N], dW [K,CP,N] (16 columns at a time, for the same
 * reason as convRows) and dx [B,T,CP]; WR [K,N,CP] is scratch (the taps' kernels transposed, last tap first).
 */
function causalBackward(
  B: i32,
  T: i32,
  CP: i32,
  K: i32,
  N: i32,
  dil: i32,
  x: usize,
  W: usize,
  dY: usize,
  dx: usize,
  dW: usize,
  db: usize,
  WR: usize,
): void {
  const rowBytes = (<usize>N) << 2;
  const inRow = (<usize>CP) << 2;
  const tapBytes = <usize>CP * rowBytes;
  const padLeft = (K - 1) * dil;
  memory.fill(db, 0, rowBytes);
  for (let r = 0; r < B * T; r++) addRow(dY + <usize>r * rowBytes, db, N);
  memory.fill(dW, 0, <usize>K * tapBytes);
  for (let k = 0; k < K; k++) {
    // Output steps t whose tap k reads an input step t - padLeft + k·d inside [0, T).
    const shift = k * dil - padLeft;
    const t0 = max(0, -shift);
    if (t0 >= T) continue;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < N; j += 16) {
        const at = (<usize>j) << 2;
        accumulateT(
          x + <usize>(b * T + t0 + shift) * inRow,
          CP,
          CP,
          dY + <usize>(b * T + t0) * rowBytes + at,
          N,
          T - t0,
          dW + <usize>k * tapBytes + at,
          N,
          min(16, N - j),
        );
      }
    }
  }
  for (let k = 0; k < K; k++) {
    transpose(W + <usize>k * tapBytes, CP, N, N, WR + <usize>(K - 1 - k) * tapBytes, CP);
  }
  memory.fill(dx, 0, <usize>(B * T) * inRow);
  // dx[s] = Σ_k dY[s + padLeft - k·d] · W[k]ᵀ: the convolution of dY with the reversed taps, no left padding.
  convRows(dY, B, T, N, WR, CP, K, dil, 0, dx, T);
}

/** out[r] = bias + src[r] · W for rows r (a 1×1 convolution); src [rows,Cin], W [Cin,Cout], out [rows,Cout]. */
function pointwise(src: usize, rows: i32, Cin: i32, W: usize, bias: usize, Cout: i32, out: usize): void {
  const rowBytes = (<usize>Cout) << 2;
  for (let r = 0; r < rows; r++) copyRow(bias, out + <usize>r * rowBytes, Cout);
  convRows(src, 1, rows, Cin, W, Cout, 1, 1, 0, out, rows);
}

/** The block's forward: Y, Z, S and (with `residual`) N from x and the weights. */
export function gatedBlockForward(
  B: i32,
  T: i32,
  CP: i32,
  K: i32,
  FP: i32,
  SP: i32,
  dil: i32,
  residual: i32,
  x: usize,
  Wfg: usize,
  bfg: usize,
  Ws: usize,
  bs: usize,
  Wr: usize,
  br: usize,
  Y: usize,
  Z: usize,
  S: usize,
  N: usize,
): void {
  const rows = B * T;
  causalForward(B, T, CP, K, FP << 1, dil, x, Wfg, bfg, Y);
  gateForward(rows, FP, Y, Z);
  pointwise(Z, rows, FP, Ws, bs, SP, S);
  if (residual === 0) return;
  pointwise(Z, rows, FP, Wr, br, CP, N);
  const rowBytes = (<usize>CP) << 2;
  for (let r = 0; r < rows; r++) addRow(x + <usize>r * rowBytes, N + <usize>r * rowBytes, CP);
}

/** The rows of dO [rows, Cout] that hold a nonzero, into idx (i32); returns how many. */
function nonzeroRows(dO: usize, rows: i32, Cout: i32, idx: usize): i32 {
  const rowBytes = (<usize>Cout) << 2;
  const zero = f32x4.splat(0);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const row = dO + <usize>r * rowBytes;
    let any = v128.splat<i32>(0);
    for (let j = 0; j < Cout; j += 4) any = v128.or(any, f32x4.ne(v128.load(row + ((<usize>j) << 2)), zero));
    if (v128.any_true(any)) {
      store<i32>(idx + ((<usize>n) << 2), r);
      n++;
    }
  }
  return n;
}

/**
 * dW = Zᵀ · dO and db = Σ_r dO[r] for a 1×1 convolution (Cin = FP inputs Z), and dZ += dO · Wᵀ (WT [Cout,FP] is
 * scratch). A dO with few nonzero rows — the skip output's gradient behind a GlobalMaxPooling1D holds at most one
 * step per batch row and channel — takes only those rows (idx [rows] i32 scratch).
 */
function pointwiseBackward(
  Z: usize,
  rows: i32,
  FP: i32,
  W: usize,
  Cout: i32,
  dO: usize,
  dW: usize,
  db: usize,
  dZ: usize,
  WT: usize,
  idx: usize,
): i32 {
  const rowBytes = (<usize>Cout) << 2;
  const zBytes = (<usize>FP) << 2;
  memory.fill(db, 0, rowBytes);
  memory.fill(dW, 0, <usize>FP * rowBytes);
  transpose(W, FP, Cout, Cout, WT, FP);
  const n = nonzeroRows(dO, rows, Cout, idx);
  if (n * 4 > rows) {
    for (let r = 0; r < rows; r++) addRow(dO + <usize>r * rowBytes, db, Cout);
    accumulateT(Z, FP, FP, dO, Cout, rows, dW, Cout, Cout);
    convRows(dO, 1, rows, Cout, WT, FP, 1, 1, 0, dZ, rows);
    return -1;
  }
  for (let i = 0; i < n; i++) {
    const r = <usize>load<i32>(idx + ((<usize>i) << 2));
    const g = dO + r * rowBytes;
    addRow(g, db, Cout);
    rank1(Z + r * zBytes, FP, g, dW, Cout, Cout);
    accumulate(g, Cout, WT, FP, dZ + r * zBytes, FP);
  }
  return n;
}

/**
 * The gate's and the filter/gate convolution's backward when only the n rows in idx of dZ are nonzero (a last
 * block behind a GlobalMaxPooling1D): dY on those rows, then db, dW [K,CP,N] and dx from them alone, one rank-1
 * update and one product with a transposed tap (WR [K,N,CP] scratch) per row and tap.
 */
function sparseGateConvBackward(
  T: i32,
  CP: i32,
  K: i32,
  FP: i32,
  dil: i32,
  x: usize,
  W: usize,
  Y: usize,
  dZ: usize,
  dY: usize,
  dx: usize,
  dW: usize,
  db: usize,
  WR: usize,
  rows: i32,
  idx: usize,
  n: i32,
): void {
  const N = FP << 1;
  const rowBytes = (<usize>N) << 2;
  const zBytes = (<usize>FP) << 2;
  const inRow = (<usize>CP) << 2;
  const tapBytes = <usize>CP * rowBytes;
  memory.fill(db, 0, rowBytes);
  memory.fill(dW, 0, <usize>K * tapBytes);
  memory.fill(dx, 0, <usize>rows * inRow);
  for (let k = 0; k < K; k++) {
    transpose(W + <usize>k * tapBytes, CP, N, N, WR + <usize>k * tapBytes, CP);
  }
  for (let i = 0; i < n; i++) {
    const r = load<i32>(idx + ((<usize>i) << 2));
    const g = dY + <usize>r * rowBytes;
    gateBackward(1, FP, Y + <usize>r * rowBytes, dZ + <usize>r * zBytes, g);
    addRow(g, db, N);
    const b = r / T;
    const t = r - b * T;
    for (let k = 0; k < K; k++) {
      // Tap k of output step t reads input step t - (K-1-k)·d.
      const s = t - (K - 1 - k) * dil;
      if (s < 0) continue;
      const xs = <usize>(b * T + s) * inRow;
      rank1(x + xs, CP, g, dW + <usize>k * tapBytes, N, N);
      accumulate(g, N, WR + <usize>k * tapBytes, CP, dx + xs, CP);
    }
  }
}

/**
 * The gradients of {@link gatedBlockForward} from dS [B,T,SP] and (with `residual`) dN [B,T,CP]: dx [B,T,CP],
 * dWfg [K,CP,2·FP], dbfg [2·FP], dWs [FP,SP], dbs [SP], dWr [FP,CP], dbr [CP]. dZ [B,T,FP], dY [B,T,2·FP],
 * WR [K,2·FP,CP], WT [max(SP,CP),FP] and idx [B·T] (i32) are scratch.
 */
export function gatedBlockBackward(
  B: i32,
  T: i32,
  CP: i32,
  K: i32,
  FP: i32,
  SP: i32,
  dil: i32,
  residual: i32,
  x: usize,
  Wfg: usize,
  Ws: usize,
  Wr: usize,
  Y: usize,
  Z: usize,
  dS: usize,
  dN: usize,
  dZ: usize,
  dY: usize,
  dx: usize,
  dWfg: usize,
  dbfg: usize,
  dWs: usize,
  dbs: usize,
  dWr: usize,
  dbr: usize,
  WR: usize,
  WT: usize,
  idx: usize,
): void {
  const rows = B * T;
  memory.fill(dZ, 0, (<usize>rows * <usize>FP) << 2);
  const n = pointwiseBackward(Z, rows, FP, Ws, SP, dS, dWs, dbs, dZ, WT, idx);
  if (residual === 0 && n >= 0) {
    sparseGateConvBackward(T, CP, K, FP, dil, x, Wfg, Y, dZ, dY, dx, dWfg, dbfg, WR, rows, idx, n);
    return;
  }
  if (residual !== 0) pointwiseBackward(Z, rows, FP, Wr, CP, dN, dWr, dbr, dZ, WT, idx);
  gateBackward(rows, FP, Y, dZ, dY);
  causalBackward(B, T, CP, K, FP << 1, dil, x, Wfg, dY, dx, dWfg, dbfg, WR);
  if (residual === 0) return;
  const rowBytes = (<usize>CP) << 2;
  for (let r = 0; r < rows; r++) addRow(dN + <usize>r * rowBytes, dx + <usize>r * rowBytes, CP);
}
