export type { NumericArray, NumericDtype } from './_dtype.js';
export { DatasetError, type DatasetErrorCode } from './_errors.js';
export type { DataSource, DownloadProgress, GetFileOptions } from './_source.js';
export {
  collectTexts,
  type EncodedLabels,
  encodeLabels,
  type LabelMode,
  type TextArrays,
  type TextRecord,
  type TextSource,
} from './_text_source.js';
export {
  type AclImdbRecord,
  type AclImdbSourceArgs,
  aclImdbSource,
} from './acl_imdb_source.js';
export * as aclImdb from './aclImdb.js';
export { dataDirs, getFile } from './getFile.js';
export * as imdb from './imdb.js';
export { type NpyArray, type NumericNpyArray, type ObjectNpyArray, readNpy, readNpz } from './npz.js';
export {
  type DirectoryFile,
  type DirectoryLabels,
  type DirectoryRecord,
  type DirectoryTextSource,
  type TextDatasetFromDirectoryArgs,
  textDatasetFromDirectory,
} from './text_directory.js';
export { type LengthStats, type TextDatasetFacts, textDatasetFacts, textLengths } from './text_facts.js';
export {
  type TableFormat,
  type TableRecord,
  type TextDatasetFromTableArgs,
  type TextInput,
  textDatasetFromTable,
} from './text_table.js';
