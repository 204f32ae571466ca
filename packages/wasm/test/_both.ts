import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initWasm } from '../src/index.js';

export interface Result {
  shape: number[];
  dtype: string;
  values: number[];
}

/** Starts wasm (with seqlab's kernels) and registers the CPU backend next to it; leaves wasm active. */
export async function startBoth(): Promise<void> {
  await initWasm();
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('wasm');
}

async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const results = list.map((t) => ({
    shape: t.shape.slice(),
    dtype: t.dtype,
    values: Array.from(t.dataSync()),
  }));
  tf.dispose(list);
  expect(tf.memory().numTensors).toBe(before);
  return results;
}

/** Runs `f` on cpu and on wasm (inputs built inside `f`) and returns both results; wasm stays active. */
export async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Result[]; wasm: Result[] }> {
  const cpu = await runOn('cpu', f);
  const wasm = await runOn('wasm', f);
  return { cpu, wasm };
}

/** Same shapes and dtypes, values within `tol * (1 + |expected|)`. */
export function expectClose(actual: Result[], expected: Result[], tol: number): void {
  expect(actual.map((r) => [r.shape, r.dtype])).toEqual(expected.map((r) => [r.shape, r.dtype]));
  actual.forEach((r, i) => {
    const e = expected[i]!.values;
    expect(r.values.length).toBe(e.length);
    const worst = r.values.reduce((m, v, j) => Math.max(m, Math.abs(v - e[j]!) / (1 + Math.abs(e[j]!))), 0);
    expect(worst).toBeLessThanOrEqual(tol);
  });
}

export async function expectParity(f: () => tf.Tensor | tf.Tensor[], tol: number): Promise<Result[]> {
  const { cpu, wasm } = await onBoth(f);
  expectClose(wasm, cpu, tol);
  return wasm;
}
