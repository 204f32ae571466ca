// fusedGatedBlock (WaveNet's gated residual block in one op) against the same block from tfjs ops: the skip and
// next outputs and the gradients for h and every weight, on the wasm backend and against the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fusedGatedBlock,
  fusedMemoryStats,
  fusedSumReluMaxPool,
  type GatedBlockWeights,
} from '../src/index.js';
import { expectClose, onBoth, startBoth } from './_both.js';
import { compareOps, rand, thrown } from './fused-reference.js';

/** A causal dilated Conv1D from tfjs ops that differentiate on every backend: left padding, one slice per tap. */
function refCausal(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null, dil: number): tf.Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  const [K, , F] = kernel.shape as [number, number, number];
  const padded = tf.pad(x, [
    [0, 0],
    [(K - 1) * dil, 0],
    [0, 0],
  ]);
  let y = tf.zeros([B * T, F]);
  for (let k = 0; k < K; k++) {
    const tap = tf.reshape(tf.slice(padded, [0, k * dil, 0], [B, T, C]), [B * T, C]) as tf.Tensor2D;
    y = tf.add(y, tf.matMul(tap, tf.reshape(tf.slice(kernel, [k, 0, 0], [1, C, F]), [C, F]) as tf.Tensor2D));
  }
  const out = tf.reshape(y, [B, T, F]);
  return bias === null ? out : tf.add(out, bias);
}

/** The block from tfjs ops, as Keras' layers compute it: [skip, next] (next null without a residual kernel). */
function refBlock(h: tf.Tensor, w: GatedBlockWeights, dil: number): [tf.Tensor, tf.Tensor | null] {
  const z = tf.mul(
    tf.tanh(refCausal(h, w.filterKernel, w.filterBias, dil)),
    tf.sigmoid(refCausal(h, w.gateKernel, w.gateBias, dil)),
  );
  const skip = refCausal(z, w.skipKernel, w.skipBias, 1);
  if (w.residualKernel === null) return [skip, null];
  return [skip, tf.add(h, refCausal(z, w.residualKernel, w.residualBias, 1))];
}

interface Case {
  B: number;
  T: number;
  C: number;
  F: number;
  S: number;
  K: number;
  dil: number;
  residual: boolean;
  bias: boolean;
}

/** The differentiated inputs of a case, h first, then the weights present, in GatedBlockWeights' order. */
function inputsOf(c: Case): tf.Tensor[] {
  const xs = [rand([c.B, c.T, c.C], 1), rand([c.K, c.C, c.F], 2, 0.7), rand([c.K, c.C, c.F], 3, 0.7)];
  xs.push(rand([1, c.F, c.S], 4, 0.7));
  if (c.residual) xs.push(rand([1, c.F, c.C], 5, 0.7));
  if (c.bias) {
    xs.push(rand([c.F], 6, 0.5), rand([c.F], 7, 0.5), rand([c.S], 8, 0.5));
    if (c.residual) xs.push(rand([c.C], 9, 0.5));
  }
  return xs;
}

function weightsOf(c: Case, xs: tf.Tensor[]): GatedBlockWeights {
  const n = c.residual ? 5 : 4;
  const biases = c.bias ? xs.slice(n) : [];
  return {
    filterKernel: xs[1]!,
    filterBias: biases[0] ?? null,
    gateKernel: xs[2]!,
    gateBias: biases[1] ?? null,
    skipKernel: xs[3]!,
    skipBias: biases[2] ?? null,
    residualKernel: c.residual ? xs[4]! : null,
    residualBias: c.residual ? (biases[3] ?? null) : null,
  };
}

/** Both outputs side by side (their gradients then come from different upstream weights). */
function joined(skip: tf.Tensor, next: tf.Tensor | null): tf.Tensor {
  return next === null ? skip : tf.concat([skip, next], 2);
}

const fusedOf = (c: Case) => (xs: tf.Tensor[]) => {
  const { skip, next } = fusedGatedBlock(xs[0]!, weightsOf(c, xs), { dilationRate: c.dil });
  return joined(skip, next);
};
const refOf = (c: Case) => (xs: tf.Tensor[]) => joined(...refBlock(xs[0]!, weightsOf(c, xs), c.dil));

describe('fusedGatedBlock', () => {
  beforeAll(startBoth);

  // Odd channel counts (not whole SIMD vectors), K = 1, 2, 3, dilations past the sequence (T below the receptive
  // field), a batch of one, more than 32 filters, and the last block (no residual).
  const cases: Case[] = [
    { B: 2, T: 11, C: 3, F: 5, S: 7, K: 2, dil: 1, residual: true, bias: true },
    { B: 1, T: 9, C: 5, F: 6, S: 3, K: 3, dil: 2, residual: true, bias: true },
    { B: 3, T: 6, C: 4, F: 8, S: 4, K: 2, dil: 8, residual: true, bias: true },
    { B: 2, T: 5, C: 6, F: 3, S: 5, K: 3, dil: 4, residual: false, bias: true },
    { B: 2, T: 13, C: 16, F: 16, S: 16, K: 2, dil: 4, residual: true, bias: false },
    { B: 1, T: 7, C: 5, F: 36, S: 9, K: 1, dil: 1, residual: true, bias: true },
    { B: 2, T: 8, C: 3, F: 4, S: 2, K: 1, dil: 3, residual: false, bias: false },
  ];
  for (const c of cases) {
    it(`skip, next and every gradient within 1e-5 of tfjs ops: ${JSON.stringify(c)}`, () => {
      compareOps(fusedOf(c), refOf(c), () => inputsOf(c), 1e-5, 1e-5);
    });
  }

  it('takes only the nonzero rows of a sparse skip gradient (behind a max over the steps): the same gradients', () => {
    // At most batch × skipChannels nonzero rows: a quarter of the rows or fewer takes the sparse path.
    const sparse: Case[] = [
      { B: 2, T: 40, C: 3, F: 5, S: 4, K: 2, dil: 3, residual: true, bias: true },
      { B: 1, T: 33, C: 6, F: 4, S: 3, K: 3, dil: 1, residual: false, bias: false },
    ];
    for (const c of [...sparse, cases[0]!]) {
      const pooled = (op: (xs: tf.Tensor[]) => [tf.Tensor, tf.Tensor | null]) => (xs: tf.Tensor[]) => {
        const [skip, next] = op(xs);
        const max = tf.reshape(tf.max(skip, 1), [-1]);
        return next === null ? max : tf.concat([max, tf.reshape(next, [-1])]);
      };
      compareOps(
        pooled((xs) => {
          const { skip, next } = fusedGatedBlock(xs[0]!, weightsOf(c, xs), { dilationRate: c.dil });
          return [skip, next];
        }),
        pooled((xs) => refBlock(xs[0]!, weightsOf(c, xs), c.dil)),
        () => inputsOf(c),
        1e-5,
        1e-5,
      );
    }
  });

  it('matches the tfjs ops on the cpu backend, forward and backward', async () => {
    const c = cases[1]!;
    const run = () => {
      const xs = inputsOf(c);
      const op = tf.getBackend() === 'wasm' ? fusedOf(c) : refOf(c);
      const w = rand([c.B, c.T, c.S + c.C], 99);
      const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(op(args), w)))(xs);
      return [op(xs), ...grads];
    };
    const { cpu, wasm } = await onBoth(run);
    expectClose(wasm, cpu, 1e-5);
  });

  it('trains with the module memory flat and no tensor leaked', () => {
    const c = cases[0]!;
    const xs = inputsOf(c);
    const vars = xs.slice(1).map((t) => tf.variable(t));
    const opt = tf.train.sgd(0.1);
    const step = () =>
      opt.minimize(() => {
        const w = weightsOf(c, [xs[0]!, ...vars]);
        const { skip, next } = fusedGatedBlock(xs[0]!, w, { dilationRate: c.dil });
        return tf.add(tf.mean(tf.square(skip)), tf.mean(tf.square(next!))) as tf.Scalar;
      });
    step();
    const memory = fusedMemoryStats();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(fusedMemoryStats()).toEqual(memory);
    expect(memory.heldForwards).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    // Predicting keeps nothing for a backward.
    tf.tidy(() => fusedGatedBlock(xs[0]!, weightsOf(c, [xs[0]!, ...vars]), { dilationRate: c.dil }).skip);
    expect(fusedMemoryStats().heldForwards).toBe(0);
    tf.dispose([...xs, ...vars]);
    opt.dispose();
  });

  it('rejects bad shapes with what was expected and what it got', () => {
    tf.tidy(() => {
      const c = cases[0]!;
      const xs = inputsOf(c);
      const w = weightsOf(c, xs);
      const error = (f: () => unknown) => {
        const e = thrown(f);
        return [e.code, e.message];
      };
      expect(error(() => fusedGatedBlock(xs[0]!, { ...w, skipKernel: rand([2, 5, 7], 1) }))).toEqual([
        'INVALID_SHAPE',
        'fusedGatedBlock: skipKernel must be a float32 tensor [1, 5, skipChannels] (a 1×1 convolution of the 5 ' +
          'filters), got float32 [2, 5, 7].',
      ]);
      expect(error(() => fusedGatedBlock(xs[0]!, { ...w, residualKernel: rand([1, 5, 4], 1) }))).toEqual([
        'INVALID_SHAPE',
        'fusedGatedBlock: residualKernel must be a float32 tensor [1, 5, 3] (a 1×1 convolution of the 5 filters), ' +
          'got float32 [1, 5, 4].',
      ]);
      expect(error(() => fusedGatedBlock(xs[0]!, { ...w, gateKernel: rand([2, 3, 4], 1) }))).toEqual([
        'INVALID_SHAPE',
        "fusedGatedBlock: gateKernel must be a float32 tensor [2, 3, 5] (filterKernel's shape), got float32 [2, 3, 4].",
      ]);
      expect(error(() => fusedGatedBlock(xs[0]!, { ...w, residualKernel: null }))).toEqual([
        'INVALID_SHAPE',
        'fusedGatedBlock: residualBias must be null when residualKernel is null, got float32 [3].',
      ]);
    });
  });
});

describe('fusedSumReluMaxPool', () => {
  beforeAll(startBoth);

  /** Keras' Add, ReLU and GlobalMaxPooling1D from tfjs ops. */
  const reference = (xs: tf.Tensor[]) => tf.max(tf.relu(xs.length === 1 ? xs[0]! : tf.addN(xs)), 1);

  for (const [n, shape] of [
    [4, [3, 9, 16]],
    [1, [1, 5, 3]],
    [3, [2, 1, 7]],
  ] as const) {
    it(`max over the steps of relu(the sum of ${n}) ${JSON.stringify(shape)}, and every gradient, within 1e-6 of tfjs ops`, () => {
      compareOps(
        (xs) => fusedSumReluMaxPool(xs),
        reference,
        () => Array.from({ length: n }, (_, i) => rand([...shape], 20 + i)),
        1e-6,
        1e-6,
      );
    });
  }

  it('sends the gradient to every step that holds a tied maximum, and none where the sum is not positive', () => {
    tf.tidy(() => {
      // [1, 4, 2]: channel 0 holds its maximum 2 at steps 1 and 3; channel 1 is never positive.
      const x = tf.tensor3d([
        [
          [1, -1],
          [2, -2],
          [0, -3],
          [2, 0],
        ],
      ]);
      const grads = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x);
      const fused = grads((t) => fusedSumReluMaxPool([t]));
      expect(Array.from(fused.dataSync())).toEqual(Array.from(grads((t) => reference([t])).dataSync()));
      expect(Array.from(fused.dataSync())).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
    });
  });

  it('rejects inputs of different shapes', () => {
    tf.tidy(() => {
      const e = thrown(() => fusedSumReluMaxPool([rand([2, 3, 4], 1), rand([2, 3, 5], 2)]));
      expect([e.code, e.message]).toEqual([
        'INVALID_SHAPE',
        "fusedSumReluMaxPool: inputs[1] must be a float32 tensor [2, 3, 4] (inputs[0]'s shape), got float32 [2, 3, 5].",
      ]);
    });
  });
});
