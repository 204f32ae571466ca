// A seeded dropout mask drawn in JavaScript, value for value what `tf.dropout(tf.ones(shape), rate, undefined,
// seed)` returns: tfjs draws its seeded uniforms from seedrandom's Alea (`UniformRandom` in tfjs-core's
// rand_util), then runs add, floor, div and mul as float32 kernels. Doing those four in a loop here saves their
// kernel calls (and the `ones`) on every training step of a layer with dropout; the values are the same bits.

/** Baagøe's Mash, as seedrandom 3.0.5 (lib/alea.js, MIT) seeds Alea with it. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data: string) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
}

/** seedrandom's `alea(seed)`: uniforms in [0, 1), as tfjs' seeded `randomUniform` draws them. */
export function alea(seed: string): () => number {
  const m = mash();
  let c = 1;
  let s0 = m(' ');
  let s1 = m(' ');
  let s2 = m(' ');
  s0 -= m(seed);
  if (s0 < 0) s0 += 1;
  s1 -= m(seed);
  if (s1 < 0) s1 += 1;
  s2 -= m(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10; // 2^-32
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    return s2;
  };
}

/**
 * `n` values of `tf.dropout(tf.ones([n]), rate, undefined, seed)` (0 < rate < 1): floor(u + keep) / keep in
 * float32, u the seeded uniform rounded to float32, keep = 1 - rate rounded to float32 (tfjs' scalar).
 */
export function dropoutMultipliers(n: number, rate: number, seed: number): Float32Array {
  const random = alea(String(seed));
  const keep = Math.fround(1 - rate);
  const out = new Float32Array(n);
  // Each float32 operation is one double operation rounded once: exact for +, / of float32 operands.
  for (let i = 0; i < n; i++) out[i] = Math.floor(Math.fround(Math.fround(random()) + keep)) / keep;
  return out;
}
