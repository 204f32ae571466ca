// What lives as long as a gradient tape: the tape that may run an op's backward, and the forward's buffers kept
// in the module's memory for that backward until it runs or the tape ends.
import * as tf from '@tensorflow/tfjs-core';
import type { Placed, Saved } from './_layout.js';
import { arenaOf, fusedExports } from './_module.js';
import { FusedRnnError } from './errors.js';

/** A gradient tape: the engine's `activeTape` array, one per outermost `tf.grads`/`tf.variableGrads` call. */
export type Tape = object;

interface EngineInternals {
  isTapeOn(): boolean;
  state: { activeTape: Tape | null };
}

const engineInternals = (): EngineInternals => tf.engine() as unknown as EngineInternals;

/**
 * Whether a gradient can reach `t`: a variable only when trainable (`tf.variableGrads`, and so
 * `optimizer.minimize` and `model.fit`, differentiate trainable variables only); any other tensor may be one of
 * `tf.grads`' xs, or computed from one.
 */
function mayNeedGradient(t: tf.Tensor): boolean {
  return !(t instanceof tf.Variable) || t.trainable;
}

/**
 * The tape that records an op on `inputs` now and may run its backward, or null: no tape records (`predict`,
 * `evaluate`, a call inside another kernel), or no input can receive a gradient (a frozen layer on frozen
 * inputs). Read before the op runs: inside it, tfjs reports the tape off.
 */
export function recordingTape(inputs: tf.Tensor[]): Tape | null {
  const engine = engineInternals();
  if (!engine.isTapeOn() || !inputs.some(mayNeedGradient)) return null;
  return engine.state.activeTape;
}

/**
 * Returns to the allocator the forwards' buffers kept for a backward that can no longer run: their tape ended
 * (tfjs drops the tape when the outermost `tf.grads`/`tf.variableGrads` returns, and starts a new one with the
 * next). Every fused op's allocation calls it first, so a tape's leftovers never outlive the next op.
 */
export function releaseEndedTapes(): void {
  if (held.size === 0) return;
  const active = engineInternals().state.activeTape;
  for (const entry of held) if (entry.tape !== active) entry.release();
}

interface Held {
  tape: Tape;
  release: () => void;
}

/** Forwards' blocks kept for a backward, with the tape that may run it. */
const held = new Set<Held>();

// A safety net only: a kept block whose owner was dropped while its tape still runs (the tape's end releases it).
const unclaimed = new FinalizationRegistry<() => void>((free) => free());

/**
 * Keeps the forward's block (and so the buffers named in `keys`) for the backward while `tape` runs, and returns it
 * to the module's allocator otherwise: at once when `tape` is null (no gradient can need it), else when the
 * backward takes it or when the tape ends ({@link releaseEndedTapes}), whichever comes first. The returned function
 * hands the buffers over once; on a forward that kept nothing (a gradient nobody could foresee, e.g. `tf.grads`
 * with respect to a non-trainable variable) it runs `forwardPass` again; a second backward throws.
 */
export function saveForBackward<K extends string>(
  op: string,
  placed: Placed<K>,
  keys: readonly K[],
  tape: Tape | null,
  forwardPass: () => Placed<K>,
): () => Saved<K> {
  const arena = arenaOf(fusedExports());
  const savedOf = (p: Placed<K>): Saved<K> => {
    const saved: Saved<K> = { at: {} as Record<K, number>, size: {} as Record<K, number>, block: p.block };
    for (const key of keys) {
      saved.at[key] = p.at[key];
      saved.size[key] = p.size[key];
    }
    return saved;
  };
  if (tape === null) {
    arena.releaseLater(placed.block);
    return () => savedOf(forwardPass());
  }
  const saved = savedOf(placed);
  const state = { done: false };
  const entry: Held = {
    tape,
    release: () => {
      if (state.done) return;
      state.done = true;
      held.delete(entry);
      unclaimed.unregister(state);
      arena.releaseLater(saved.block);
    },
  };
  held.add(entry);
  const take = (): Saved<K> => {
    if (state.done) {
      throw new FusedRnnError(
        'INVALID_OPTION',
        `${op}: expected one backward pass per recorded forward, while its tape runs; got a second one.`,
      );
    }
    // The backward returns the block (placeBackward): only the bookkeeping ends here.
    state.done = true;
    held.delete(entry);
    unclaimed.unregister(state);
    return saved;
  };
  const block = saved.block;
  unclaimed.register(
    take,
    () => {
      if (!state.done) {
        state.done = true;
        held.delete(entry);
        arena.releaseLater(block);
      }
    },
    state,
  );
  return take;
}

/** What the fused kernels hold in their WebAssembly memory (which never shrinks), in bytes. */
export interface FusedMemoryStats {
  /** Size of the module's memory. */
  memoryBytes: number;
  /** Bytes in blocks in use (forwards kept for a backward, mostly), after releasing what can be released. */
  inUseBytes: number;
  /** Forwards kept for a backward whose tape still runs. */
  heldForwards: number;
}

/**
 * The fused kernels' memory use, after returning what no backward can need any more: for tests and diagnostics
 * (a training loop whose `inUseBytes` grows leaks activations).
 *
 * @example
 * ```ts
 * const { memoryBytes, inUseBytes } = fusedMemoryStats();
 * ```
 */
export function fusedMemoryStats(): FusedMemoryStats {
  releaseEndedTapes();
  const arena = arenaOf(fusedExports());
  arena.flush();
  return { ...arena.stats(), heldForwards: held.size };
}
