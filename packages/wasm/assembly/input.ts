// What the fused kernels read as x, built in place: an embedding lookup (Keras `Embedding`) and a per-sequence
// input dropout mask (Keras' RNN `dropout`: one [F] mask per batch row, the same at every step), and their
// gradients. Shapes (f32 unless said): ids i32 [B,T], E [V,F], mask [B,F] or 0, x and dx [B,T,F], dE [V,F].
import { inputGrad, project, rank1 } from './linalg';

/**
 * out[0..n) = a[0..n) ⊙ m[0..n), or out += a ⊙ m with `add`; m = 0 stands for all ones. Vector loads and stores
 * rather than memory.copy, which is a call out of the module (per row, it costs more than the copy).
 */
function rowTimes(a: usize, m: usize, out: usize, n: i32, add: bool): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const off = (<usize>j) << 2;
    let v = v128.load(a + off);
    if (m !== 0) v = f32x4.mul(v, v128.load(m + off));
    if (add) v = f32x4.add(v128.load(out + off), v);
    v128.store(out + off, v);
  }
  for (; j < n; j++) {
    const off = (<usize>j) << 2;
    let v = load<f32>(a + off);
    if (m !== 0) v *= load<f32>(m + off);
    if (add) v = load<f32>(out + off) + v;
    store<f32>(out + off, v);
  }
}

/** x[b,t] = E[ids[b,t]] ⊙ mask[b]; ids must be in [0, V) (the caller checks). */
export function embedInput(ids: usize, E: usize, mask: usize, x: usize, B: i32, T: i32, F: i32): void {
  const rowBytes = (<usize>F) << 2;
  for (let b = 0; b < B; b++) {
    const m = mask === 0 ? 0 : mask + <usize>b * rowBytes;
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const id = load<i32>(ids + ((<usize>row) << 2));
      rowTimes(E + <usize>id * rowBytes, m, x + <usize>row * rowBytes, F, false);
    }
  }
}

/** x[b,t] ⊙= mask[b], in place. */
export function maskInput(x: usize, mask: usize, B: i32, T: i32, F: i32): void {
  const rowBytes = (<usize>F) << 2;
  for (let b = 0; b < B; b++) {
    const m = mask + <usize>b * rowBytes;
    for (let t = 0; t < T; t++) {
      const p = x + <usize>(b * T + t) * rowBytes;
      rowTimes(p, m, p, F, false);
    }
  }
}

/** dE = Σ over (b,t) of dx[b,t] ⊙ mask[b] into row ids[b,t]: the lookup's gradient. */
export function embedGrad(
  ids: usize,
  dx: usize,
  mask: usize,
  dE: usize,
  B: i32,
  T: i32,
  F: i32,
  V: i32,
): void {
  const rowBytes = (<usize>F) << 2;
  memory.fill(dE, 0, <usize>V * rowBytes);
  for (let b = 0; b < B; b++) {
    const m = mask === 0 ? 0 : mask + <usize>b * rowBytes;
    for (let t = 0; t < T; t++) {
      const row = b * T + t;
      const id = load<i32>(ids + ((<usize>row) << 2));
      rowTimes(dx + <usize>row * rowBytes, m, dE + <usize>id * rowBytes, F, true);
    }
  }
}

// A SimpleRNN on an embedding without input dropout reads a projected table instead of x: row v of
// P = E·W + bias is what x·W + bias is for every step whose id is v, and the kernel's gradient for P (S, the dz
// rows summed by id) gives the table's and the kernel's: dE = S·Wᵀ, dW = Eᵀ·S.

/** P [V,N] = bias + E [V,F] · W [F,N], summed as the kernels' own projection sums. */
export function tableProject(E: usize, W: usize, bias: usize, P: usize, V: i32, F: i32, N: i32): void {
  project(E, W, bias, P, V, F, N);
}

/** dE [V,F] = S [V,N] · W [F,N]ᵀ and dW [F,N] = E [V,F]ᵀ · S. */
export function tableGrads(E: usize, S: usize, W: usize, dE: usize, dW: usize, V: i32, F: i32, N: i32): void {
  memory.fill(dW, 0, (<usize>F * <usize>N) << 2);
  for (let v = 0; v < V; v++) {
    rank1(E + ((<usize>v * <usize>F) << 2), F, S + ((<usize>v * <usize>N) << 2), dW, N, N);
  }
  inputGrad(S, W, dE, V, F, N);
}
