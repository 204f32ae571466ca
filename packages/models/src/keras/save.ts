// Node only: Keras model files on the local file system, and the tfjs save router that sends `model.save('x.h5')`
// and `model.save('file:///abs/best.keras')` (so also `modelCheckpoint('Ex2.h5')`) there.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { encodeKerasArtifacts, type KerasFileFormat } from './encode.js';

/**
 * The Keras format a path's extension names, as Keras picks it: `.keras` (`model.save`), `.weights.h5`
 * (`model.save_weights`: the weights alone), `.h5` / `.hdf5` (`model.save`, legacy HDF5).
 */
export function kerasFormatOf(path: string): KerasFileFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.keras')) return 'keras';
  if (lower.endsWith('.weights.h5')) return 'weights.h5';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'h5';
  return undefined;
}

async function syncDir(path: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Directory fsync is best effort (Windows cannot open directories).
  } finally {
    await handle?.close();
  }
}

/** Writes `bytes` to `path` atomically: a fsynced sibling temp file renamed over the target. */
async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    await syncDir(dir);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new ModelsError('SAVE_FAILED', `saveKerasModel: writing ${path} failed: ${String(cause)}`, {
      cause,
    });
  }
}

function formatFor(path: string, caller: string): KerasFileFormat {
  const format = typeof path === 'string' ? kerasFormatOf(path) : undefined;
  if (format === undefined) {
    throw new ModelsError(
      'INVALID_OPTION',
      `${caller}: expected a path ending in .keras, .h5, .hdf5 or .weights.h5 (the extension picks the format, ` +
        'as in Keras), ' +
        `got ${JSON.stringify(path)}.`,
    );
  }
  return format;
}

/**
 * Saves a tfjs model as a Keras model file (Node): `.keras` writes Keras 3's zip, `.h5`/`.hdf5` the legacy HDF5
 * file, as `encodeKerasModel` encodes them, and `.weights.h5` Keras 3's weights-only file (what
 * `model.save_weights` writes and `model.load_weights` reads). The write is atomic (a temp file renamed over
 * `path`).
 *
 * @example
 * ```ts
 * await saveKerasModel(createModel('gru', { seed: 1 }), 'out/gru.keras');
 * ```
 */
export async function saveKerasModel(model: tfl.LayersModel, path: string): Promise<void> {
  formatFor(path, 'saveKerasModel');
  await model.save(new KerasFileHandler(path));
}

/** A tfjs `IOHandler` that saves to a Keras model file; the format comes from the extension. */
export class KerasFileHandler implements tf.io.IOHandler {
  readonly path: string;
  readonly format: KerasFileFormat;

  constructor(path: string) {
    this.format = formatFor(path, 'KerasFileHandler');
    this.path = resolve(path);
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    await writeAtomic(this.path, await encodeKerasArtifacts(artifacts, this.format));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }
}

const FILE_SCHEME = 'file://';
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The save router for Keras files: `file:///abs/x.keras` or a plain path without a scheme (`Ex2.h5`) ending in
 * `.keras`, `.h5` or `.hdf5` → {@link KerasFileHandler}; anything else → `null`.
 */
export function kerasFileRouter(url: string | string[]): tf.io.IOHandler | null {
  if (typeof url !== 'string') return null;
  let path: string;
  if (url.startsWith(FILE_SCHEME)) path = decodeURIComponent(url.slice(FILE_SCHEME.length));
  else if (ANY_SCHEME.test(url)) return null;
  else path = url;
  return kerasFormatOf(path) === undefined ? null : new KerasFileHandler(path);
}

let registered = false;

/** Registers {@link kerasFileRouter} as a tfjs save router (once). Importing `@seqlab/models` in Node calls it. */
export function registerKerasFileRouter(): void {
  if (registered) return;
  registered = true;
  tf.io.registerSaveRouter(kerasFileRouter as (url: string | string[]) => tf.io.IOHandler);
}
