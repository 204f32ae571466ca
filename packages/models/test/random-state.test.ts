import { initWasm } from '@seqlab/wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, getRandomState, ModelsError, setRandomState } from '../src/index.js';

describe('getRandomState / setRandomState', () => {
  beforeAll(async () => {
    await initWasm();
  });

  it('names every seeded recurrent cell, wrapped ones included, and restores their positions', () => {
    const model = createModel('bidirectional-lstm', { numWords: 20, maxlen: 6, seed: 3 });
    const state = getRandomState(model);
    expect(Object.keys(state).sort()).toEqual([
      expect.stringMatching(/^bidirectional\/.*backward.*\/cell$/),
      expect.stringMatching(/^bidirectional\/.*forward.*\/cell$/),
    ]);
    expect(Object.values(state)).toEqual([0, 0]);
    const moved = Object.fromEntries(Object.keys(state).map((k, i) => [k, 5 + i]));
    setRandomState(model, moved);
    expect(getRandomState(model)).toEqual(moved);
    model.dispose();
  });

  it('refuses positions of another architecture with what it expected', () => {
    const model = createModel('gru', { numWords: 20, maxlen: 6, seed: 3 });
    expect(getRandomState(model)).toEqual({ 'gru/cell': 0 });
    const bads: Record<string, number>[] = [{}, { 'lstm/cell': 1 }, { 'gru/cell': -1 }, { 'gru/cell': 1.5 }];
    for (const bad of bads) {
      const error = (() => {
        try {
          setRandomState(model, bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ModelsError);
      expect((error as Error).message).toMatch(/expected the positions of the layers \[gru\/cell\]/);
    }
    model.dispose();
  });
});
