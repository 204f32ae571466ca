import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { chunkRanges, labelOf, type ProbeToken, prefixMatrix } from './lib/probe.js';

/** A model the Probe can run, with the vocabulary and length it was trained with. */
export interface ProbeModel {
  model: tfl.LayersModel;
  numWords: number;
  maxlen: number;
  /** `'ids'`: `[batch, maxlen]` word ids; `'one-hot'`: `[batch, maxlen, numWords]` float rows (the lesson's Ex2.h5). */
  inputKind: 'ids' | 'one-hot';
}

const cache = new Map<string, Promise<ProbeModel>>();

/**
 * Reads `numWords` (Embedding `inputDim`, one-hot depth, or the last input dimension of a model fed one-hot rows)
 * and `maxlen` (input length) off a loaded model.
 */
export function describeModel(model: tfl.LayersModel): ProbeModel {
  const shape = model.inputs[0]?.shape ?? [];
  // a Keras file with input [null, null] opened with the user's maxlen keeps it in the saved model's metadata
  const meta = (model.getUserDefinedMetadata() as { seqlab?: { maxlen?: unknown } } | undefined)?.seqlab;
  const maxlen = shape[1] ?? (typeof meta?.maxlen === 'number' ? meta.maxlen : undefined);
  if (shape.length === 3 && typeof maxlen === 'number' && typeof shape[2] === 'number')
    return { model, numWords: shape[2], maxlen, inputKind: 'one-hot' };
  let numWords: number | undefined;
  for (const layer of model.layers) {
    const config = layer.getConfig() as { inputDim?: number; depth?: number; numTokens?: number };
    numWords = config.inputDim ?? config.depth ?? config.numTokens;
    if (numWords !== undefined) break;
  }
  if (typeof maxlen !== 'number' || numWords === undefined) {
    throw new Error(
      `expected a model whose input is [batch, maxlen] word ids and whose first layer is an Embedding; got input shape ${JSON.stringify(model.inputs[0]?.shape)}`,
    );
  }
  return { model, numWords, maxlen, inputKind: 'ids' };
}

/** Loads (once) a model from a URL (`indexeddb://…`, an http path) or an IOHandler. */
export function loadProbeModel(key: string, source: string | tf.io.IOHandler = key): Promise<ProbeModel> {
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = tfl.loadLayersModel(source).then(describeModel);
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/** Makes an already loaded model (e.g. a Keras file just opened) available under `key`. */
export function rememberProbeModel(key: string, probe: ProbeModel): void {
  cache.set(key, Promise.resolve(probe));
}

export function forgetProbeModel(key: string): void {
  const pending = cache.get(key);
  cache.delete(key);
  pending?.then((m) => m.model.dispose()).catch(() => undefined);
}

/**
 * P(positive) after each word (all prefixes padded 'pre' to `maxlen` like training), predicted `chunk` rows at a
 * time with a pause between chunks, so a 5,000-word review never blocks the page; `onChunk` gets the values so far.
 * A softmax head (more than two classes) gives its class probabilities row after row (`k` values per word).
 */
export async function predictPrefixes(
  probe: ProbeModel,
  tokens: readonly ProbeToken[],
  options: {
    chunk?: number;
    signal?: AbortSignal;
    onChunk?: (probs: number[]) => void;
    /** The id before the first word: IMDB's start id 1, or `null` for a `TextVectorization` (none). @default 1 */
    startChar?: number | null;
  } = {},
): Promise<number[]> {
  const { chunk = 64, signal, onChunk, startChar = 1 } = options;
  const matrix = prefixMatrix(tokens, probe.maxlen, startChar);
  const width = probe.maxlen;
  const probs: number[] = [];
  for (const [start, end] of chunkRanges(tokens.length, chunk)) {
    signal?.throwIfAborted();
    const rows = matrix.data.subarray(start * width, end * width);
    const out = tf.tidy(() => {
      const ids = tf.tensor2d(rows, [end - start, width], 'int32');
      const x = probe.inputKind === 'one-hot' ? tf.cast(tf.oneHot(ids, probe.numWords), 'float32') : ids;
      return probe.model.predict(x) as tf.Tensor;
    });
    try {
      for (const p of await out.data()) probs.push(p);
    } finally {
      out.dispose();
    }
    onChunk?.(probs.slice());
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return probs;
}

export { labelOf };
