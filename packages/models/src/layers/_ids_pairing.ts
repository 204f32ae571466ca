// The explicit pairing of an ids layer (Embedding, OneHot) with the fused recurrent layers that read its output.
// The model graph decides it: a producer hands its ids to the layers its output feeds in the graph (directly, or
// inside a Bidirectional wrapper), and nothing else. A consumer uses them only for that very output, made under
// the gradient tape it runs under now; any other input (a layer in between, a plain tensor, `tf.grad` with respect
// to the producer's output) takes the general path, where the gradient reaches the input itself.
//
// Inside a model's training step ({@link readingIds}) a producer whose every reader agrees to read the ids for
// this call ({@link IdsConsumer.willReadIds}) skips its own values (tfjs' gather, or the one-hot floats, that
// nobody would read) and returns a stand-in of the output's shape; a reader that falls back after all asks for the
// values then ({@link valuesOf}), made under the same tape, so the results stay those of the stock path.
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

/** What a producer asks its readers before it skips its values: the call's ids and table, and the mode. */
export interface IdsOffer {
  /** The Embedding or OneHot layer asking. */
  producer: tfl.layers.Layer;
  /** The producer's input: ids `[batch, steps]`. */
  ids: tf.Tensor;
  /** The embedding table, or null for one-hot ids. */
  table: tf.Tensor | null;
  /** Whether the call is in training mode (the model's `training` argument, which every layer gets). */
  training: boolean;
}

/** A layer that can read an ids producer's output through its ids (the seqlab recurrent layers). */
export interface IdsConsumer {
  /** Takes the ids behind the producer's latest output (replacing that producer's previous lookup). */
  offerIds(lookup: IdsLookup): void;
  /**
   * Optional: whether this layer's next call on the producer's output will read the ids, and never the values.
   * Answering true lets the producer skip its values; a layer that falls back after all gets them from
   * {@link valuesOf}, so a wrong answer costs time, not results.
   */
  willReadIds?(offer: IdsOffer): boolean;
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

/** The model whose training step runs now ({@link readingIds}), or null. */
let trainingModel: tfl.LayersModel | null = null;

/**
 * Runs `step` — one training step of `model` that tfjs built (its train function: the model's graph, the loss and
 * the optimizer, no user code) — with the ids agreement on: an Embedding or OneHot layer of `model` whose readers
 * all agree to read its ids returns a stand-in instead of its values. Anything outside (predict, evaluate, a layer
 * called by hand, `tf.grad`) gets the values as before.
 * @internal
 */
export function readingIds<R>(model: tfl.LayersModel, step: () => R): R {
  const previous = trainingModel;
  trainingModel = model;
  try {
    return step();
  } finally {
    trainingModel = previous;
  }
}

/** tfjs-layers' graph fields (`Layer.inboundNodes`/`outboundNodes`, `Node`). */
interface GraphNode {
  outboundLayer: tfl.layers.Layer;
  inputTensors: unknown[];
  callArgs?: Record<string, unknown> | null;
}
interface GraphLayer {
  inboundNodes: unknown[];
  outboundNodes: GraphNode[];
}

/**
 * Whether every reader of `offer.producer`'s output in the model training now agrees to read the ids: the producer
 * is one of the model's layers, applied once and not a model output, and each layer its output feeds (or both
 * layers of a `Bidirectional` there) takes it as its only input and answers {@link IdsConsumer.willReadIds} true.
 */
function readersAgree(offer: IdsOffer): boolean {
  const model = trainingModel;
  const producer = offer.producer as unknown as GraphLayer;
  if (model === null || !model.layers.includes(offer.producer)) return false;
  if (producer.inboundNodes.length !== 1 || producer.outboundNodes.length === 0) return false;
  if (model.outputs.some((o) => o.sourceLayer === offer.producer)) return false;
  for (const node of producer.outboundNodes) {
    if (node.inputTensors.length !== 1 || node.callArgs?.['initialState'] != null) return false;
    const layer = node.outboundLayer as unknown as Record<string, unknown>;
    const readers = isIdsConsumer(layer)
      ? [layer]
      : node.outboundLayer.getClassName() === 'Bidirectional'
        ? [layer['forwardLayer'], layer['backwardLayer']]
        : [];
    if (readers.length === 0) return false;
    for (const reader of readers) {
      if (!isIdsConsumer(reader) || reader.willReadIds?.(offer) !== true) return false;
    }
  }
  return true;
}

/** Stand-ins handed out, and how to make the values they stand for. */
const standIns = new WeakMap<tf.Tensor, () => tf.Tensor>();

/** A tensor of `shape` whose values are never read: uninitialised memory where the backend allows, else zeros. */
function uninitialised(shape: number[], dtype: tf.DataType): tf.Tensor {
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') return tf.zeros(shape, dtype);
  const engine = tf.engine();
  const dataId = engine.backend.write(null as unknown as tf.BackendValues, shape, dtype);
  return engine.makeTensorFromDataId(dataId, shape, dtype, engine.backend);
}

/**
 * An ids producer's output for this call: `values()` (its stock computation), or, inside {@link readingIds} when
 * every reader agrees to read the ids ({@link readersAgree}), a stand-in `[...ids.shape, depth]` of `dtype` whose
 * values are made by `values()` only if a reader asks ({@link valuesOf}).
 */
export function idsOutput(
  producer: tfl.layers.Layer,
  ids: tf.Tensor,
  table: tf.Tensor | null,
  kwargs: Record<string, unknown> | undefined,
  depth: number,
  dtype: tf.DataType,
  values: () => tf.Tensor,
): tf.Tensor {
  const offer: IdsOffer = { producer, ids, table, training: kwargs?.['training'] === true };
  if (ids.rank !== 2 || ids.dtype === 'string' || !readersAgree(offer)) return values();
  const standIn = uninitialised([...ids.shape, depth], dtype);
  let made: tf.Tensor | null = null;
  standIns.set(standIn, () => {
    // Made once (two readers of a Bidirectional), again if the first reader's scope freed it.
    if (made === null || made.isDisposed) made = values();
    return made;
  });
  return standIn;
}

/** Whether `x` is a producer's stand-in (see {@link idsOutput}). */
export function isStandIn(x: tf.Tensor): boolean {
  return standIns.has(x);
}

/**
 * `x` itself, or, when `x` is a producer's stand-in, the values it stands for — for a reader that does not read the
 * ids after all: made now, under the tape recording now, so their gradient reaches the producer's weights.
 */
export function valuesOf(x: tf.Tensor): tf.Tensor {
  const make = standIns.get(x);
  return make === undefined ? x : make();
}

/**
 * A reader's inputs for one call: as given when this call reads its producer's ids (`readsIds`), else with a
 * stand-in first input replaced by its values ({@link valuesOf}).
 */
export function inputsFor<T extends tf.Tensor | tf.Tensor[]>(inputs: T, readsIds: boolean): T {
  const x = Array.isArray(inputs) ? inputs[0]! : (inputs as tf.Tensor);
  if (readsIds || !isStandIn(x)) return inputs;
  const values = valuesOf(x);
  return (Array.isArray(inputs) ? [values, ...inputs.slice(1)] : values) as T;
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
