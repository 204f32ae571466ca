import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectTexts, textDatasetFromDirectory } from '@seqlab/datasets';
import { expect, test } from 'vitest';
import { type DroppedEntry, droppedFiles } from './dropped-folder.js';
import { openOwnTexts } from './own-texts.js';

const tickets = fileURLToPath(new URL('../../e2e/fixtures/tickets', import.meta.url));

/** The fixture folder as the FileSystemEntry tree a drop gives, listing `batch` entries per readEntries call. */
function entry(path: string, fullPath: string, batch: number): DroppedEntry {
  const name = fullPath.split('/').pop()!;
  const children = (() => {
    try {
      return readdirSync(path);
    } catch {
      return null;
    }
  })();
  if (children === null) {
    return {
      isFile: true,
      isDirectory: false,
      name,
      fullPath,
      file: (ok) => ok(new File([readFileSync(path)], name)),
    };
  }
  return {
    isFile: false,
    isDirectory: true,
    name,
    fullPath,
    createReader() {
      let at = 0;
      return {
        readEntries(ok) {
          const next = children.slice(at, at + batch);
          at += batch;
          setTimeout(() => ok(next.map((c) => entry(join(path, c), `${fullPath}/${c}`, batch))), 0);
        },
      };
    },
  };
}

test('a dropped folder, read in batches, gives the files a folder picker gives, and the same dataset', async () => {
  const files = await droppedFiles(entry(tickets, '/tickets', 5));
  expect(files.length).toBe(36);
  expect(files[0]!.path).toBe('tickets/billing/00.txt');
  const dropped = await collectTexts(await openOwnTexts({ kind: 'folder', files }));
  const node = await collectTexts(await textDatasetFromDirectory(tickets, { shuffle: false }));
  expect(dropped.texts).toEqual(node.texts);
  expect(Array.from(dropped.labels)).toEqual(Array.from(node.labels));
  expect(dropped.classNames).toEqual(['billing', 'bug', 'praise']);
});
