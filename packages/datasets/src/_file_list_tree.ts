import type { FolderTree, WalkedDir } from './_dir_index.js';
import { DatasetError } from './_errors.js';

/** A `File` picked with `<input type="file" webkitdirectory>`: `webkitRelativePath` is `top/class/…/name.txt`. */
export interface DirectoryFile extends Blob {
  readonly name: string;
  readonly webkitRelativePath: string;
}

/**
 * The folder tree a directory picker returns, as `os.walk` would see it on disk: the first path component is
 * the chosen folder; folders are implied by the paths (a browser lists no empty folders and no links).
 */
export function fileListTree(files: ArrayLike<DirectoryFile>): FolderTree {
  const byPath = new Map<string, DirectoryFile>();
  const dirFiles = new Map<string, string[]>([['', []]]);
  let top: string | undefined;
  for (const file of Array.from(files)) {
    const path = file.webkitRelativePath || file.name;
    const parts = path.split('/');
    if (parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new DatasetError(
        'BAD_ARGUMENT',
        `file ${JSON.stringify(path)} has no folder in its webkitRelativePath; expected the files of ` +
          '<input type="file" webkitdirectory> (top/class/name.txt)',
      );
    }
    const [first, ...rest] = parts;
    if (top === undefined) top = first;
    else if (first !== top) {
      throw new DatasetError(
        'BAD_ARGUMENT',
        `files come from two folders (${JSON.stringify(top)} and ${JSON.stringify(first)}); expected one chosen folder`,
      );
    }
    const rel = rest.join('/');
    byPath.set(rel, file);
    for (let i = 1; i < rest.length; i++) {
      const dir = rest.slice(0, i).join('/');
      if (!dirFiles.has(dir)) dirFiles.set(dir, []);
    }
    dirFiles.get(rest.slice(0, -1).join('/'))!.push(rest[rest.length - 1]!);
  }
  return {
    name: top ?? '<files>',
    async subdirs() {
      return [...dirFiles.keys()].filter((d) => d !== '' && !d.includes('/'));
    },
    async walk(sub) {
      const out: WalkedDir[] = [];
      for (const [dir, names] of dirFiles) {
        if (sub === '' || dir === sub || dir.startsWith(`${sub}/`)) {
          out.push({ root: sub === '' ? dir : dir.slice(sub.length + 1), files: names });
        }
      }
      return out;
    },
    async read(path) {
      const file = byPath.get(path);
      if (file === undefined)
        throw new DatasetError('NOT_FOUND', `no file ${JSON.stringify(path)} in the list`);
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}
