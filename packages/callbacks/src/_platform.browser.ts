// Browser: no file system; checkpoints need a URL scheme (`indexeddb://`, …) and CSV logs a TextWriter.

import type { TextWriter } from './_writer.js';
import { CallbackError } from './errors.js';

export const platformName = 'browser' as const;

export function plainPathToUrl(path: string): string {
  throw new CallbackError(
    'NO_SAVE_HANDLER',
    `modelCheckpoint: a plain path needs a file system, which the browser lacks. ` +
      `Expected a URL such as 'indexeddb://${path}' or 'localstorage://${path}', or a \`handler\` option; ` +
      `received '${path}'.`,
  );
}

export function fileTextWriter(path: string): TextWriter {
  throw new CallbackError(
    'NO_WRITER',
    `csvLogger: the browser has no file system to write '${path}' to. Expected a TextWriter ` +
      '({ write(text) }) instead of a path.',
  );
}
