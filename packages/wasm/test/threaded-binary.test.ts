import { describe, expect, it } from 'vitest';
import { threadedBinaryThreads } from '../src/index.js';

describe('threadedBinaryThreads (which tfjs binary initWasm starts in an isolated page)', () => {
  it("is tfjs-backend-wasm 4.22's XNNPACK pool: half the logical cores, at least 1, at most 8", () => {
    expect([1, 2, 3, 4, 5, 8, 16, 17, 64].map(threadedBinaryThreads)).toEqual([1, 1, 1, 2, 2, 4, 8, 8, 8]);
  });
});
