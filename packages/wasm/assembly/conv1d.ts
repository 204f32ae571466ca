// Conv1D, channels last, stride 1, forward and backward, with the activation fused. Port of
// keras/src/layers/convolutional/base_conv.py (Conv1D) with keras/src/ops/nn.py conv padding: 'valid' (no padding),
// 'same' (pad (K-1)·d, the smaller half on the left) and 'causal' (all (K-1)·d on the left) reduce to one left
// padding `padLeft` and an output length `To`: y[b,t] = act(bias + Σ_k x[b, t - padLeft + k·d] · W[k]), with x zero
// outside [0, T).
// Shapes (f32, row-major, channels padded with zeros to CP and FP, multiples of 4): x [B,T,CP], W [K,CP,FP],
// bias [FP], Y [B,To,FP] (the activated output, which the backward reads). SIMD over output channels: each output
// row is one run of products over the taps that fall inside the input (one run for d = 1: those taps' input rows and
// kernel rows are contiguous).
import { accumulate, accumulateT, addRow, copyRow, Mac, matmul, transpose } from './linalg';
import { V } from './math';

/** Activation codes: 0 linear, 1 relu, 2 tanh, 3 sigmoid. */
const RELU = 1;
const TANH = 2;
const SIGMOID = 3;

/**
 * out[b, t] += Σ_k src[b, t - padLeft + k·d] · W[k] for t < Tout, taps inside [0, Tin); src [B,Tin,Cin],
 * W [K,Cin,Cout], out [B,Tout,Cout]. Per block of up to 16 columns the sums stay in registers over every tap and
 * input channel (no store between taps), for two output rows at once ({@link Mac.run2}) where both have all their
 * taps inside, else for one ({@link Mac.run}). Also wavenet's gated block's.
 */
export function convRows(
  src: usize,
  B: i32,
  Tin: i32,
  Cin: i32,
  W: usize,
  Cout: i32,
  K: i32,
  dil: i32,
  padLeft: i32,
  out: usize,
  Tout: i32,
): void {
  const inRow = (<usize>Cin) << 2;
  const outRow = (<usize>Cout) << 2;
  const tapBytes = <usize>Cin * outRow;
  const step = <usize>dil * inRow;
  // Steps t whose taps all fall inside [0, Tin): base = t - padLeft >= 0 and base + (K-1)·d < Tin. Two such steps
  // in a row take Mac.run2 (one load of W for both).
  const tFull0 = padLeft;
  const tFull1 = Tin - (K - 1) * dil + padLeft;
  for (let b = 0; b < B; b++) {
    const xb = src + <usize>(b * Tin) * inRow;
    for (let t = 0; t < Tout; t++) {
      const base = t - padLeft;
      const o = out + <usize>(b * Tout + t) * outRow;
      if (t >= tFull0 && t + 1 < tFull1 && t + 1 < Tout) {
        Mac.run2(
          xb + <usize>base * inRow,
          4,
          Cin,
          W,
          outRow,
          K,
          step,
          tapBytes,
          o,
          Cout,
          inRow,
          outRow,
          false,
        );
        t++;
        continue;
      }
      // Taps k with 0 <= base + k·d < Tin.
      let k0 = 0;
      if (base < 0) k0 = (-base + dil - 1) / dil;
      const last = Tin - 1 - base;
      if (last < 0) continue;
      const k1 = min(K, last / dil + 1);
      if (k0 >= k1) continue;
      const a0 = xb + <usize>(base + k0 * dil) * inRow;
      const m0 = W + <usize>k0 * tapBytes;
      Mac.run(a0, 4, Cin, m0, outRow, k1 - k0, step, tapBytes, o, Cout, false);
    }
  }
}

/** Y = act(bias + conv(x, W)); Y [B,To,FP]. */
export function conv1dForward(
  B: i32,
  T: i32,
  CP: i32,
  K: i32,
  FP: i32,
  dil: i32,
  padLeft: i32,
  To: i32,
  act: i32,
  x: usize,
  W: usize,
  bias: usize,
  Y: usize,
): void {
  const rows = B * To;
  const rowBytes = (<usize>FP) << 2;
  for (let r = 0; r < rows; r++) copyRow(bias, Y + <usize>r * rowBytes, FP);
  convRows(x, B, T, CP, W, FP, K, dil, padLeft, Y, To);
  activate(Y, rows * FP, act);
}

/** y = act(y) in place over n floats (a multiple of 4). */
function activate(Y: usize, n: i32, act: i32): void {
  if (act === 0) return;
  const end = Y + ((<usize>n) << 2);
  if (act === RELU) {
    const zero = f32x4.splat(0);
    for (let p = Y; p < end; p += 16) v128.store(p, f32x4.max(v128.load(p), zero));
  } else if (act === TANH) {
    for (let p = Y; p < end; p += 16) v128.store(p, V.tanh(v128.load(p)));
  } else {
    for (let p = Y; p < end; p += 16) v128.store(p, V.sigmoid(v128.load(p)));
  }
}

/** dY = dY · act'(Y) in place over n floats: the gradient before the activation, from its output Y. */
function activationGrad(dY: usize, Y: usize, n: i32, act: i32): void {
  const end = dY + ((<usize>n) << 2);
  if (act === RELU) {
    // tfjs' relu gradient: dy where y > 0 (x > 0), else 0.
    const zero = f32x4.splat(0);
    for (let p = dY, q = Y; p < end; p += 16, q += 16) {
      v128.store(p, v128.and(v128.load(p), f32x4.gt(v128.load(q), zero)));
    }
  } else if (act === TANH) {
    for (let p = dY, q = Y; p < end; p += 16, q += 16) {
      v128.store(p, f32x4.mul(v128.load(p), V.tanhGrad(v128.load(q))));
    }
  } else if (act === SIGMOID) {
    for (let p = dY, q = Y; p < end; p += 16, q += 16) {
      v128.store(p, f32x4.mul(v128.load(p), V.ractGrad(v128.load(q), 0)));
    }
  }
}

/**
 * The gradients of {@link conv1dForward} from dY [B,To,FP] (overwritten by dZ, the gradient before the
 * activation): db [FP], dW [K,CP,FP] and, with `wantDx`, dx [B,T,CP]. WR [K,FP,CP] is scratch (the taps' kernels
 * transposed, last tap first: dx is the convolution of dZ with them).
 */
export function conv1dBackward(
  B: i32,
  T: i32,
  CP: i32,
  K: i32,
  FP: i32,
  dil: i32,
  padLeft: i32,
  To: i32,
  act: i32,
  x: usize,
  W: usize,
  Y: usize,
  dY: usize,
  dx: usize,
  dW: usize,
  db: usize,
  WR: usize,
  wantDx: i32,
): void {
  const rows = B * To;
  const rowBytes = (<usize>FP) << 2;
  activationGrad(dY, Y, rows * FP, act);
  memory.fill(db, 0, rowBytes);
  for (let r = 0; r < rows; r++) addRow(dY + <usize>r * rowBytes, db, FP);
  const inRow = (<usize>CP) << 2;
  const tapBytes = <usize>CP * rowBytes;
  memory.fill(dW, 0, <usize>K * tapBytes);
  for (let k = 0; k < K; k++) {
    // Output steps t whose tap k reads an input step s = t - padLeft + k·d inside [0, T).
    const shift = k * dil - padLeft;
    const t0 = max(0, -shift);
    const t1 = min(To, T - shift);
    if (t0 >= t1) continue;
    for (let b = 0; b < B; b++) {
      accumulateT(
        x + <usize>(b * T + t0 + shift) * inRow,
        CP,
        CP,
        dY + <usize>(b * To + t0) * rowBytes,
        FP,
        t1 - t0,
        dW + <usize>k * tapBytes,
        FP,
        FP,
      );
    }
  }
  if (wantDx === 0) return;
  for (let k = 0; k < K; k++) {
    transpose(W + <usize>k * tapBytes, CP, FP, FP, WR + <usize>(K - 1 - k) * tapBytes, CP);
  }
  memory.fill(dx, 0, <usize>(B * T) * inRow);
  // dx[s] = Σ_k dZ[s + padLeft - k·d] · W[k]ᵀ = Σ_j dZ[s - padLeft' + j·d] · WR[j], padLeft' = (K-1)·d - padLeft.
  convRows(dY, B, To, FP, WR, CP, K, dil, (K - 1) * dil - padLeft, dx, T);
}

/** M[b] = max over t < To of Y[b, t] (GlobalMaxPooling1D on the convolution's output); M [B,FP]. */
export function maxPool(B: i32, To: i32, FP: i32, Y: usize, M: usize): void {
  const rowBytes = (<usize>FP) << 2;
  for (let b = 0; b < B; b++) {
    const m = M + <usize>b * rowBytes;
    const yb = Y + <usize>(b * To) * rowBytes;
    copyRow(yb, m, FP);
    for (let t = 1; t < To; t++) {
      const y = yb + <usize>t * rowBytes;
      for (let j = 0; j < FP; j += 4) {
        const off = (<usize>j) << 2;
        v128.store(m + off, f32x4.max(v128.load(m + off), v128.load(y + off)));
      }
    }
  }
}

/**
 * dY[b, t] = dM[b] where Y[b, t] equals the maximum over t, else 0: tfjs' Max gradient (`dy · (x == max(x))`), so a
 * tie sends the whole gradient to every step that holds the maximum. M [B,FP] is scratch.
 */
export function maxPoolGrad(B: i32, To: i32, FP: i32, Y: usize, dM: usize, M: usize, dY: usize): void {
  maxPool(B, To, FP, Y, M);
  const rowBytes = (<usize>FP) << 2;
  for (let b = 0; b < B; b++) {
    const m = M + <usize>b * rowBytes;
    const g = dM + <usize>b * rowBytes;
    for (let t = 0; t < To; t++) {
      const row = <usize>(b * To + t) * rowBytes;
      for (let j = 0; j < FP; j += 4) {
        const off = (<usize>j) << 2;
        const hit = f32x4.eq(v128.load(Y + row + off), v128.load(m + off));
        v128.store(dY + row + off, v128.and(v128.load(g + off), hit));
      }
    }
  }
}

/**
 * Input steps that are rows of an embedding table: x[b, s] = E[ids[b, s]] (ids i32 [B,T], each in [0, V); E
 * [V,CP]). Each tap's product is then a table P[k] = E · W[k] ([K,V,FP]), and an output row the sum of K of its
 * rows: y[b, t] = act(bias + Σ_k P[k][ids[b, t - padLeft + k·d]]), far fewer products than the convolution of
 * the looked-up rows when V is below the batch's steps.
 */
export function conv1dTableForward(
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
  Y: usize,
): void {
  const rowBytes = (<usize>FP) << 2;
  const tableBytes = <usize>V * rowBytes;
  for (let k = 0; k < K; k++) {
    matmul(E, CP, CP, W + <usize>k * <usize>CP * rowBytes, FP, P + <usize>k * tableBytes, FP, FP, V);
  }
  for (let b = 0; b < B; b++) {
    const idb = ids + ((<usize>(b * T)) << 2);
    for (let t = 0; t < To; t++) {
      const o = Y + <usize>(b * To + t) * rowBytes;
      copyRow(bias, o, FP);
      const base = t - padLeft;
      for (let k = 0; k < K; k++) {
        const s = base + k * dil;
        if (s < 0 || s >= T) continue;
        const id = load<i32>(idb + ((<usize>s) << 2));
        addRow(P + <usize>k * tableBytes + <usize>id * rowBytes, o, FP);
      }
    }
  }
  activate(Y, B * To * FP, act);
}

/**
 * The gradients of {@link conv1dTableForward} from dY [B,To,FP] (overwritten by dZ): db, dW [K,CP,FP] and the
 * table's dE [V,CP], through dP [K,V,FP] (dZ rows summed by the id each tap read). WR [K,FP,CP] is scratch.
 */
export function conv1dTableBackward(
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
  Y: usize,
  dY: usize,
  dP: usize,
  dE: usize,
  dW: usize,
  db: usize,
  WR: usize,
): void {
  const rows = B * To;
  const rowBytes = (<usize>FP) << 2;
  const tableBytes = <usize>V * rowBytes;
  const tapBytes = <usize>CP * rowBytes;
  activationGrad(dY, Y, rows * FP, act);
  memory.fill(db, 0, rowBytes);
  for (let r = 0; r < rows; r++) addRow(dY + <usize>r * rowBytes, db, FP);
  memory.fill(dP, 0, <usize>K * tableBytes);
  for (let b = 0; b < B; b++) {
    const idb = ids + ((<usize>(b * T)) << 2);
    for (let t = 0; t < To; t++) {
      const g = dY + <usize>(b * To + t) * rowBytes;
      const base = t - padLeft;
      for (let k = 0; k < K; k++) {
        const s = base + k * dil;
        if (s < 0 || s >= T) continue;
        const id = load<i32>(idb + ((<usize>s) << 2));
        addRow(g, dP + <usize>k * tableBytes + <usize>id * rowBytes, FP);
      }
    }
  }
  memory.fill(dW, 0, <usize>K * tapBytes);
  const eRow = (<usize>CP) << 2;
  memory.fill(dE, 0, <usize>V * eRow);
  for (let k = 0; k < K; k++) {
    const dPk = dP + <usize>k * tableBytes;
    accumulateT(E, CP, CP, dPk, FP, V, dW + <usize>k * tapBytes, FP, FP);
    const WT = WR + <usize>k * tapBytes;
    transpose(W + <usize>k * tapBytes, CP, FP, FP, WT, CP);
    // Words no tap read have zero rows in dP: accumulate skips them.
    for (let v = 0; v < V; v++) accumulate(dPk + <usize>v * rowBytes, FP, WT, CP, dE + <usize>v * eRow, CP);
  }
}

/**
 * WaveNet's gate on Y [rows, 2·FP] (the filter convolution's FP columns, then the gate's; both before their
 * activations): Y becomes [tanh(filter), sigmoid(gate)] in place, and Z [rows, FP] their product.
 */
export function gateForward(rows: i32, FP: i32, Y: usize, Z: usize): void {
  const half = (<usize>FP) << 2;
  for (let r = 0; r < rows; r++) {
    const f = Y + <usize>r * (half << 1);
    const z = Z + <usize>r * half;
    for (let j = 0; j < FP; j += 4) {
      const off = (<usize>j) << 2;
      const a = V.tanh(v128.load(f + off));
      const g = V.sigmoid(v128.load(f + half + off));
      v128.store(f + off, a);
      v128.store(f + half + off, g);
      v128.store(z + off, f32x4.mul(a, g));
    }
  }
}

/**
 * The gradients before the gate's activations, dY [rows, 2·FP], from dZ [rows, FP] and the activated Y of
 * {@link gateForward}: dz·g·(1 - a²) for the filter, dz·a·g·(1 - g) for the gate.
 */
export function gateBackward(rows: i32, FP: i32, Y: usize, dZ: usize, dY: usize): void {
  const half = (<usize>FP) << 2;
  for (let r = 0; r < rows; r++) {
    const y = Y + <usize>r * (half << 1);
    const d = dY + <usize>r * (half << 1);
    const dz = dZ + <usize>r * half;
    for (let j = 0; j < FP; j += 4) {
      const off = (<usize>j) << 2;
      const a = v128.load(y + off);
      const g = v128.load(y + half + off);
      const gz = v128.load(dz + off);
      v128.store(d + off, f32x4.mul(f32x4.mul(gz, g), V.tanhGrad(a)));
      v128.store(d + half + off, f32x4.mul(f32x4.mul(gz, a), V.ractGrad(g, 0)));
    }
  }
}
