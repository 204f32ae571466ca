import { inflateRaw } from '#platform';
import type { NpyArray } from './_npy.js';
import { readNpzWith } from './_source.js';

export type { NpyArray, NumericNpyArray, ObjectNpyArray } from './_npy.js';
export { readNpy } from './_npy.js';

/**
 * Reads an `.npz` archive (`np.savez` / `np.savez_compressed`: zip members stored or deflated) into its arrays,
 * keyed like numpy's `NpzFile` (member name without `.npy`). Object arrays go through the safe pickle reader.
 *
 * @param bytes - the whole archive.
 * @param file - a name for error messages. @default '<npz>'
 * @example
 * ```ts
 * const { x_train, y_train } = await readNpz(await readFile('imdb.npz'), 'imdb.npz');
 * ```
 */
export async function readNpz(bytes: Uint8Array, file = '<npz>'): Promise<Record<string, NpyArray>> {
  return await readNpzWith(bytes, file, inflateRaw);
}
