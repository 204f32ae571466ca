import type * as tf from '@tensorflow/tfjs-core';

/** A JSON value of a callback's state; non-finite numbers are written as the strings 'Infinity', '-Infinity', 'NaN'. */
export type StateValue = number | string | boolean | null;

/** What a callback must carry over to a resumed run: JSON values, and tensors (e.g. the best weights so far). */
export interface CallbackState {
  values: Record<string, StateValue>;
  /** Tensors of the state; `setState` takes ownership of those it is given. */
  tensors?: tf.Tensor[];
}

/** A callback whose state a resumed run restores ({@link saveTrainingState} / {@link loadTrainingState}). */
export interface StatefulCallback {
  /** The state now (tensors are the callback's own: read them, do not dispose them). */
  getState(): CallbackState;
  /** Restores a state; the next `onTrainBegin` keeps it instead of starting afresh. */
  setState(state: CallbackState): void;
}

export function encodeNumber(value: number | undefined): StateValue {
  if (value === undefined) return null;
  return Number.isFinite(value) ? value : String(value);
}

export function decodeNumber(value: StateValue | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  return Number(value);
}
