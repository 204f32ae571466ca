import { resolve } from 'node:path';
import { inspectKerasModel, type KerasModelInfo, loadKerasModel, ModelsError } from '@seqlab/models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { FlagSpecs } from './args.js';
import { CliError, usageError } from './errors.js';

/** `--num-words` and `--maxlen` of `evaluate` and `predict`: what a Keras file's input may not say. */
export const KERAS_FILE_FLAGS = {
  'num-words': {
    type: 'number',
    integer: true,
    min: 3,
    description: 'for a Keras file whose input does not say it: its num_words',
  },
  maxlen: {
    type: 'number',
    integer: true,
    min: 1,
    description: 'for a Keras file whose input does not say it: its maxlen',
  },
} as const satisfies FlagSpecs;

/** A Keras model file (`Ex2.h5`, `model.keras`) rather than a run folder. */
export function isKerasFile(path: string): boolean {
  return /\.(h5|hdf5|keras)$/i.test(path);
}

/** A Keras file opened for the lesson's input: its sizes, read from the model where it can tell them. */
export interface KerasFileModel {
  file: string;
  info: KerasModelInfo;
  numWords: number;
  maxlen: number;
  load(): Promise<tfl.LayersModel>;
}

function modelsError(file: string, error: unknown): never {
  if (error instanceof ModelsError)
    throw new CliError(`KERAS_${error.code}`, `${file}: ${error.message}`, { cause: error });
  throw error;
}

/**
 * Opens a Keras file and settles `num_words` and `maxlen`: from the model's input (an `Embedding`'s `input_dim`, the
 * one-hot depth, the fixed step count), else from `--num-words` / `--maxlen`, else a usage error that asks for them.
 */
export async function openKerasFile(
  path: string,
  flags: { numWords?: number | undefined; maxlen?: number | undefined },
  cwd: string,
): Promise<KerasFileModel> {
  const file = resolve(cwd, path);
  let info: KerasModelInfo;
  try {
    info = await inspectKerasModel(file);
  } catch (error) {
    modelsError(path, error);
  }
  if (info.inputKind === undefined)
    throw new CliError(
      'KERAS_INPUT',
      `${path}: the model's input is not a sequence of word ids or of one-hot rows; seqlab can run it in code but ` +
        'not on review text.',
    );
  const numWords = info.numWords ?? flags.numWords;
  const maxlen = info.maxlen ?? flags.maxlen;
  if (numWords === undefined || maxlen === undefined) {
    const missing = [numWords === undefined ? '--num-words' : '', maxlen === undefined ? '--maxlen' : '']
      .filter(Boolean)
      .join(' and ');
    throw usageError(
      `${path} does not say its ${missing.replaceAll('--', '').replace('-', '_')}: pass ${missing}.`,
      'Use the values the model was trained with (the lesson: --num-words 500 --maxlen 100).',
    );
  }
  if (info.numWords !== undefined && flags.numWords !== undefined && flags.numWords !== info.numWords)
    throw usageError(
      `--num-words ${flags.numWords} does not match the model's vocabulary of ${info.numWords}.`,
    );
  return {
    file,
    info,
    numWords,
    maxlen,
    async load() {
      try {
        return await loadKerasModel(file);
      } catch (error) {
        modelsError(path, error);
      }
    },
  };
}

/** The model's input for padded ids: the ids themselves, or one-hot rows for the lesson's one-hot SimpleRNN. */
export function kerasInput(
  ids: Int32Array,
  shape: readonly [number, number],
  model: KerasFileModel,
): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.tensor2d(ids, [shape[0], shape[1]], 'int32');
    return model.info.inputKind === 'one-hot' ? tf.cast(tf.oneHot(x, model.numWords), 'float32') : x;
  });
}

/**
 * `model.evaluate(x_test, y_test)` of a binary Keras model on padded ids, 64 rows at a time (so the one-hot model's
 * input never exists whole): binary cross-entropy as Keras computes it (probabilities clipped to [1e-7, 1 - 1e-7])
 * and accuracy at 0.5.
 */
export function evaluateKerasFile(
  model: tfl.LayersModel,
  keras: KerasFileModel,
  ids: Int32Array,
  labels: ArrayLike<number>,
  maxlen: number,
  batchSize = 64,
): { loss: number; acc: number } {
  const rows = labels.length;
  let loss = 0;
  let correct = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const p = tf.tidy(() => {
      const x = kerasInput(ids.subarray(start * maxlen, (start + n) * maxlen), [n, maxlen], keras);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    for (let i = 0; i < n; i++) {
      const y = labels[start + i] as number;
      const q = Math.min(Math.max(p[i] as number, 1e-7), 1 - 1e-7);
      loss -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
      if ((q >= 0.5 ? 1 : 0) === y) correct++;
    }
  }
  return { loss: loss / rows, acc: correct / rows };
}
