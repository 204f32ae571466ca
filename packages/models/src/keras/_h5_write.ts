// Writes an HDF5 file in memory with h5wasm (the HDF5 C library compiled to WebAssembly; Node and browsers) and
// returns its bytes. Only what Keras files need: groups, string attributes, float32/int32 datasets.
import type { Group } from 'h5wasm';
import { ModelsError } from '../errors.js';

/** What a Keras file writer does to the HDF5 file; paths are `/`-separated from the root, parents made as needed. */
export interface H5Writer {
  group(path: string): void;
  /** A string attribute (`value` a string) or a 1-D string array attribute (Keras' `layer_names`, `weight_names`). */
  attr(path: string, name: string, value: string | string[]): void;
  dataset(path: string, shape: number[], data: Float32Array | Int32Array): void;
}

let files = 0;

export async function writeH5(fill: (writer: H5Writer) => void): Promise<Uint8Array> {
  // Loaded on first use: the HDF5 engine (4 MB of WebAssembly) stays out of bundles that never write Keras files.
  const { default: h5wasm } = await import('h5wasm');
  const { FS } = await h5wasm.ready;
  if (FS == null) throw new ModelsError('SAVE_FAILED', 'h5wasm: the in-memory file system is not available.');
  const name = `/seqlab-keras-${++files}.h5`;
  const file = new h5wasm.File(name, 'w');
  let closed = false;
  try {
    const made = new Set<string>(['']);
    const group = (path: string): void => {
      if (made.has(path)) return;
      const cut = path.lastIndexOf('/');
      group(cut < 0 ? '' : path.slice(0, cut));
      file.create_group(path);
      made.add(path);
    };
    const entity = (path: string) => (path === '' ? file : (file.get(path) as Group));
    fill({
      group,
      attr(path, attrName, value) {
        const target = entity(path);
        if (Array.isArray(value) && value.length === 0) {
          // What h5py writes for Keras' `np.asarray([])`: an empty float64 array.
          target.create_attribute(attrName, new Float64Array(0), [0], '<d');
        } else {
          target.create_attribute(attrName, value);
        }
      },
      dataset(path, shape, data) {
        const cut = path.lastIndexOf('/');
        group(cut < 0 ? '' : path.slice(0, cut));
        file.create_dataset({ name: path, data, shape, dtype: data instanceof Int32Array ? '<i' : '<f' });
      },
    });
    file.close();
    closed = true;
    return FS.readFile(name);
  } catch (cause) {
    if (cause instanceof ModelsError) throw cause;
    throw new ModelsError('SAVE_FAILED', `h5wasm: writing the HDF5 file failed: ${String(cause)}`, { cause });
  } finally {
    if (!closed) {
      try {
        file.close();
      } catch {
        // already failed; the error above is the one to report
      }
    }
    try {
      FS.unlink(name);
    } catch {
      // nothing to remove
    }
  }
}
