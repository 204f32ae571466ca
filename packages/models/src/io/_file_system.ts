import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const OWN_FILES = new Set([MODEL_JSON, WEIGHTS_BIN]);

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  // Directory fsync makes a rename durable on POSIX; Windows cannot open directories, so it is best effort.
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}

async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A tfjs `IOHandler` that saves a model as `model.json` + `weights.bin` in a directory of the local file system
 * and loads it back — the Node counterpart of tfjs-node's `file://` handler, without tfjs-node.
 * Saving is atomic: both files are written into a fresh sibling directory and fsynced, then that directory is
 * renamed over the target, so a reader sees the old model or the new one, never a mix.
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
    const existing = await statOrUndefined(this.dir);
    if (existing !== undefined) {
      if (!existing.isDirectory()) {
        throw new ModelsError(
          'NOT_A_MODEL_DIR',
          `fileSystem: cannot save to ${this.dir}: expected a directory or a missing path, got a file.`,
        );
      }
      const foreign = (await readdir(this.dir)).filter((name) => !OWN_FILES.has(name));
      if (foreign.length > 0) {
        throw new ModelsError(
          'NOT_A_MODEL_DIR',
          `fileSystem: cannot replace ${this.dir}: expected a directory holding only ${MODEL_JSON} and ` +
            `${WEIGHTS_BIN}, got also ${foreign.join(', ')}. Save to an empty or new directory.`,
        );
      }
    }
    const parent = dirname(this.dir);
    await mkdir(parent, { recursive: true });
    const suffix = `${process.pid}-${randomBytes(6).toString('hex')}`;
    const tmp = join(parent, `.${basename(this.dir)}.tmp-${suffix}`);
    const old = join(parent, `.${basename(this.dir)}.old-${suffix}`);
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
    try {
      await mkdir(tmp);
      await writeDurable(join(tmp, WEIGHTS_BIN), toBytes(artifacts.weightData));
      await writeDurable(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
      await syncDir(tmp);
      if (existing !== undefined) {
        await rename(this.dir, old);
        try {
          await rename(tmp, this.dir);
        } catch (error) {
          await rename(old, this.dir);
          throw error;
        }
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(tmp, this.dir);
      }
      await syncDir(parent);
    } catch (cause) {
      await rm(tmp, { recursive: true, force: true });
      if (cause instanceof ModelsError) throw cause;
      throw new ModelsError('SAVE_FAILED', `fileSystem: saving to ${this.dir} failed: ${String(cause)}`, {
        cause,
      });
    }
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }

  async load(): Promise<tf.io.ModelArtifacts> {
    let text: string;
    try {
      text = await readFile(this.modelJsonPath, 'utf8');
    } catch (cause) {
      throw new ModelsError(
        'LOAD_FAILED',
        `fileSystem: cannot read ${this.modelJsonPath}: expected a model.json written by model.save(), ` +
          `got ${(cause as NodeJS.ErrnoException).code ?? String(cause)}.`,
        { cause },
      );
    }
    let json: tf.io.ModelJSON;
    try {
      json = JSON.parse(text) as tf.io.ModelJSON;
    } catch (cause) {
      throw new ModelsError('LOAD_FAILED', `fileSystem: ${this.modelJsonPath} is not valid JSON.`, { cause });
    }
    const dir = dirname(this.modelJsonPath);
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
              `fileSystem: weight file ${path} listed in ${this.modelJsonPath} cannot be read: ` +
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
