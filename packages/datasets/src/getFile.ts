// Typed here rather than re-exported from '#platform': a declaration file that names a package import
// (`#platform`) does not resolve under `moduleResolution: node10`.
import * as platform from '#platform';
import type { GetFileOptions } from './_source.js';

/**
 * The folders searched for a dataset file, in order: `SEQLAB_DATA_DIR`, `$KERAS_HOME/datasets`, `~/.keras/datasets`
 * (in Node; none in the browser, which reads from `origin` through the Cache API).
 */
export const dataDirs: (cacheSubdir?: string) => string[] = platform.dataDirs;

/**
 * `keras.utils.get_file`: returns the path of `fname` in the cache, downloading it from `origin` first when it
 * is missing (or fails `fileHash`). Downloads stream into a temporary file that is renamed into place only
 * after the hash matched; on any failure nothing is left behind. In the browser: fetches and verifies `origin`
 * into the Cache API and returns `origin`.
 * Port of keras/src/utils/file_utils.py get_file.
 *
 * @example
 * ```ts
 * const path = await getFile('imdb.npz', { origin: 'https://…/imdb.npz', fileHash: '6966…' });
 * ```
 */
export const getFile: (fname: string, options: GetFileOptions) => Promise<string> = platform.getFile;
