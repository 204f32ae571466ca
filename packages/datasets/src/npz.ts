import { crc32, inflateRaw } from '#platform';
import type { NpyArray } from './_npy.js';
import { NpzArchive, type NpzFile, type NpzOptions, readNpzWith } from './_source.js';

export type { NpyArray, NumericNpyArray, ObjectNpyArray, ReadNpyOptions } from './_npy.js';
export { readNpy } from './_npy.js';
export type { PickleLimits } from './_pickle.js';
export type { NpzFile, NpzOptions } from './_source.js';

/**
 * Reads an `.npz` archive (`np.savez` / `np.savez_compressed`: zip members stored or deflated) into its arrays,
 * keyed like numpy's `NpzFile` (member name without `.npy`). Object arrays go through the safe pickle reader.
 * Members are inflated one after the other; one declaring more than `maxMemberBytes` is refused (`SIZE_LIMIT`)
 * before anything is inflated. Use {@link openNpz} to read only some members.
 *
 * @param bytes - the whole archive.
 * @param file - a name for error messages. @default '<npz>'
 * @param options - `maxMemberBytes` (@default 2 ** 30) and the pickle limits `maxDepth` (100), `maxElements` (2^25).
 * @example
 * ```ts
 * const { x_train, y_train } = await readNpz(await readFile('imdb.npz'), 'imdb.npz');
 * ```
 */
export async function readNpz(
  bytes: Uint8Array,
  file = '<npz>',
  options: NpzOptions = {},
): Promise<Record<string, NpyArray>> {
  return await readNpzWith(bytes, file, inflateRaw, options, crc32);
}

/**
 * Opens an `.npz` archive lazily, like `numpy.load` does: `keys` at once, each member inflated and read only by
 * `get(key)`. An archive with one huge member costs nothing until that member is asked for.
 *
 * @param bytes - the whole archive.
 * @param file - a name for error messages. @default '<npz>'
 * @param options - as {@link readNpz}.
 * @example
 * ```ts
 * const npz = openNpz(await readFile('imdb.npz'), 'imdb.npz');
 * npz.keys; // ['x_train', 'y_train', 'x_test', 'y_test']
 * const yTrain = await npz.get('y_train');
 * ```
 */
export function openNpz(bytes: Uint8Array, file = '<npz>', options: NpzOptions = {}): NpzFile {
  return new NpzArchive(bytes, file, inflateRaw, options, crc32);
}
