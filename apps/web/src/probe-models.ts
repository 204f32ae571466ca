import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { labelOf, type ProbeToken, prefixMatrix } from './lib/probe.js';

/** A model the Probe can run, with the vocabulary and length it was trained with. */
export interface ProbeModel {
  model: tfl.LayersModel;
  numWords: number;
  maxlen: number;
}

const cache = new Map<string, Promise<ProbeModel>>();

/** Reads `numWords` (Embedding `inputDim` or one-hot depth) and `maxlen` (input length) off a loaded model. */
export function describeModel(model: tfl.LayersModel): ProbeModel {
  const maxlen = model.inputs[0]?.shape[1];
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
  return { model, numWords, maxlen };
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

export function forgetProbeModel(key: string): void {
  const pending = cache.get(key);
  cache.delete(key);
  pending?.then((m) => m.model.dispose()).catch(() => undefined);
}

/** P(positive) after each word (one batched predict over all prefixes); the last value is the whole review's. */
export async function predictPrefixes(
  probe: ProbeModel,
  tokens: readonly ProbeToken[],
): Promise<Float32Array> {
  const matrix = prefixMatrix(tokens, probe.maxlen);
  const out = tf.tidy(
    () => probe.model.predict(tf.tensor2d(matrix.data, [...matrix.shape], 'int32')) as tf.Tensor,
  );
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

export { labelOf };
