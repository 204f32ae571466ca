// Which tfjs binary the page and the worker start: the threaded one only where it computes with more than one thread.
import { expect, test } from 'vitest';
import { threadedBinaryThreads, useThreadedBinary } from './wasm-threads.js';

test("the threaded binary's threads: half the logical cores (tfjs' cap), at least 1, at most 8", () => {
  expect([1, 2, 3, 4, 5, 8, 16, 32].map(threadedBinaryThreads)).toEqual([1, 1, 1, 2, 2, 4, 8, 8]);
});

test('the threaded binary only in an isolated realm with two threads to compute with', () => {
  expect(useThreadedBinary(true, 2)).toBe(false); // this CI machine: one thread, so the SIMD binary
  expect(useThreadedBinary(true, 3)).toBe(false);
  expect(useThreadedBinary(true, 4)).toBe(true);
  expect(useThreadedBinary(false, 16)).toBe(false); // no SharedArrayBuffer without isolation
});
