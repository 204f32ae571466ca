// The fused paths that a model's graph decides for tfjs' own layers (Multiply, Add, Activation, pooling): an own
// `call` on the layer instance that handles the fused case and hands everything else to the class's `call`.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** Who put an own `call` on a layer. */
const OWNER = Symbol('interceptOwner');

/** The fused case of a layer's call: its output, or null for the layer's own path. */
export type FusedCall = (inputs: tf.Tensor | tf.Tensor[]) => tf.Tensor | null;

/** Whether `layer` has an own `call` put there by {@link interceptCall}. */
export function isIntercepted(layer: tfl.layers.Layer): boolean {
  const own = Object.getOwnPropertyDescriptor(layer, 'call')?.value as { [OWNER]?: string } | undefined;
  return own?.[OWNER] !== undefined;
}

/** Puts `fused` in front of `layer`'s call, marked with `owner` (for {@link releaseCall}). */
export function interceptCall(layer: tfl.layers.Layer, owner: string, fused: FusedCall): void {
  const own = Object.getPrototypeOf(layer).call as Call;
  const call: Call & { [OWNER]?: string } = (inputs, kwargs) =>
    fused(inputs) ?? own.call(layer, inputs, kwargs);
  call[OWNER] = owner;
  (layer as unknown as { call: Call }).call = call;
}

/** Takes the `call` that `owner` put on `layer` off again. */
export function releaseCall(layer: tfl.layers.Layer, owner: string): void {
  const own = Object.getOwnPropertyDescriptor(layer, 'call')?.value as { [OWNER]?: string } | undefined;
  if (own?.[OWNER] === owner) delete (layer as unknown as { call?: Call }).call;
}
