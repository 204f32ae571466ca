import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { fusedGru, initWasm } from '../src/index.js';
import { compareOps, padMask, rand, refGru } from './fused-reference.js';

interface Case {
  B: number;
  T: number;
  F: number;
  U: number;
  resetAfter: boolean;
  bias?: boolean;
  returnSequences?: boolean;
  mask?: 'float32' | 'bool';
  goBackwards?: boolean;
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

const CASES: Case[] = [];
for (const resetAfter of [true, false]) {
  CASES.push(
    { B: 1, T: 5, F: 3, U: 1, resetAfter },
    { B: 3, T: 7, F: 4, U: 5, resetAfter, returnSequences: true },
    { B: 4, T: 6, F: 5, U: 3, resetAfter, mask: 'float32' },
    { B: 4, T: 6, F: 2, U: 8, resetAfter, mask: 'bool', returnSequences: true, goBackwards: true },
    { B: 2, T: 5, F: 3, U: 6, resetAfter, bias: false },
    { B: 3, T: 6, F: 4, U: 7, resetAfter, recurrentActivation: 'hardSigmoid', returnSequences: true },
    { B: 5, T: 8, F: 6, U: 13, resetAfter, mask: 'float32', goBackwards: true },
  );
}

describe('fusedGru equals the per-step tfjs loop (wasm backend)', () => {
  beforeAll(async () => {
    await initWasm();
    await tf.setBackend('wasm');
  });

  it.each(CASES)('%o', (c) => {
    const useBias = c.bias ?? true;
    const opts = {
      returnSequences: c.returnSequences ?? false,
      goBackwards: c.goBackwards ?? false,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
      resetAfter: c.resetAfter,
    };
    const mask = () => (c.mask === undefined ? null : padMask(c.B, c.T, c.mask));
    compareOps(
      ([x, k, r, b]) => fusedGru(x!, k!, r!, useBias ? b! : null, { ...opts, mask: mask() }),
      ([x, k, r, b]) => refGru(x!, k!, r!, useBias ? b! : null, { ...opts, mask: mask() }),
      () => {
        const xs = [rand([c.B, c.T, c.F], 1), rand([c.F, 3 * c.U], 2, 0.6), rand([c.U, 3 * c.U], 3, 0.6)];
        if (useBias) xs.push(rand(c.resetAfter ? [2, 3 * c.U] : [3 * c.U], 4, 0.5));
        return xs;
      },
    );
  });
});
