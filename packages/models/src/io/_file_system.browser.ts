// The browser entry's stand-ins for the Node-only file-system handler: the same names and types as
// `_file_system.ts`, so the package types the same under every condition, and a typed error that says what to use.
import type * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';
import type * as node from './_file_system.js';

function nodeOnly(): never {
  throw new ModelsError(
    'NODE_ONLY',
    "fileSystem: saving to and loading from a directory needs Node's file system, which this runtime lacks. " +
      "In the browser save to 'indexeddb://<name>' or 'downloads://<name>' and load with tf.io.browserFiles.",
  );
}

/** Node only: throws a {@link ModelsError} `NODE_ONLY` here. */
export type FileSystemHandler = node.FileSystemHandler;
/** Node only: throws a {@link ModelsError} `NODE_ONLY` here. */
export const FileSystemHandler: typeof node.FileSystemHandler = class {
  constructor() {
    nodeOnly();
  }
} as unknown as typeof node.FileSystemHandler;

/** Node only: throws a {@link ModelsError} `NODE_ONLY` here. */
export function fileSystem(_path: string): FileSystemHandler {
  return nodeOnly();
}

/** No `file://` router outside Node: always `null`. */
export function fileSystemRouter(_url: string | string[]): tf.io.IOHandler | null {
  return null;
}

/** No `file://` router outside Node: does nothing. */
export function registerFileSystemRouter(): void {}
