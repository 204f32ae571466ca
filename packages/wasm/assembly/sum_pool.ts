// Keras' Add of n tensors, ReLU and GlobalMaxPooling1D in one kernel forward and one backward (WaveNet's summed
// skips): Y = relu(Σ_i X_i), M[b] = max over t of Y[b, t]; the gradient goes to every step that holds the maximum
// (tfjs' Max gradient, ties included) where the sum is positive (tfjs' ReLU gradient), the same for every X_i.
// Shapes (f32, channels padded with zeros to FP, a multiple of 4): X [n, B, T, FP] (the inputs one after another),
// Y [B,T,FP], M [B,FP].
import { maxPool, maxPoolGrad } from './conv1d';
import { addRow, copyRow } from './linalg';

/** Y = relu(Σ_i X_i) and M = its maximum over the steps. */
export function sumReluMaxPool(n: i32, B: i32, T: i32, FP: i32, X: usize, Y: usize, M: usize): void {
  const size = <usize>(B * T) * <usize>FP;
  const bytes = size << 2;
  copyRow(X, Y, <i32>size);
  for (let i = 1; i < n; i++) addRow(X + <usize>i * bytes, Y, <i32>size);
  const zero = f32x4.splat(0);
  const end = Y + bytes;
  for (let p = Y; p < end; p += 16) v128.store(p, f32x4.max(v128.load(p), zero));
  maxPool(B, T, FP, Y, M);
}

/** dY = dM where Y equals its maximum over the steps and is positive, else 0. M [B,FP] is scratch. */
export function sumReluMaxPoolGrad(B: i32, T: i32, FP: i32, Y: usize, dM: usize, M: usize, dY: usize): void {
  maxPoolGrad(B, T, FP, Y, dM, M, dY);
  const zero = f32x4.splat(0);
  const end = dY + ((<usize>(B * T) * <usize>FP) << 2);
  for (let p = dY, q = Y; p < end; p += 16, q += 16) {
    v128.store(p, v128.and(v128.load(p), f32x4.gt(v128.load(q), zero)));
  }
}
