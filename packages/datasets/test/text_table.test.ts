import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CsvParser, parseCsv } from '../src/_csv.js';
import {
  createCsvParser as browserCsvParser,
  openInput as browserOpenInput,
} from '../src/_text_platform.browser.js';
import { createCsvParser as nodeCsvParser } from '../src/_text_platform.node.js';
import {
  collectTexts,
  DatasetError,
  type TextDatasetFromTableArgs,
  textDatasetFromDirectory,
  textDatasetFromTable,
} from '../src/index.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'seqlab-table-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(tmp, name);
  await writeFile(path, content);
  return path;
}
async function rows(
  input: Parameters<typeof textDatasetFromTable>[0],
  args: TextDatasetFromTableArgs & { subset?: 'training' | 'validation' } = {},
) {
  const source = await textDatasetFromTable(input, args);
  const records = [];
  for await (const record of source) records.push(record);
  return { source, records };
}
async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

const CSV =
  '\ufeffid,review,sentiment\r\n' +
  '1,"Great film, really.",pos\r\n' +
  '2,"Bad.\r\nTwo lines, ""quoted"".",neg\r\n' +
  '\r\n' +
  '3,한국어 리뷰 😀,pos\r\n' +
  '4,"a ""b"" c",neg';

describe('textDatasetFromTable', () => {
  it('CSV: BOM, CRLF, quoted fields with newlines and quotes, blank lines, sorted classes, counts', async () => {
    const path = await file('reviews.csv', CSV);
    const { source, records } = await rows(path, { textColumn: 'review', labelColumn: 'sentiment' });
    expect(source.name).toBe(path);
    expect(source.classNames).toEqual(['neg', 'pos']);
    expect(source.classCounts).toEqual([2, 2]);
    expect(source.size).toBe(4);
    expect(records).toEqual([
      { text: 'Great film, really.', label: 1, row: 1 },
      { text: 'Bad.\r\nTwo lines, "quoted".', label: 0, row: 2 },
      { text: '한국어 리뷰 😀', label: 1, row: 3 },
      { text: 'a "b" c', label: 0, row: 4 },
    ]);
    const arrays = await collectTexts(source);
    expect(arrays).toEqual({
      texts: records.map((r) => r.text),
      labels: Int32Array.from([1, 0, 1, 0]),
      classNames: ['neg', 'pos'],
    });
  });

  it('the same bytes from a Blob, bytes, a Node stream, a web stream; a character split across chunks', async () => {
    const bytes = encode(CSV);
    const args = { format: 'csv', textColumn: 'review', labelColumn: 'sentiment' } as const;
    const want = (await rows(bytes, args)).records;
    expect((await rows(new Blob([bytes as Uint8Array<ArrayBuffer>]), args)).records).toEqual(want);
    expect((await rows(bytes.buffer as ArrayBuffer, args)).records).toEqual(want);
    const path = await file('stream.csv', bytes);
    expect((await rows(() => createReadStream(path, { highWaterMark: 1 }), args)).records).toEqual(want);
    const oneByte = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const b of bytes) controller.enqueue(Uint8Array.of(b));
          controller.close();
        },
      });
    expect((await rows(oneByte, args)).records).toEqual(want);
  });

  it('numeric labels sort as numbers; given classNames set the order; TSV and no header', async () => {
    const csv = await file('stars.csv', 'text,label\na,10\nb,2\nc,1\nd,2\n');
    const { source, records } = await rows(csv);
    expect(source.classNames).toEqual(['1', '2', '10']);
    expect(records.map((r) => r.label)).toEqual([2, 1, 0, 1]);
    const given = await rows(csv, { classNames: ['10', '2', '1', '5'] });
    expect(given.source.classCounts).toEqual([1, 2, 1, 0]);
    expect(given.records.map((r) => r.label)).toEqual([0, 1, 2, 1]);
    const tsv = await file('plain.tsv', 'x\tsaid "hi" there\tb\ny\tok\ta\n');
    const plain = await rows(tsv, { header: false, textColumn: 1, labelColumn: 2 });
    expect(plain.records).toEqual([
      { text: 'said "hi" there', label: 1, row: 1 },
      { text: 'ok', label: 0, row: 2 },
    ]);
  });

  it('JSON Lines: string, number and boolean labels, blank lines, CRLF', async () => {
    const path = await file(
      'data.jsonl',
      '{"text":"one","label":1}\r\n\n{"text":"two","label":"1","extra":[1]}\n{"text":"three","label":0}',
    );
    const { source, records } = await rows(path);
    expect(source.classNames).toEqual(['0', '1']);
    expect(records).toEqual([
      { text: 'one', label: 1, row: 1 },
      { text: 'two', label: 1, row: 2 },
      { text: 'three', label: 0, row: 3 },
    ]);
    const bools = await rows(encode('{"t":"a","y":true}\n{"t":"b","y":false}\n'), {
      format: 'jsonl',
      textColumn: 't',
      labelColumn: 'y',
    });
    expect(bools.source.classNames).toEqual(['false', 'true']);
  });

  it('validationSplit picks the rows textDatasetFromDirectory would pick among files in the same order', async () => {
    const n = 23;
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const csv = await file('split.csv', `text,label\n${labels.map((l, i) => `row ${i},${l}`).join('\n')}\n`);
    const folder = join(tmp, 'split-folder');
    await mkdir(folder, { recursive: true });
    for (let i = 0; i < n; i++)
      await writeFile(join(folder, `${String(i).padStart(3, '0')}.txt`), `row ${i}`);
    for (const seed of [1337, 0, 99]) {
      const [train, val] = await textDatasetFromTable(csv, { validationSplit: 0.3, subset: 'both', seed });
      const dirVal = await textDatasetFromDirectory(folder, {
        labels: null,
        validationSplit: 0.3,
        subset: 'validation',
        seed,
      });
      const valRows = dirVal.filePaths.map((p) => Number(p.slice(0, 3)) + 1).sort((a, b) => a - b);
      const got = { train: [] as number[], val: [] as number[] };
      for await (const r of train) got.train.push(r.row);
      for await (const r of val) got.val.push(r.row);
      expect(got.val).toEqual(valRows);
      expect(got.train).toEqual(labels.map((_, i) => i + 1).filter((row) => !valRows.includes(row)));
      expect(val.size).toBe(6); // floor(0.3 * 23)
      const count = (rowsOf: number[]) =>
        [0, 1, 2].map((c) => rowsOf.filter((row) => labels[row - 1] === c).length);
      expect(train.classCounts).toEqual(count(got.train));
      expect(val.classCounts).toEqual(count(got.val));
    }
    await expect(
      textDatasetFromTable(csv, { validationSplit: 0.3, subset: 'training' }),
    ).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });

  it('in a browser a string is a URL, fetched on every pass', async () => {
    const { createServer } = await import('node:http');
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      if (req.url === '/r.csv') res.writeHead(200).end(CSV);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const opened = await browserOpenInput(`${base}/r.csv`);
      const read = async () => {
        const parts: Uint8Array[] = [];
        for await (const chunk of opened.open()) parts.push(chunk);
        return Buffer.concat(parts).toString('utf8');
      };
      expect(await read()).toBe(CSV);
      expect(await read()).toBe(CSV);
      expect(requests).toBe(2);
      const missing = await browserOpenInput(`${base}/nope.csv`);
      await expect(missing.open()[Symbol.asyncIterator]().next()).rejects.toMatchObject({
        code: 'DOWNLOAD_FAILED',
        message: `${base}/nope.csv: server answered 404; expected 200 with the file`,
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("csv-parse's browser build parses the same records", async () => {
    const chunks = async function* () {
      yield 'a,b\r\n"x\r\ny",1\r\n';
      yield 'z,2';
    };
    const options = {
      delimiter: ',',
      quote: '"',
      bom: true,
      skip_empty_lines: true,
      relax_quotes: true,
    } as const;
    const read = async (parser: CsvParser) => {
      const records = [];
      for await (const record of parseCsv(parser, chunks(), 'x.csv')) records.push(record);
      return records;
    };
    const browser = await read(browserCsvParser(options));
    expect(browser).toEqual([
      ['a', 'b'],
      ['x\r\ny', '1'],
      ['z', '2'],
    ]);
    expect(browser).toEqual(await read(nodeCsvParser(options)));
  });
});

describe('textDatasetFromTable: bad input', () => {
  it('an empty file, a header without rows, an unknown format', async () => {
    const empty = await file('empty.csv', '');
    expect(await failure(textDatasetFromTable(empty))).toMatchObject({
      code: 'EMPTY',
      message: `${empty}: no rows; expected a header row and at least one data row`,
    });
    const headerOnly = await file('header.csv', 'text,label\r\n');
    expect((await failure(textDatasetFromTable(headerOnly))).code).toBe('EMPTY');
    expect((await failure(textDatasetFromTable(await file('e.jsonl', '\n\n')))).code).toBe('EMPTY');
    expect(await failure(textDatasetFromTable(await file('x.txt', 'a')))).toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });

  it('a missing column lists the columns found', async () => {
    const path = await file('cols.csv', 'review,sentiment\na,b\n');
    expect(await failure(textDatasetFromTable(path, { labelColumn: 'sentiment' }))).toMatchObject({
      code: 'MISSING_COLUMN',
      message: `${path}: no column "text"; the columns found are ["review","sentiment"]`,
    });
    const jsonl = await file('cols.jsonl', '{"text":"a","label":"x"}\n{"text":"b","y":"x"}\n');
    expect(await failure(textDatasetFromTable(jsonl))).toMatchObject({
      code: 'MISSING_COLUMN',
      message: `${jsonl}: no column "label" on line 2; the columns found are ["text","y"]`,
    });
  });

  it('one class only; a blank label names its row; an unknown label; too many classes', async () => {
    const one = await file('one.csv', 'text,label\na,pos\nb,pos\n');
    expect(await failure(textDatasetFromTable(one))).toMatchObject({
      code: 'ONE_CLASS',
      message: `${one}: found one class only ("pos", 2 records); expected at least 2 classes with records`,
    });
    const blank = await file('blank.csv', 'text,label\na,pos\n"two\nlines",neg\nc, \n');
    expect(await failure(textDatasetFromTable(blank))).toMatchObject({
      code: 'BAD_LABEL',
      message: `${blank}: row 3 has a blank label in "label"; expected a class label on every row`,
    });
    const nullLabel = await file('null.jsonl', '{"text":"a","label":null}\n');
    expect((await failure(textDatasetFromTable(nullLabel))).message).toContain(
      'row 1 (line 1) has a blank label',
    );
    const stars = await file('stars2.csv', 'text,label\na,1\nb,7\n');
    expect(await failure(textDatasetFromTable(stars, { classNames: ['1', '2'] }))).toMatchObject({
      code: 'BAD_LABEL',
      message: `${stars}: row 2 has label "7"; expected one of classNames ["1","2"]`,
    });
    const wide = await file(
      'wide.csv',
      `text,label\n${Array.from({ length: 12 }, (_, i) => `t,${i}`).join('\n')}\n`,
    );
    expect((await failure(textDatasetFromTable(wide, { maxClasses: 10 }))).message).toContain(
      'more than 10 distinct labels in "label" by row 11',
    );
  });

  it('invalid UTF-8 names the byte offset and the line', async () => {
    const head = encode('text,label\nok,a\n');
    const bad = new Uint8Array([...head, 0x62, 0xe2, 0x28, 0xa1, 0x2c, 0x62, 0x0a]);
    const path = await file('bad.csv', bad);
    expect(await failure(textDatasetFromTable(path))).toMatchObject({
      code: 'BAD_UTF8',
      message: `${path}: invalid UTF-8 at byte ${head.length + 1} (line 3); expected UTF-8 text (re-save the file as UTF-8)`,
    });
    // The same error when the bad sequence starts at the end of one chunk.
    const split = () =>
      (async function* () {
        yield bad.subarray(0, head.length + 2);
        yield bad.subarray(head.length + 2);
      })();
    expect(await failure(textDatasetFromTable(split, { format: 'csv' }))).toMatchObject({
      message: `<stream>: invalid UTF-8 at byte ${head.length + 1} (line 3); expected UTF-8 text (re-save the file as UTF-8)`,
    });
  });

  it('malformed CSV and JSON name the line', async () => {
    const ragged = await file('ragged.csv', 'text,label\na,b\nc,d,e\n');
    expect(await failure(textDatasetFromTable(ragged))).toMatchObject({ code: 'BAD_TABLE' });
    expect((await failure(textDatasetFromTable(ragged))).message).toContain('line 3');
    const open = await file('open.csv', 'text,label\n"never closed,a\n');
    expect((await failure(textDatasetFromTable(open))).code).toBe('BAD_TABLE');
    const json = await file('bad.jsonl', '{"text":"a","label":1}\n{"text":\n');
    expect((await failure(textDatasetFromTable(json))).message).toMatch(
      /^.*bad\.jsonl: line 2: .*; expected one JSON object per line$/,
    );
    const notText = await file('num.jsonl', '{"text":5,"label":1}\n');
    expect((await failure(textDatasetFromTable(notText))).message).toBe(
      `${notText}: line 1: "text" is 5; expected a string`,
    );
  });
});
