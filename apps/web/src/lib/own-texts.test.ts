import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  collectTexts,
  type TextSource,
  textDatasetFacts,
  textDatasetFromDirectory,
  textDatasetFromTable,
} from '@seqlab/datasets';
import { textVectorization } from '@seqlab/sequence';
import { describe, expect, it } from 'vitest';
import { defaultColumns, openOwnTexts, ownTextsReport, tableColumns } from './own-texts.js';

// The e2e fixtures (e2e/fixtures/gen_texts.py): Korean and English reviews as a CSV, tickets as a folder per class.
const fixtures = fileURLToPath(new URL('../../e2e/fixtures/', import.meta.url));
const csvPath = join(fixtures, 'reviews.csv');
const ticketsPath = join(fixtures, 'tickets');

/** The folder as a directory picker hands it over: every file with its `top/class/name` path. */
function pickedFolder(): { path: string; file: Blob }[] {
  const out: { path: string; file: Blob }[] = [];
  for (const cls of readdirSync(ticketsPath).reverse()) {
    for (const name of readdirSync(join(ticketsPath, cls)).reverse()) {
      out.push({
        path: `tickets/${cls}/${name}`,
        file: new Blob([readFileSync(join(ticketsPath, cls, name))]),
      });
    }
  }
  return out;
}

async function same(browser: TextSource, node: TextSource): Promise<void> {
  expect(browser.classNames).toEqual(node.classNames);
  expect(browser.classCounts).toEqual(node.classCounts);
  expect(browser.size).toBe(node.size);
  const [a, b] = [await collectTexts(browser), await collectTexts(node)];
  expect(a.texts).toEqual(b.texts);
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  const { name: _a, ...factsA } = await textDatasetFacts(browser);
  const { name: _b, ...factsB } = await textDatasetFacts(node);
  expect(factsA).toEqual(factsB);
}

describe('own texts: the browser inputs give what the Node sources give', () => {
  it('a CSV File with the chosen columns = the CSV path', async () => {
    const file = new File([readFileSync(csvPath)], 'reviews.csv', { type: 'text/csv' });
    const browser = await openOwnTexts({
      kind: 'table',
      file,
      name: file.name,
      textColumn: 'review',
      labelColumn: 'sentiment',
    });
    const node = await textDatasetFromTable(csvPath, { textColumn: 'review', labelColumn: 'sentiment' });
    expect(browser.name).toBe('reviews.csv');
    expect(browser.classNames).toEqual(['neg', 'pos']);
    expect(browser.classCounts).toEqual([60, 60]);
    await same(browser, node);
  });

  it('the Files of a folder (in any order) = the folder path in Keras order', async () => {
    const browser = await openOwnTexts({ kind: 'folder', files: pickedFolder() });
    const node = await textDatasetFromDirectory(ticketsPath, { shuffle: false });
    expect(browser.name).toBe('tickets');
    expect(browser.classNames).toEqual(['billing', 'bug', 'praise']);
    expect(browser.classCounts).toEqual([12, 12, 12]);
    await same(browser, node);
  });

  it('the facts and the coverage `seqlab data` reports, in three streaming passes', async () => {
    const source = await textDatasetFromTable(csvPath, { textColumn: 'review', labelColumn: 'sentiment' });
    const report = await ownTextsReport(source, { numWords: 20, maxlen: 6, unicode: true });
    expect(report.facts.size).toBe(120);
    expect(report.facts.classes).toEqual([
      { name: 'neg', count: 60 },
      { name: 'pos', count: 60 },
    ]);
    // 20 tokens: "" and [UNK], then the 18 most frequent words.
    expect(report.coverage.vocabularySize).toBe(20);
    const { texts } = await collectTexts(source);
    const words = texts.map((t) =>
      t
        .toLowerCase()
        .replace(/[!,]/g, '')
        .split(/\s+/)
        .filter((w) => w !== ''),
    );
    expect(report.coverage.tokens).toBe(words.flat().length);
    expect(report.fitMaxlen.texts).toBe(words.filter((w) => w.length <= 6).length);
    // Streamed, it equals what `seqlab data --data` computes with every text in memory.
    const cli = textVectorization({ maxTokens: 20, unicode: true });
    cli.adapt(texts);
    const ids = texts.map((t) => Array.from(cli.call([t]).data));
    expect(report.coverage.knownTokens).toBe(ids.flat().filter((id) => id > 1).length);
    expect(report.coverage.knownTokens).toBeLessThan(report.coverage.tokens);
    expect(report.sample).toEqual({ text: texts[0], label: 'pos' });
  });
});

describe('table columns', () => {
  it('reads the header from the start of the file only; defaults like the CLI, else by name', async () => {
    const file = new File([readFileSync(csvPath)], 'reviews.csv');
    expect(await tableColumns(file, file.name)).toEqual({
      format: 'csv',
      columns: ['review', 'sentiment'],
      textColumn: 'review',
      labelColumn: 'sentiment',
    });
    // A quoted field left open at the 64 KiB cut does not hide the header.
    const long = `id\ttext\tlabel\n1\t"${'x'.repeat(70_000)}\n`;
    expect(await tableColumns(new Blob([long]), 'a.tsv')).toMatchObject({
      format: 'tsv',
      columns: ['id', 'text', 'label'],
      textColumn: 'text',
      labelColumn: 'label',
    });
    expect(await tableColumns(new Blob(['\n{"body": "x", "stars": 3}\n']), 'a.jsonl')).toMatchObject({
      columns: ['body', 'stars'],
      textColumn: 'body',
      labelColumn: 'stars',
    });
    expect(await tableColumns(new Blob(['']), 'empty.csv')).toBeNull();
    expect(await tableColumns(new Blob(['a,b']), 'notes.txt')).toBeNull();
  });

  it('default columns', () => {
    expect(defaultColumns(['Text', 'Label'])).toEqual({ textColumn: 'Text', labelColumn: 'Label' });
    expect(defaultColumns(['a', 'b', 'c'])).toEqual({ textColumn: 'a', labelColumn: 'c' });
    expect(defaultColumns(['only'])).toEqual({ textColumn: 'only', labelColumn: 'label' });
  });
});

describe('a table larger than what the page should hold', () => {
  it('gives its facts and coverage from a File in three streaming passes, the heap growing by far less than the file', async () => {
    // ~48 MB of CSV, built in 1 MB parts (a File keeps its bytes outside the JS heap).
    const parts: string[] = [];
    let rows = 0;
    let bytes = 0;
    let part = 'text,label\n';
    while (bytes < 48e6) {
      part += `"review ${rows % 5000}: ${'좋은 영화 and a fine film '.repeat(6)}",${['neg', 'pos', 'mixed'][rows % 3]}\n`;
      rows++;
      if (part.length > 1 << 20) {
        bytes += Buffer.byteLength(part);
        parts.push(part);
        part = '';
      }
    }
    parts.push(part);
    bytes += Buffer.byteLength(part);
    const file = new File(parts, 'big.csv');
    parts.length = 0;
    const source = await openOwnTexts({
      kind: 'table',
      file,
      name: file.name,
      textColumn: 'text',
      labelColumn: 'label',
    });
    // The same source, measuring what stays alive (the heap after a full GC) every 20,000 records of every pass.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    let seen = 0;
    const sampled: TextSource = {
      ...source,
      async *[Symbol.asyncIterator]() {
        for await (const record of source) {
          if (++seen % 20_000 === 0) {
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          }
          yield record;
        }
      },
    };
    const report = await ownTextsReport(sampled, { numWords: 1000, maxlen: 100, unicode: true });
    expect(report.facts.size).toBe(rows);
    expect(seen).toBe(3 * rows);
    expect(report.facts.classes.map((c) => c.name)).toEqual(['mixed', 'neg', 'pos']);
    expect(report.coverage.vocabularySize).toBe(1000);
    // Holding the texts would keep more than 48 MB alive (V8 stores Hangul two bytes a character); the word
    // counts and one chunk of the file are all that stay.
    expect(bytes).toBeGreaterThan(48e6);
    expect(peak - base).toBeLessThan(8e6);
  }, 600_000);
});
