/** A minimal observable store: one state object, replaced (never mutated) on every change. */
export interface Store<S> {
  get(): S;
  /** Merges a partial state, or the partial an updater returns from the current state. */
  set(patch: Partial<S> | ((state: S) => Partial<S>)): void;
  /**
   * Calls `listener` with the selected value now and whenever it changes (shallow comparison for arrays and plain
   * objects). Returns the unsubscribe function.
   */
  subscribe<T>(select: (state: S) => T, listener: (value: T, state: S) => void): () => void;
}

function shallowEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S) => void>();
  return {
    get: () => state,
    set(patch) {
      const partial = typeof patch === 'function' ? patch(state) : patch;
      state = { ...state, ...partial };
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(select, listener) {
      let last = select(state);
      listener(last, state);
      const wrapped = (next: S) => {
        const value = select(next);
        if (shallowEqual(value, last)) return;
        last = value;
        listener(value, next);
      };
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
  };
}
