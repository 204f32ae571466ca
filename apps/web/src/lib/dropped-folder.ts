// A folder dropped on the page: its files with their paths, as a folder picker (webkitdirectory) lists them.

/** The part of `FileSystemEntry` (a dropped item's `webkitGetAsEntry()`) that is read here. */
export interface DroppedEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  /** `/top/class/name.txt` */
  readonly fullPath: string;
  file?(success: (file: File) => void, failure?: (error: DOMException) => void): void;
  createReader?(): {
    readEntries(success: (entries: DroppedEntry[]) => void, failure?: (error: DOMException) => void): void;
  };
}

/** Every file under a dropped folder, with its path from the folder (`tickets/bug/01.txt`). */
export async function droppedFiles(root: DroppedEntry): Promise<{ path: string; file: File }[]> {
  const out: { path: string; file: File }[] = [];
  const walk = async (dir: DroppedEntry): Promise<void> => {
    const reader = dir.createReader!();
    for (;;) {
      // readEntries answers in batches (100 in Chrome) until an empty one.
      const entries = await new Promise<DroppedEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (entries.length === 0) return;
      for (const entry of entries) {
        if (entry.isDirectory) await walk(entry);
        else if (entry.isFile) {
          const file = await new Promise<File>((resolve, reject) => entry.file!(resolve, reject));
          out.push({ path: entry.fullPath.replace(/^\//, ''), file });
        }
      }
    }
  };
  await walk(root);
  return out;
}
