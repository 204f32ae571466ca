import { readFile } from 'node:fs/promises';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import {
  inspectKerasModel as inspectBytes,
  type KerasModelInfo,
  type KerasModelSource,
  type LoadKerasOptions,
  loadKerasModel as loadBytes,
} from './load.js';

async function bytesOf(source: KerasModelSource | string, options: LoadKerasOptions | undefined, fn: string) {
  if (typeof source !== 'string') return { bytes: source, options };
  let bytes: Uint8Array;
  try {
    bytes = await readFile(source);
  } catch (cause) {
    throw new ModelsError(
      'LOAD_FAILED',
      `${fn}: cannot read ${source}: expected a Keras .h5 or .keras file, got ${(cause as NodeJS.ErrnoException).code ?? String(cause)}.`,
      { cause },
    );
  }
  return { bytes, options: { ...options, name: options?.name ?? source } };
}

/**
 * {@link loadBytes | loadKerasModel} that also takes a file path (Node).
 *
 * @example
 * ```ts
 * const model = await loadKerasModel('Ex2.h5');
 * ```
 */
export async function loadKerasModel(
  source: KerasModelSource | string,
  options?: LoadKerasOptions,
): Promise<tfl.LayersModel> {
  const { bytes, options: opts } = await bytesOf(source, options, 'loadKerasModel');
  return loadBytes(bytes, opts);
}

/** {@link inspectBytes | inspectKerasModel} that also takes a file path (Node). */
export async function inspectKerasModel(
  source: KerasModelSource | string,
  options?: LoadKerasOptions,
): Promise<KerasModelInfo> {
  const { bytes, options: opts } = await bytesOf(source, options, 'inspectKerasModel');
  return inspectBytes(bytes, opts);
}
