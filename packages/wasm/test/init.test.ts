import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initWasm, WasmInitError } from '../src/index.js';

describe('initWasm in Node', () => {
  it('starts the wasm backend with SIMD on one thread', async () => {
    const info = await initWasm();
    expect(info).toMatchObject({
      backend: 'wasm',
      simd: true,
      threads: 1,
      version: '4.22.0',
      platform: 'node',
    });
    // The fused kernels stay on one thread unless asked (seeded numbers independent of the machine's load).
    expect(info.fusedThreads).toEqual({
      threads: 1,
      reason: "1 thread: the default (threads: 2 or 'auto' splits the kernels over two)",
    });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('returns the first result when called again', async () => {
    const [a, b] = await Promise.all([initWasm(), initWasm()]);
    expect(a).toBe(b);
  });

  it('rejects invalid options with a typed error', async () => {
    const { initWasm: fresh } = await import('../src/init.js?fresh' as string);
    await expect(fresh({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(fresh({ threads: 0 })).rejects.toBeInstanceOf(Error);
    expect(new WasmInitError('SIMD_UNAVAILABLE', 'x').code).toBe('SIMD_UNAVAILABLE');
  });

  it('registers gradients and chained ops, so the orthogonal initializer and backprop work', async () => {
    await initWasm();
    const w = tf.tidy(() => tfl.initializers.orthogonal({ gain: 1 }).apply([8, 8]));
    const wtw = tf.tidy(() => tf.matMul(w, w, true, false));
    const eye = tf.eye(8);
    expect(tf.max(tf.abs(tf.sub(wtw, eye))).dataSync()[0]).toBeLessThan(1e-5);
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(v)))(x);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([w, wtw, eye, x, g]);
  });
});
