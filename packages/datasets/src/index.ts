export type { NumericArray, NumericDtype } from './_dtype.js';
export { DatasetError, type DatasetErrorCode } from './_errors.js';
export type { DataSource, DownloadProgress, GetFileOptions } from './_source.js';
export * as aclImdb from './aclImdb.js';
export { dataDirs, getFile } from './getFile.js';
export * as imdb from './imdb.js';
export {
  type NpyArray,
  type NpzFile,
  type NpzOptions,
  type NumericNpyArray,
  type ObjectNpyArray,
  openNpz,
  type PickleLimits,
  type ReadNpyOptions,
  readNpy,
  readNpz,
} from './npz.js';
