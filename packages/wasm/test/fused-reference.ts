// Unfused references for the fused ops: the per-step loop tfjs-layers runs (tfjs-layers/src/backend/tfjs_backend.ts
// `rnn`, with its masking), written with plain tfjs ops, and the Keras cells (SimpleRNNCell, LSTMCell,
// PeepholeLSTMCell, GRUCell with reset_after true and false).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { FusedRnnError } from '../src/index.js';

type Cell = (x: tf.Tensor2D, states: tf.Tensor2D[]) => tf.Tensor2D[];

export interface LoopOptions {
  returnSequences?: boolean;
  mask?: tf.Tensor | null;
  goBackwards?: boolean;
}

function loop(cell: Cell, x: tf.Tensor, units: number, stateCount: number, o: LoopOptions): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  // As tfjs-layers: reverse the tensor, not the array of steps (tfjs' tape keeps the array tf.unstack returns:
  // reversing it in place misroutes the gradients).
  const ordered = (t: tf.Tensor) => (o.goBackwards ? tf.reverse(t, 1) : t);
  // Per-step slices rather than tf.unstack, whose gradient fails for a single step.
  const steps = (t: tf.Tensor) =>
    Array.from({ length: T }, (_, i) => tf.squeeze(tf.slice(t, [0, i], [-1, 1]), [1]));
  const xs = steps(ordered(x)) as tf.Tensor2D[];
  const ms = o.mask == null ? null : (steps(ordered(tf.cast(o.mask, 'float32'))) as tf.Tensor1D[]);
  let states = Array.from({ length: stateCount }, () => tf.zeros([B, units]) as tf.Tensor2D);
  const outputs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    let next = cell(xs[t]!, states);
    if (ms !== null) {
      const m = tf.reshape(tf.cast(tf.notEqual(ms[t]!, 0), 'float32'), [B, 1]);
      const keep = (a: tf.Tensor2D, b: tf.Tensor2D) =>
        tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m))) as tf.Tensor2D;
      next = next.map((s, i) => keep(s, states[i]!));
    }
    states = next;
    outputs.push(next[0]!);
  }
  return o.returnSequences ? tf.stack(outputs, 1) : outputs[T - 1]!;
}

export function hardSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1);
}

function ract(kind: 'sigmoid' | 'hardSigmoid' | undefined): (x: tf.Tensor) => tf.Tensor {
  return kind === 'hardSigmoid' ? hardSigmoid : tf.sigmoid;
}

export function refSimpleRnn(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  o: LoopOptions = {},
): tf.Tensor {
  const units = recurrentKernel.shape[0]!;
  return loop(
    (xt, [h]) => {
      let z = tf.add(tf.matMul(xt, kernel as tf.Tensor2D), tf.matMul(h!, recurrentKernel as tf.Tensor2D));
      if (bias !== null) z = tf.add(z, bias);
      return [tf.tanh(z) as tf.Tensor2D];
    },
    x,
    units,
    1,
    o,
  );
}

export function refLstm(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  o: LoopOptions & {
    recurrentActivation?: 'sigmoid' | 'hardSigmoid';
    peepholes?: { i: tf.Tensor; f: tf.Tensor; o: tf.Tensor } | null;
  } = {},
): tf.Tensor {
  const units = recurrentKernel.shape[0]!;
  const act = ract(o.recurrentActivation);
  const p = o.peepholes ?? null;
  return loop(
    (xt, [h, c]) => {
      let z = tf.add(tf.matMul(xt, kernel as tf.Tensor2D), tf.matMul(h!, recurrentKernel as tf.Tensor2D));
      if (bias !== null) z = tf.add(z, bias);
      const [z0, z1, z2, z3] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const i = act(p === null ? z0 : tf.add(z0, tf.mul(p.i, c!)));
      const f = act(p === null ? z1 : tf.add(z1, tf.mul(p.f, c!)));
      const cn = tf.add(tf.mul(f, c!), tf.mul(i, tf.tanh(z2)));
      const og = act(p === null ? z3 : tf.add(z3, tf.mul(p.o, cn)));
      return [tf.mul(og, tf.tanh(cn)) as tf.Tensor2D, cn as tf.Tensor2D];
    },
    x,
    units,
    2,
    o,
  );
}

export function refGru(
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
  o: LoopOptions & { recurrentActivation?: 'sigmoid' | 'hardSigmoid'; resetAfter?: boolean } = {},
): tf.Tensor {
  const units = recurrentKernel.shape[0]!;
  const act = ract(o.recurrentActivation);
  const resetAfter = o.resetAfter ?? true;
  const rk = recurrentKernel as tf.Tensor2D;
  return loop(
    (xt, [h]) => {
      let mx = tf.matMul(xt, kernel as tf.Tensor2D) as tf.Tensor;
      let inputBias: tf.Tensor | null = null;
      let recurrentBias: tf.Tensor | null = null;
      if (bias !== null) {
        if (resetAfter) [inputBias, recurrentBias] = tf.unstack(bias, 0) as [tf.Tensor, tf.Tensor];
        else inputBias = bias;
      }
      if (inputBias !== null) mx = tf.add(mx, inputBias);
      const [xz, xr, xh] = tf.split(mx, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      let hh: tf.Tensor;
      let z: tf.Tensor;
      if (resetAfter) {
        let inner = tf.matMul(h!, rk) as tf.Tensor;
        if (recurrentBias !== null) inner = tf.add(inner, recurrentBias);
        const [iz, ir, ih] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        z = act(tf.add(xz, iz));
        const r = act(tf.add(xr, ir));
        hh = tf.tanh(tf.add(xh, tf.mul(r, ih)));
      } else {
        const inner = tf.matMul(h!, tf.slice(rk, [0, 0], [units, 2 * units]));
        const [iz, ir] = tf.split(inner, 2, 1) as [tf.Tensor, tf.Tensor];
        z = act(tf.add(xz, iz));
        const r = act(tf.add(xr, ir));
        hh = tf.tanh(
          tf.add(xh, tf.matMul(tf.mul(r, h!) as tf.Tensor2D, tf.slice(rk, [0, 2 * units], [units, units]))),
        );
      }
      return [tf.add(tf.mul(z, h!), tf.mul(tf.sub(1, z), hh)) as tf.Tensor2D];
    },
    x,
    units,
    1,
    o,
  );
}

/** Deterministic values in (-scale, scale) from a small LCG. */
export function values(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

export function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
      scale,
    ),
    shape,
  );
}

/** A [B,T] 0/1 mask: row 0 keeps all, then pre-padding of growing length, one row fully masked when B > 2. */
export function padMask(B: number, T: number, dtype: 'float32' | 'bool' = 'float32'): tf.Tensor {
  const m = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const pad = b === 2 ? T : b % T;
    for (let t = 0; t < T; t++) m[b * T + t] = t >= pad ? 1 : 0;
  }
  // An inner gap, too: masked steps between kept ones.
  if (B > 1 && T > 3) m[1 * T + T - 2] = 0;
  return dtype === 'bool'
    ? tf.tensor(
        Array.from(m, (v) => v !== 0),
        [B, T],
        'bool',
      )
    : tf.tensor(m, [B, T]);
}

/** max |a − e| / (1 + |e|) over all values, asserted ≤ tol; same shapes. */
export function expectAllClose(actual: tf.Tensor, expected: tf.Tensor, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!) / (1 + Math.abs(e[i]!)));
  expect(worst).toBeLessThanOrEqual(tol);
}

type Op = (inputs: tf.Tensor[]) => tf.Tensor;

/**
 * Compares a fused op with its reference: forward within `forwardTol`, and `tf.grads` with respect to every input
 * (of `sum(output ⊙ w)` for a fixed random `w`) within `gradTol`. Checks that no tensor leaks.
 */
export function compareOps(
  fused: Op,
  reference: Op,
  inputs: () => tf.Tensor[],
  forwardTol = 1e-5,
  gradTol = 1e-4,
) {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const xs = inputs();
    const yFused = fused(xs);
    const yRef = reference(xs);
    expectAllClose(yFused, yRef, forwardTol);
    const w = rand(yRef.shape, 99);
    const loss =
      (op: Op) =>
      (...args: tf.Tensor[]) =>
        tf.sum(tf.mul(op(args), w));
    const gFused = tf.grads(loss(fused))(xs);
    const gRef = tf.grads(loss(reference))(xs);
    expect(gFused.length).toBe(gRef.length);
    gFused.forEach((g, i) => {
      expectAllClose(g, gRef[i]!, gradTol);
    });
  });
  expect(tf.memory().numTensors).toBe(before);
}

/** The error `f` throws (fails the test when it returns). */
export function thrown(f: () => unknown): FusedRnnError {
  try {
    f();
  } catch (e) {
    return e as FusedRnnError;
  }
  throw new Error('expected a throw');
}
