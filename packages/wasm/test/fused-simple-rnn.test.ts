import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { fusedSimpleRnn, initWasm } from '../src/index.js';
import { compareOps, padMask, rand, refSimpleRnn } from './fused-reference.js';

interface Case {
  B: number;
  T: number;
  F: number;
  U: number;
  bias?: boolean;
  returnSequences?: boolean;
  mask?: boolean;
  goBackwards?: boolean;
}

const CASES: Case[] = [
  { B: 1, T: 5, F: 3, U: 1 },
  { B: 3, T: 7, F: 4, U: 5, returnSequences: true },
  { B: 4, T: 6, F: 2, U: 3, mask: true },
  { B: 4, T: 6, F: 5, U: 8, mask: true, returnSequences: true, goBackwards: true },
  { B: 2, T: 3, F: 1, U: 6, bias: false, goBackwards: true },
  { B: 5, T: 9, F: 7, U: 13, returnSequences: true },
];

describe('fusedSimpleRnn equals the per-step tfjs loop (wasm backend)', () => {
  beforeAll(async () => {
    await initWasm();
    await tf.setBackend('wasm');
  });

  it.each(CASES)('%o', (c) => {
    const useBias = c.bias ?? true;
    const opts = { returnSequences: c.returnSequences ?? false, goBackwards: c.goBackwards ?? false };
    const mask = () => (c.mask ? padMask(c.B, c.T) : null);
    compareOps(
      ([x, k, r, b]) => fusedSimpleRnn(x!, k!, r!, useBias ? b! : null, { ...opts, mask: mask() }),
      ([x, k, r, b]) => refSimpleRnn(x!, k!, r!, useBias ? b! : null, { ...opts, mask: mask() }),
      () => {
        const xs = [rand([c.B, c.T, c.F], 1), rand([c.F, c.U], 2, 0.6), rand([c.U, c.U], 3, 0.6)];
        if (useBias) xs.push(rand([c.U], 4, 0.3));
        return xs;
      },
    );
  });
});
