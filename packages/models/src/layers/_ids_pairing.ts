// The explicit pairing of an ids layer (Embedding, OneHot) with the fused recurrent layers that read its output.
// The model graph decides it: a producer hands its ids to the layers its output feeds in the graph (directly, or
// inside a Bidirectional wrapper), and nothing else. A consumer uses them only for that very output, made under
// the gradient tape it runs under now; any other input (a layer in between, a plain tensor, `tf.grad` with respect
// to the producer's output) takes the general path, where the gradient reaches the input itself.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What an ids layer hands the fused recurrent layers after it, for one call. */
export interface IdsLookup {
  /** The Embedding or OneHot layer that made `output`. */
  producer: tfl.layers.Layer;
  /** The producer's output that the ids stand for. */
  output: tf.Tensor;
  /** The producer's input: ids `[batch, steps]` (any numeric dtype; read as int32, as the producer casts them). */
  ids: tf.Tensor;
  /** The embedding table (a variable: its gradient comes from the fused kernel), or null for one-hot ids. */
  table: tf.Tensor | null;
  /** The gradient tape recording when the producer ran (null when none was), and its nesting depth. */
  tape: object | null;
  depth: number;
}

/** A layer that can read an ids producer's output through its ids (the seqlab recurrent layers). */
export interface IdsConsumer {
  /** Takes the ids behind the producer's latest output (replacing that producer's previous lookup). */
  offerIds(lookup: IdsLookup): void;
}

interface TapeState {
  state: { activeTape: object | null; gradientDepth: number };
}

function tapeNow(): { tape: object | null; depth: number } {
  const { state } = tf.engine() as unknown as TapeState;
  return state.gradientDepth > 0
    ? { tape: state.activeTape, depth: state.gradientDepth }
    : { tape: null, depth: 0 };
}

function isIdsConsumer(layer: unknown): layer is IdsConsumer {
  return typeof (layer as Partial<IdsConsumer> | null)?.offerIds === 'function';
}

/**
 * The layers reading `producer`'s outputs in the model graph that can take its ids: each layer its outbound nodes
 * lead to, or the forward and backward layers of a wrapper (tfjs' `Bidirectional`) there.
 */
export function idsConsumersOf(producer: tfl.layers.Layer): IdsConsumer[] {
  const out: IdsConsumer[] = [];
  for (const node of producer.outboundNodes) {
    const layer = node.outboundLayer as unknown as Record<string, unknown>;
    if (isIdsConsumer(layer)) out.push(layer);
    else {
      for (const inner of [layer['forwardLayer'], layer['backwardLayer']]) {
        if (isIdsConsumer(inner)) out.push(inner);
      }
    }
  }
  return out;
}

/**
 * Hands the ids `[batch, steps]` behind `output` (and the embedding table, if any) to the fused recurrent layers
 * that read `producer`'s output in the model graph. Nothing is kept alive: the lookup only refers to `ids`, which
 * the caller owns.
 */
export function offerIds(
  producer: tfl.layers.Layer,
  ids: tf.Tensor,
  output: tf.Tensor,
  table: tf.Tensor | null,
): void {
  if (ids.rank !== 2 || ids.dtype === 'string') return;
  const consumers = idsConsumersOf(producer);
  if (consumers.length === 0) return;
  const lookup: IdsLookup = { producer, output, ids, table, ...tapeNow() };
  for (const consumer of consumers) consumer.offerIds(lookup);
}

/**
 * The lookup among `lookups` (one per producer) that stands for `x` now — `x` is the output it was made for, its ids
 * are still there, and the tape recording now is the one that recorded the producer (so no gradient can be asked
 * for `x` itself) — else null.
 */
export function idsFor(lookups: Iterable<IdsLookup>, x: tf.Tensor): IdsLookup | null {
  for (const lookup of lookups) {
    if (lookup.output !== x || lookup.ids.isDisposed) continue;
    const now = tapeNow();
    return now.tape === lookup.tape && now.depth === lookup.depth ? lookup : null;
  }
  return null;
}
