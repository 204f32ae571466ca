// One RMSprop step (tfjs-core src/optimizers/rmsprop_optimizer.ts, not centered) over a variable in tfjs-backend-
// wasm's memory. Every operation is a float32 one, correctly rounded, in tfjs' order, so the results are bit for bit
// those of tfjs' kernels (and of the JavaScript loop in src/kernels/rmsprop-update.ts, whose Math.fround after each
// operation gives the same roundings).

/**
 * ms' = ms·decay + (g·g)·oneMinusDecay; mom' = mom·momentum + (g·lr) / sqrt(ms' + eps); w' = w - mom', element by
 * element for i < n, into outMs, outMom and outW (which may be the inputs themselves).
 */
export function rmspropStep(
  g: usize,
  w: usize,
  ms: usize,
  mom: usize,
  outMs: usize,
  outMom: usize,
  outW: usize,
  n: i32,
  decay: f32,
  oneMinusDecay: f32,
  lr: f32,
  momentum: f32,
  eps: f32,
): void {
  const vDecay = f32x4.splat(decay);
  const vOne = f32x4.splat(oneMinusDecay);
  const vLr = f32x4.splat(lr);
  const vMomentum = f32x4.splat(momentum);
  const vEps = f32x4.splat(eps);
  const end = (<usize>n) << 2;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    const gi = v128.load(g + i);
    const msi = f32x4.add(f32x4.mul(v128.load(ms + i), vDecay), f32x4.mul(f32x4.mul(gi, gi), vOne));
    const step = f32x4.div(f32x4.mul(gi, vLr), f32x4.sqrt(f32x4.add(msi, vEps)));
    const momi = f32x4.add(f32x4.mul(v128.load(mom + i), vMomentum), step);
    const wi = f32x4.sub(v128.load(w + i), momi);
    v128.store(outMs + i, msi);
    v128.store(outMom + i, momi);
    v128.store(outW + i, wi);
  }
  for (; i < end; i += 4) {
    const gi = load<f32>(g + i);
    const msi = load<f32>(ms + i) * decay + gi * gi * oneMinusDecay;
    const momi = load<f32>(mom + i) * momentum + (gi * lr) / Mathf.sqrt(msi + eps);
    const wi = load<f32>(w + i) - momi;
    store<f32>(outMs + i, msi);
    store<f32>(outMom + i, momi);
    store<f32>(outW + i, wi);
  }
}
