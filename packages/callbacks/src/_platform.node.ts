// Node: plain checkpoint paths become absolute `file://` URLs, and CSV logs go to files.
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextWriter } from './_writer.js';

export const platformName = 'node' as const;

/** `file://` URL of a plain path, resolved against the working directory. */
export function plainPathToUrl(path: string): string {
  // pathToFileURL percent-encodes; tfjs' file routers take the raw path after the scheme.
  return 'file://' + decodeURIComponent(pathToFileURL(resolve(path)).pathname);
}

/** A {@link TextWriter} over a file, opened for writing (`'w'`) or appending (`'a'`) at train begin. */
export function fileTextWriter(path: string): TextWriter {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  return {
    async hasContent() {
      try {
        return (await stat(path)).size > 0;
      } catch {
        return false;
      }
    },
    async open(append) {
      await handle?.close();
      handle = await open(path, append ? 'a' : 'w');
    },
    async write(text) {
      if (handle === undefined) handle = await open(path, 'a');
      await handle.write(text);
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}
