// SIMD f32x4 math for the fused recurrent kernels: exp (Cephes expf: range reduction and a degree-6 polynomial,
// about 1 ulp on [-87, 88]), sigmoid, tanh and the tfjs hard sigmoid, and their derivatives from the output.

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript's @inline applies to methods here; Biome cannot parse decorators on plain functions.
export class V {
  @inline
  static exp(x: v128): v128 {
    // pmin/pmax are single instructions (min/max are NaN- and ±0-exact sequences) and keep a NaN x (first operand).
    const c = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
    // n = round(c·log2 e) by adding 1.5·2²³: the low bits of t then hold n as an integer, for the scale below.
    const t = f32x4.add(f32x4.mul(c, f32x4.splat(<f32>Math.LOG2E)), f32x4.splat(12582912.0));
    const n = f32x4.sub(t, f32x4.splat(12582912.0));
    let r = f32x4.sub(c, f32x4.mul(n, f32x4.splat(0.693359375)));
    r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
    let p = f32x4.splat(1.98756915e-4);
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
    p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
    p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
    // 2ⁿ: n + 127 in the exponent bits; shifting by 23 drops the bits of 1.5·2²³.
    const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
    return f32x4.mul(p, scale);
  }

  @inline
  static sigmoid(x: v128): v128 {
    const one = f32x4.splat(1.0);
    return f32x4.div(one, f32x4.add(one, V.exp(f32x4.neg(x))));
  }

  // tanh(|x|) = (1 - e) / (1 + e) with e = exp(-2|x|), then the sign of x.
  @inline
  static tanh(x: v128): v128 {
    const one = f32x4.splat(1.0);
    const e = V.exp(f32x4.mul(f32x4.abs(x), f32x4.splat(-2.0)));
    const t = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
    return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
  }

  // tfjs (and Keras 2) hard sigmoid: clip(0.2 x + 0.5, 0, 1).
  @inline
  static hardSigmoid(x: v128): v128 {
    const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
    return f32x4.pmin(f32x4.pmax(y, f32x4.splat(0.0)), f32x4.splat(1.0));
  }

  /** The recurrent activation: 0 = sigmoid, 1 = hard sigmoid. */
  @inline
  static ract(x: v128, kind: i32): v128 {
    return kind === 0 ? V.sigmoid(x) : V.hardSigmoid(x);
  }

  /** Derivative of the recurrent activation, from its output `a`. */
  @inline
  static ractGrad(a: v128, kind: i32): v128 {
    if (kind === 0) return f32x4.mul(a, f32x4.sub(f32x4.splat(1.0), a));
    const inside = v128.and(f32x4.gt(a, f32x4.splat(0.0)), f32x4.lt(a, f32x4.splat(1.0)));
    return v128.and(f32x4.splat(0.2), inside);
  }

  /** Derivative of tanh, from its output `t`: 1 - t². */
  @inline
  static tanhGrad(t: v128): v128 {
    return f32x4.sub(f32x4.splat(1.0), f32x4.mul(t, t));
  }
}
