import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textDatasetFromDirectory, textDatasetFromTable } from '../src/index.js';

// tmpfs when there is one: 100,000 files are created and removed much faster there.
const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'seqlab-scale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Calls `body` and reports the largest V8 heap growth seen at the `sample()` calls it makes. */
async function peakHeapGrowth(body: (sample: () => void) => Promise<void>): Promise<number> {
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  await body(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  return peak - base;
}

describe('a CSV larger than what a reader should hold streams with bounded memory', () => {
  const path = join(root, 'big.csv');
  let bytes = 0;
  let rows = 0;
  beforeAll(async () => {
    const out = await open(path, 'w');
    let chunk = 'id,text,label\n';
    while (bytes < 64e6) {
      // ~190 bytes a row, quoted, with a comma, escaped quotes and an embedded newline every 10th row
      chunk += `${rows},"review ${rows}: ${rows % 10 === 0 ? 'two\nlines, ' : ''}a ""quoted"" word and ${'text '.repeat(30)}",${['neg', 'pos', 'mixed'][rows % 3]}\n`;
      rows++;
      if (chunk.length > 1 << 20) {
        await out.write(chunk);
        bytes += chunk.length;
        chunk = '';
      }
    }
    await out.write(chunk);
    bytes += chunk.length;
    await out.close();
  });

  it('opens (one pass) and iterates (a second pass) a 64 MB CSV while the heap grows by far less than the file', async () => {
    let size = 0;
    let seen = 0;
    let lastRow = 0;
    const growth = await peakHeapGrowth(async (sample) => {
      const source = await textDatasetFromTable(path);
      size = source.size;
      expect(source.classNames).toEqual(['mixed', 'neg', 'pos']);
      for await (const record of source) {
        seen++;
        lastRow = record.row;
        if (seen % 2000 === 0) sample();
      }
    });
    expect(size).toBe(rows);
    expect(seen).toBe(rows);
    expect(lastRow).toBe(rows);
    // Holding the texts would take more than the file's 64 MB (one byte per ASCII character at the least).
    expect(growth).toBeLessThan(40e6);
  }, 600_000);
});

describe('a folder with 100,000 files', () => {
  const top = join(root, 'many');
  beforeAll(() => {
    mkdirSync(join(top, 'neg'), { recursive: true });
    mkdirSync(join(top, 'pos'), { recursive: true });
    for (let i = 0; i < 100_000; i++)
      writeFileSync(join(top, i % 2 ? 'pos' : 'neg', `${i}.txt`), `review ${i}`);
  }, 600_000);

  it("is indexed in Keras' order and read file by file", async () => {
    let first: string[] = [];
    let count = 0;
    let labelSum = 0;
    const growth = await peakHeapGrowth(async (sample) => {
      const source = await textDatasetFromDirectory(top, { shuffle: false });
      expect(source.size).toBe(100_000);
      expect(source.classCounts).toEqual([50_000, 50_000]);
      first = source.filePaths.slice(0, 4) as string[];
      for await (const record of source) {
        if (count < 4) expect(record.text).toBe(`review ${record.path.slice(4, -4)}`);
        labelSum += record.label;
        count++;
        if (count % 2000 === 0) sample();
      }
    });
    expect(first).toEqual(['neg/0.txt', 'neg/10.txt', 'neg/100.txt', 'neg/1000.txt']); // sorted as strings
    expect(count).toBe(100_000);
    expect(labelSum).toBe(50_000);
    // The index holds 100,000 paths (a few MB); the texts are not kept.
    expect(growth).toBeLessThan(64e6);
  }, 600_000);
});
