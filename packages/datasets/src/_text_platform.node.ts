import type { Dirent } from 'node:fs';
import { createReadStream, readFile as readFileCallback } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse';
import type { FolderTree, WalkedDir } from './_dir_index.js';
import { DatasetError } from './_errors.js';
import { type OpenedInput, openPortable, type TextInput } from './_text_input.js';

export type { CsvOptions, CsvParser } from './_csv.js';

import type { CsvOptions, CsvParser } from './_csv.js';

/** csv-parse's Node stream parser; text chunks in, records out. */
export function createCsvParser(options: CsvOptions): CsvParser {
  return parse(options) as unknown as CsvParser;
}

// fs.promises.readFile takes several thread-pool round trips per file; the callback one is 2-3x faster on
// folders of many small files.
const readFile = promisify(readFileCallback);

function notFound(path: string, what: string, cause?: unknown): DatasetError {
  return new DatasetError('NOT_FOUND', `no such ${what}; expected a path to an existing ${what}`, {
    file: path,
    cause,
  });
}

/** A path opens a file stream per pass (256 KiB chunks); other inputs as in the browser. */
export async function openInput(input: TextInput): Promise<OpenedInput> {
  if (typeof input !== 'string') return openPortable(input);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(input);
  } catch (cause) {
    throw notFound(input, 'file', cause);
  }
  if (!info.isFile()) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      'is a folder; expected a file (use textDatasetFromDirectory for folders)',
      {
        file: input,
      },
    );
  }
  return {
    name: input,
    open: () => createReadStream(input, { highWaterMark: 256 * 1024 }) as AsyncIterable<Uint8Array>,
  };
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false; // a broken link is not a folder (os.path.isdir)
  }
}

/** The file system under `dir`, walked as Python's `os.walk` does. */
export async function folderTree(dir: string): Promise<FolderTree> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (cause) {
    throw notFound(dir, 'folder', cause);
  }
  if (!info.isDirectory()) {
    throw new DatasetError('BAD_ARGUMENT', 'is a file; expected a folder with one sub-folder per class', {
      file: dir,
    });
  }
  return {
    name: dir,
    async subdirs() {
      const names: string[] = [];
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDir(join(dir, entry.name))))) {
          names.push(entry.name);
        }
      }
      return names;
    },
    async walk(sub, followLinks) {
      const out: WalkedDir[] = [];
      // Each folder to walk with the real paths of the folders above it: Python's os.walk(followlinks=True)
      // loops forever on a link to an ancestor; here such a link is not entered.
      const pending: { root: string; above: readonly string[] }[] = [{ root: '', above: [] }];
      while (pending.length > 0) {
        const { root, above } = pending.pop()!;
        const abs = join(dir, sub, root);
        let chain = above;
        if (followLinks) {
          const real = await realpath(abs).catch(() => abs);
          if (above.includes(real)) continue;
          chain = [...above, real];
        }
        let entries: Dirent[];
        try {
          entries = await readdir(abs, { withFileTypes: true });
        } catch {
          continue; // os.walk ignores folders it cannot list
        }
        const files: string[] = [];
        for (const entry of entries) {
          const child = { root: root === '' ? entry.name : `${root}/${entry.name}`, above: chain };
          if (entry.isDirectory()) pending.push(child);
          else if (entry.isSymbolicLink() && (await isDir(join(abs, entry.name)))) {
            if (followLinks) pending.push(child);
          } else files.push(entry.name);
        }
        out.push({ root, files });
      }
      return out;
    },
    async read(path) {
      try {
        return await readFile(join(dir, path));
      } catch (cause) {
        throw notFound(join(dir, path), 'file', cause);
      }
    },
  };
}
