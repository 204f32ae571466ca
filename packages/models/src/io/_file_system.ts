import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';
import { MODEL_JSON, recoverCheckpointDir, replaceCheckpointDir, WEIGHTS_BIN } from './_checkpoint_dir.js';

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A tfjs `IOHandler` that saves a model as `model.json` + `weights.bin` in a directory of the local file system
 * and loads it back — the Node counterpart of tfjs-node's `file://` handler, without tfjs-node.
 * Saving is atomic: both files are written into a fresh sibling directory `.<name>.tmp-<pid>-<hex>` and fsynced;
 * then the target is renamed to `.<name>.old-<pid>-<hex>`, the new directory renamed into its place, and the old
 * one removed. A reader sees the old model or the new one, never a mix. A process killed between the two renames
 * leaves no target but two complete siblings: the next save or load (and {@link FileSystemHandler.recover}) renames
 * the newest complete one back into place, and removes the leftovers of processes that no longer run.
 */
export class FileSystemHandler implements tf.io.IOHandler {
  /** The target directory (absolute). */
  readonly dir: string;
  private readonly modelJsonPath: string;

  constructor(path: string) {
    if (typeof path !== 'string' || path.length === 0) {
      throw new ModelsError(
        'INVALID_OPTION',
        `fileSystem: expected a directory path (or a path to model.json), got ${JSON.stringify(path)}.`,
      );
    }
    const abs = resolve(path);
    if (basename(abs) === MODEL_JSON) {
      this.dir = dirname(abs);
      this.modelJsonPath = abs;
    } else {
      this.dir = abs;
      this.modelJsonPath = join(abs, MODEL_JSON);
    }
  }

  async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
    if (artifacts.modelTopology instanceof ArrayBuffer) {
      throw new ModelsError(
        'SAVE_FAILED',
        'fileSystem: expected a JSON model topology (a tfjs LayersModel), got a binary GraphDef topology.',
      );
    }
    const modelJson: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
    };
    if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
    if (artifacts.signature != null) modelJson.signature = artifacts.signature;
    if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
    if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
    await replaceCheckpointDir(this.dir, toBytes(artifacts.weightData), JSON.stringify(modelJson));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  /**
   * Brings back the checkpoint of a save that was killed between its two renames, and removes the temporary
   * siblings left by processes that no longer run; `save` and `load` call it first. Returns the directory to
   * read (the target, or a complete sibling when the target cannot be renamed into place), or undefined when
   * there is no checkpoint at all.
   */
  recover(): Promise<string | undefined> {
    return recoverCheckpointDir(this.dir);
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    let text: string;
    // A failed recovery (a permission error, say) is reported by the read below.
    const from = await this.recover().catch(() => undefined);
    const modelJsonPath =
      from !== undefined && from !== this.dir ? join(from, MODEL_JSON) : this.modelJsonPath;
    try {
      text = await readFile(modelJsonPath, 'utf8');
    } catch (cause) {
      throw new ModelsError(
        'LOAD_FAILED',
        `fileSystem: cannot read ${modelJsonPath}: expected a model.json written by model.save(), ` +
          `got ${(cause as NodeJS.ErrnoException).code ?? String(cause)}.`,
        { cause },
      );
    }
    let json: tf.io.ModelJSON;
    try {
      json = JSON.parse(text) as tf.io.ModelJSON;
    } catch (cause) {
      throw new ModelsError('LOAD_FAILED', `fileSystem: ${modelJsonPath} is not valid JSON.`, { cause });
    }
    const dir = dirname(modelJsonPath);
    return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of manifest) {
        for (const file of group.paths) {
          const path = join(dir, file);
          let bytes: Buffer;
          try {
            bytes = await readFile(path);
          } catch (cause) {
            throw new ModelsError(
              'LOAD_FAILED',
              `fileSystem: weight file ${path} listed in ${modelJsonPath} cannot be read: ` +
                `${(cause as NodeJS.ErrnoException).code ?? String(cause)}.`,
              { cause },
            );
          }
          buffers.push(
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
          );
        }
        specs.push(...group.weights);
      }
      return [specs, tf.io.concatenateArrayBuffers(buffers)];
    });
  }
}

/**
 * Saves and loads a tfjs model as `model.json` + `weights.bin` in a local directory (Node only).
 * `path` is the directory to save into (created if missing; replaced atomically if it holds a saved model),
 * or, for loading, that directory or its `model.json`.
 *
 * @example
 * ```ts
 * await model.save(fileSystem('/tmp/my-model'));
 * const again = await tfl.loadLayersModel(fileSystem('/tmp/my-model/model.json'));
 * ```
 */
export function fileSystem(path: string): FileSystemHandler {
  return new FileSystemHandler(path);
}

const FILE_SCHEME = 'file://';
const KERAS_FILE = /\.(keras|h5|hdf5)$/i;

/**
 * The `file://` URL router: `file:///abs/dir` or `file:///abs/dir/model.json` → {@link fileSystem}; not paths
 * ending in `.keras`, `.h5` or `.hdf5` (Keras model files, see `saveKerasModel`).
 */
export function fileSystemRouter(url: string | string[]): tf.io.IOHandler | null {
  if (typeof url !== 'string' || !url.startsWith(FILE_SCHEME)) return null;
  // `file://…/x.keras`, `.h5`, `.hdf5` are Keras model files, which the Keras router saves (keras/save.ts).
  if (KERAS_FILE.test(url)) return null;
  return new FileSystemHandler(decodeURIComponent(url.slice(FILE_SCHEME.length)));
}

/**
 * Registers the `file://` save and load routers with tfjs-core, so `model.save('file:///abs/dir')` and
 * `tfl.loadLayersModel('file:///abs/dir/model.json')` work in Node. Importing `@seqlab/models` in Node calls
 * it; calling it again does nothing.
 */
export function registerFileSystemRouter(): void {
  // Skip when some `file://` handler (ours from another copy of this module, or tfjs-node's) is there already:
  // tfjs refuses to load when two routers match one URL.
  if (tf.io.getLoadHandlers('file:///probe/model.json').length > 0) return;
  // tfjs types routers as never returning null, but its registry skips null (tfjs-node's router does the same).
  const router = fileSystemRouter as (url: string | string[]) => tf.io.IOHandler;
  tf.io.registerSaveRouter(router);
  tf.io.registerLoadRouter(router);
}
