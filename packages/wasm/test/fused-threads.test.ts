import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helperPool, setHelperPickUpTimeout } from '../src/fused/_threads.js';
import {
  FusedRnnError,
  fusedGru,
  fusedLstm,
  fusedSimpleRnn,
  fusedThreads,
  initWasm,
  setFusedThreads,
} from '../src/index.js';
import { padMask, rand, values } from './fused-reference.js';

type Op = 'lstm' | 'gru' | 'gruV1' | 'rnn' | 'rnnIds' | 'lstmEmbed' | 'peephole';

interface Case {
  op: Op;
  B: number;
  T: number;
  F: number;
  U: number;
  mask?: boolean;
  dropout?: boolean;
  goBackwards?: boolean;
  returnSequences?: boolean;
}

const GATES: Record<Op, number> = { lstm: 4, peephole: 4, lstmEmbed: 4, gru: 3, gruV1: 3, rnn: 1, rnnIds: 1 };
const V = 11;

/** The op's output and its gradients with respect to every differentiated input, as float32 arrays. */
function run(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const G = GATES[c.op];
    const ids = c.op === 'rnnIds' || c.op === 'lstmEmbed';
    const x = ids
      ? tf.tensor2d(
          Int32Array.from({ length: c.B * c.T }, (_, i) => (i * 7 + 3) % V),
          [c.B, c.T],
          'int32',
        )
      : rand([c.B, c.T, c.F], 1);
    const table = rand([V, c.F], 9, 0.8);
    const kernel = rand([c.op === 'rnnIds' ? V : c.F, G * c.U], 2, 0.5);
    const recurrent = rand([c.U, G * c.U], 3, 0.5);
    const bias = rand(c.op === 'gru' ? [2, G * c.U] : [G * c.U], 4, 0.3);
    const peep = [rand([c.U], 5, 0.3), rand([c.U], 6, 0.3), rand([c.U], 7, 0.3)];
    const opts = {
      returnSequences: c.returnSequences ?? false,
      goBackwards: c.goBackwards ?? false,
      mask: c.mask ? padMask(c.B, c.T) : null,
      inputMask: c.dropout
        ? tf.tensor2d(
            Array.from(values(c.B * c.F, 8), (v) => (v > -0.3 ? 1.25 : 0)),
            [c.B, c.F],
          )
        : null,
      inputGradient: c.op !== 'rnnIds',
    };
    // A weighted sum, so every output position gets its own gradient.
    const weight = (y: tf.Tensor) => tf.sum(tf.mul(y, rand(y.shape, 10)));
    const wrt: tf.Tensor[] = [];
    let f: (...ts: tf.Tensor[]) => tf.Tensor;
    switch (c.op) {
      case 'lstm':
        wrt.push(x, kernel, recurrent, bias);
        f = (xx, k, r, b) => fusedLstm(xx!, k!, r!, b!, opts);
        break;
      case 'peephole':
        wrt.push(x, kernel, recurrent, bias, ...peep);
        f = (xx, k, r, b, i, ff, o) =>
          fusedLstm(xx!, k!, r!, b!, { ...opts, peepholes: { i: i!, f: ff!, o: o! } });
        break;
      case 'lstmEmbed':
        wrt.push(table, kernel, recurrent, bias);
        f = (e, k, r, b) => fusedLstm(x, k!, r!, b!, { ...opts, embeddings: e!, inputMask: null });
        break;
      case 'gru':
        wrt.push(x, kernel, recurrent, bias);
        f = (xx, k, r, b) => fusedGru(xx!, k!, r!, b!, { ...opts, resetAfter: true });
        break;
      case 'gruV1':
        wrt.push(x, kernel, recurrent, bias);
        f = (xx, k, r, b) => fusedGru(xx!, k!, r!, b!, { ...opts, resetAfter: false });
        break;
      case 'rnn':
        wrt.push(x, kernel, recurrent, bias);
        f = (xx, k, r, b) => fusedSimpleRnn(xx!, k!, r!, b!, opts);
        break;
      case 'rnnIds':
        wrt.push(kernel, recurrent, bias);
        f = (k, r, b) => fusedSimpleRnn(x, k!, r!, b!, { ...opts, inputMask: null });
        break;
    }
    const y = f(...wrt);
    const grads = tf.grads((...ts: tf.Tensor[]) => weight(f(...ts)))(wrt);
    return [y, ...grads].map((t) => Float32Array.from(t.dataSync()));
  });
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer));

/** max |a − e| / (1 + max |e|) over one gradient. */
function worst(a: Float32Array, e: Float32Array): number {
  let scale = 0;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let w = 0;
  for (let i = 0; i < e.length; i++) w = Math.max(w, Math.abs(a[i]! - e[i]!));
  return w / (1 + scale);
}

const CASES: Case[] = [
  { op: 'lstm', B: 1, T: 5, F: 3, U: 4 },
  { op: 'lstm', B: 3, T: 6, F: 5, U: 7, mask: true, returnSequences: true },
  { op: 'lstm', B: 65, T: 9, F: 16, U: 8, dropout: true, goBackwards: true },
  {
    op: 'lstm',
    B: 65,
    T: 7,
    F: 4,
    U: 5,
    mask: true,
    dropout: true,
    goBackwards: true,
    returnSequences: true,
  },
  { op: 'peephole', B: 3, T: 6, F: 3, U: 6, mask: true },
  { op: 'lstmEmbed', B: 65, T: 8, F: 6, U: 8, mask: true, returnSequences: true },
  { op: 'gru', B: 1, T: 4, F: 3, U: 5, returnSequences: true },
  { op: 'gru', B: 65, T: 8, F: 5, U: 6, mask: true, dropout: true, goBackwards: true },
  { op: 'gruV1', B: 3, T: 7, F: 4, U: 9, mask: true, returnSequences: true },
  { op: 'rnn', B: 1, T: 5, F: 4, U: 3 },
  {
    op: 'rnn',
    B: 65,
    T: 9,
    F: 6,
    U: 10,
    mask: true,
    dropout: true,
    goBackwards: true,
    returnSequences: true,
  },
  { op: 'rnnIds', B: 3, T: 6, F: 0, U: 7, mask: true },
  { op: 'rnnIds', B: 65, T: 5, F: 0, U: 4, goBackwards: true, returnSequences: true },
];

describe('fused kernels on two threads', () => {
  beforeAll(async () => {
    await initWasm({ threads: 1 });
  });
  afterAll(async () => {
    await setFusedThreads(1);
  });

  it.each(CASES)('%o: forward bit for bit, gradients within rounding, repeatable', async (c) => {
    await setFusedThreads(1);
    const one = run(c);
    await setFusedThreads(2);
    expect(helperPool()).not.toBeNull();
    const before = tf.memory().numTensors;
    const two = run(c);
    const again = run(c);
    expect(tf.memory().numTensors).toBe(before);
    expect(bits(two[0]!)).toEqual(bits(one[0]!));
    for (let i = 1; i < one.length; i++) {
      expect(bits(again[i]!)).toEqual(bits(two[i]!));
      expect(worst(two[i]!, one[i]!)).toBeLessThanOrEqual(2e-6);
    }
  });

  it('a batch split in two halves differs from one thread only by the order of the weight-gradient sums', async () => {
    // Not all gradients are equal bit for bit: the split changes how dW's per-row terms are summed. That difference
    // is what the tolerance above allows; here it is nonzero, so the split really ran.
    const c: Case = { op: 'lstm', B: 65, T: 9, F: 16, U: 8 };
    await setFusedThreads(1);
    const one = run(c);
    await setFusedThreads(2);
    const two = run(c);
    expect(bits(two[2]!)).not.toEqual(bits(one[2]!));
  });

  it("reports an error in the helper's half as a THREAD_FAILED error, and keeps working", async () => {
    await setFusedThreads(2);
    const pool = helperPool()!;
    let local = false;
    // lstmForward over 1 row with buffers far beyond the memory: the wasm trap is the helper's.
    const args = [1, 2, 4, 4, 4, 2 ** 31, 2 ** 31, 0, 2 ** 31, 0, 0, 0, 2 ** 31, 2 ** 31, 2 ** 31, 2 ** 31];
    let error: unknown;
    try {
      pool.run('lstmForward', args, () => {
        local = true;
      });
    } catch (e) {
      error = e;
    }
    expect(local).toBe(true);
    expect(error).toBeInstanceOf(FusedRnnError);
    expect((error as FusedRnnError).code).toBe('THREAD_FAILED');
    expect((error as FusedRnnError).message).toBe(
      "The fused kernels' helper thread failed in lstmForward (rows of the batch's second half): " +
        'RuntimeError: memory access out of bounds',
    );
    const c: Case = { op: 'lstm', B: 3, T: 4, F: 3, U: 4 };
    expect(run(c)[0]!.length).toBe(3 * 4);
  });

  it('reports a helper that does not pick up a call within the timeout, instead of hanging', async () => {
    await setFusedThreads(2);
    const pool = helperPool()!;
    const previous = setHelperPickUpTimeout(200);
    try {
      // The helper is ended behind the pool's back.
      await (pool as unknown as { thread: { terminate(): Promise<void> } }).thread.terminate();
      expect(() => run({ op: 'lstm', B: 4, T: 3, F: 2, U: 4 })).toThrow(
        "The fused kernels' helper thread did not pick up lstmForward within 200 ms: expected a running helper, " +
          'got none (it ended or was never scheduled). Use setFusedThreads(1) or restart.',
      );
    } finally {
      setHelperPickUpTimeout(previous);
      await setFusedThreads(1);
    }
    expect(helperPool()).toBeNull();
    await setFusedThreads(2);
    expect(run({ op: 'lstm', B: 4, T: 3, F: 2, U: 4 })[0]!.length).toBe(16);
  });

  it("chooses and says why: 1 on request, 2 on request, 'auto' by cores and load", async () => {
    expect(await setFusedThreads(1)).toEqual({ threads: 1, reason: '1 thread: asked for 1' });
    expect(helperPool()).toBeNull();
    expect(await setFusedThreads(3)).toEqual({
      threads: 2,
      reason: '2 threads: asked for 3, kernels split in two at most',
    });
    expect(fusedThreads().threads).toBe(2);
    const auto = await setFusedThreads('auto');
    expect(auto.reason).toMatch(/^[12] threads?: auto, \d+ cores, load \d+\.\d\d/);
    expect(helperPool() === null).toBe(auto.threads === 1);
    await expect(setFusedThreads(0)).rejects.toThrow(
      "setFusedThreads: threads must be a positive integer or 'auto', got 0.",
    );
    await setFusedThreads(1);
  });
});

describe('the helper thread and process exit', () => {
  it('a process that trained on two threads exits by itself', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import { initWasm, fusedLstm } from ${JSON.stringify(dist)};
      const info = await initWasm({ threads: 2 });
      const x = tf.ones([4, 3, 2]);
      const y = fusedLstm(x, tf.ones([2, 8]), tf.ones([2, 8]), tf.zeros([8]));
      console.log(info.fusedThreads.threads, y.shape.join('x'));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('2 4x2\n');
  });
});
