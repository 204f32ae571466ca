import { expect, test } from 'vitest';
import { createStore } from './state.js';

test('subscribers get the current value, then only changes of what they selected', () => {
  const store = createStore({ a: 1, b: { x: 1 }, list: [1, 2] });
  const seenA: number[] = [];
  const seenPair: [number, number][] = [];
  store.subscribe(
    (s) => s.a,
    (a) => seenA.push(a),
  );
  const off = store.subscribe(
    (s) => [s.a, s.b.x] as [number, number],
    (pair) => seenPair.push(pair),
  );
  store.set({ b: { x: 1 } }); // a new object, same selected values: no call
  store.set((s) => ({ a: s.a + 1 }));
  off();
  store.set({ a: 5 });
  expect(seenA).toEqual([1, 2, 5]);
  expect(seenPair).toEqual([
    [1, 1],
    [2, 1],
  ]);
});

test('set replaces the state object, so an old snapshot stays as it was', () => {
  const store = createStore({ n: 0 });
  const before = store.get();
  store.set({ n: 1 });
  expect(before.n).toBe(0);
  expect(store.get().n).toBe(1);
});
