import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { fusedLstm, initWasm } from '../src/index.js';
import { compareOps, padMask, rand, refLstm } from './fused-reference.js';

interface Case {
  B: number;
  T: number;
  F: number;
  U: number;
  bias?: boolean;
  peepholes?: boolean;
  returnSequences?: boolean;
  mask?: 'float32' | 'bool';
  goBackwards?: boolean;
  recurrentActivation?: 'sigmoid' | 'hardSigmoid';
}

const CASES: Case[] = [
  { B: 1, T: 5, F: 3, U: 1 },
  { B: 1, T: 1, F: 2, U: 4, returnSequences: true },
  { B: 3, T: 7, F: 4, U: 5, returnSequences: true },
  { B: 4, T: 6, F: 5, U: 3, mask: 'float32' },
  { B: 4, T: 6, F: 2, U: 8, mask: 'bool', returnSequences: true, goBackwards: true },
  { B: 2, T: 5, F: 3, U: 6, bias: false },
  { B: 3, T: 6, F: 4, U: 5, peepholes: true },
  { B: 4, T: 5, F: 3, U: 7, peepholes: true, mask: 'float32', returnSequences: true },
  { B: 2, T: 6, F: 3, U: 9, peepholes: true, bias: false, goBackwards: true },
  { B: 3, T: 6, F: 4, U: 5, recurrentActivation: 'hardSigmoid', returnSequences: true },
  { B: 5, T: 8, F: 6, U: 12, recurrentActivation: 'hardSigmoid', peepholes: true, mask: 'float32' },
];

describe('fusedLstm equals the per-step tfjs loop (wasm backend)', () => {
  beforeAll(async () => {
    await initWasm();
    await tf.setBackend('wasm');
  });

  it.each(CASES)('%o', (c) => {
    const useBias = c.bias ?? true;
    const peep = c.peepholes ?? false;
    const opts = {
      returnSequences: c.returnSequences ?? false,
      goBackwards: c.goBackwards ?? false,
      recurrentActivation: c.recurrentActivation ?? 'sigmoid',
    };
    const mask = () => (c.mask === undefined ? null : padMask(c.B, c.T, c.mask));
    const split = (xs: tf.Tensor[]) => {
      const [x, k, r] = xs as [tf.Tensor, tf.Tensor, tf.Tensor];
      const rest = xs.slice(3);
      const b = useBias ? rest.shift()! : null;
      const peepholes = peep ? { i: rest[0]!, f: rest[1]!, o: rest[2]! } : null;
      return { x, k, r, b, peepholes };
    };
    compareOps(
      (xs) => {
        const { x, k, r, b, peepholes } = split(xs);
        return fusedLstm(x, k, r, b, { ...opts, peepholes, mask: mask() });
      },
      (xs) => {
        const { x, k, r, b, peepholes } = split(xs);
        return refLstm(x, k, r, b, { ...opts, peepholes, mask: mask() });
      },
      () => {
        const xs = [rand([c.B, c.T, c.F], 1), rand([c.F, 4 * c.U], 2, 0.6), rand([c.U, 4 * c.U], 3, 0.6)];
        if (useBias) xs.push(rand([4 * c.U], 4, 0.5));
        if (peep) xs.push(rand([c.U], 5, 0.5), rand([c.U], 6, 0.5), rand([c.U], 7, 0.5));
        return xs;
      },
    );
  });
});
