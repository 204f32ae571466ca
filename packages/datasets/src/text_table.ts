import { RandomState } from '@seqlab/random';
import { createCsvParser, openInput } from '#text-platform';
import { parseCsv } from './_csv.js';
import { checkValidationSplitArg, trainingOrValidationSplit } from './_dir_index.js';
import { DatasetError } from './_errors.js';
import type { OpenedInput, TextInput } from './_text_input.js';
import {
  checkTwoClasses,
  compareCodePoints,
  makeTextSource,
  type TextRecord,
  type TextSource,
} from './_text_source.js';
import { Utf8Stream } from './_utf8.js';

export type { TextInput } from './_text_input.js';

/** The table formats read by {@link textDatasetFromTable}. */
export type TableFormat = 'csv' | 'tsv' | 'jsonl';

/** Arguments of {@link textDatasetFromTable}. */
export interface TextDatasetFromTableArgs {
  /** The file format. @default from the file name: `.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson` */
  format?: TableFormat;
  /** The column (CSV/TSV header name, or 0-based index) or JSON key holding the text. @default 'text' */
  textColumn?: string | number;
  /** The column or JSON key holding the label (a string or a number). @default 'label' */
  labelColumn?: string | number;
  /** CSV/TSV: the first row names the columns. Without it, columns are 0-based indices. @default true */
  header?: boolean;
  /** CSV/TSV field separator. @default ',' for CSV, '\t' for TSV */
  delimiter?: string;
  /** CSV/TSV quote character, or `false` for none. @default '"' */
  quote?: string | false;
  /**
   * The classes in label order; a label outside them is an error. @default the labels found, sorted:
   * numerically when every label is a number (`'2'` before `'10'`), else by code point
   */
  classNames?: readonly string[];
  /** More distinct labels than this is an error (the label column is probably the wrong column). @default 1000 */
  maxClasses?: number;
  /**
   * Fraction of the rows for validation, chosen as `textDatasetFromDirectory` chooses files: the rows' indices
   * shuffled by `np.random.RandomState(seed).shuffle`, the last `floor(validationSplit * n)` for validation. Each
   * subset still streams in file order (1 byte per row is kept to know which subset a row is in).
   */
  validationSplit?: number;
  /** With `validationSplit`: `'training'`, `'validation'` or `'both'` (returns `[training, validation]`). */
  subset?: 'training' | 'validation' | 'both';
  /** Seed of the split; required with `validationSplit`. */
  seed?: number;
}

/** A record of a table dataset, with its 1-based data row (the header is not counted). */
export interface TableRecord extends TextRecord {
  readonly row: number;
}

/** The columns (or JSON keys) found, and the fields of one row as text/label. */
interface Row {
  readonly row: number;
  /** JSON Lines only: csv-parse's own line count costs a third of its speed. */
  readonly line?: number;
  readonly text: string;
  readonly label: string;
}

const EXTENSIONS: Record<string, TableFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};

/**
 * A labelled text dataset from a CSV, TSV or JSON Lines file, streamed with bounded memory (CSV/TSV through
 * csv-parse; quoted fields with newlines, a BOM and CRLF are understood). Opening it reads the file once to
 * validate every row and count the classes; each iteration reads it again. Errors are `DatasetError`s naming
 * the row: `EMPTY`, `MISSING_COLUMN` (lists the columns found), `BAD_LABEL` (blank label, unknown label, too
 * many classes), `ONE_CLASS`, `BAD_UTF8` (byte offset and line), `BAD_TABLE` (malformed CSV or JSON).
 *
 * @example
 * ```ts
 * const reviews = await textDatasetFromTable('reviews.csv', { textColumn: 'review', labelColumn: 'sentiment' });
 * reviews.classNames; // ['negative', 'positive']
 * reviews.classCounts; // [1200, 1300]
 * ```
 */
export async function textDatasetFromTable(
  input: TextInput,
  args: TextDatasetFromTableArgs & { subset: 'both' },
): Promise<[TextSource<TableRecord>, TextSource<TableRecord>]>;
export async function textDatasetFromTable(
  input: TextInput,
  args?: TextDatasetFromTableArgs & { subset?: 'training' | 'validation' | undefined },
): Promise<TextSource<TableRecord>>;
export async function textDatasetFromTable(
  input: TextInput,
  args?: TextDatasetFromTableArgs,
): Promise<TextSource<TableRecord> | [TextSource<TableRecord>, TextSource<TableRecord>]>;
export async function textDatasetFromTable(
  input: TextInput,
  args: TextDatasetFromTableArgs = {},
): Promise<TextSource<TableRecord> | [TextSource<TableRecord>, TextSource<TableRecord>]> {
  const { validationSplit, subset } = args;
  checkValidationSplitArg(validationSplit, subset, true, args.seed);
  const opened = await openInput(input);
  const format = args.format ?? formatOf(opened.name);
  if (!['csv', 'tsv', 'jsonl'].includes(format)) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `format must be 'csv', 'tsv' or 'jsonl'; received ${JSON.stringify(format)}`,
    );
  }
  const header = args.header ?? true;
  const textColumn = args.textColumn ?? (header || format === 'jsonl' ? 'text' : 0);
  const labelColumn = args.labelColumn ?? (header || format === 'jsonl' ? 'label' : 1);
  const maxClasses = args.maxClasses ?? 1000;
  const rows = (): AsyncGenerator<Row> =>
    format === 'jsonl'
      ? jsonlRows(opened, textColumn, labelColumn)
      : csvRows(opened, {
          delimiter: args.delimiter ?? (format === 'tsv' ? '\t' : ','),
          quote: args.quote ?? '"',
          header,
          textColumn,
          labelColumn,
        });

  const counts = new Map<string, number>();
  const given = args.classNames === undefined ? undefined : new Set(args.classNames);
  // With a split: each row's label as the order it was first seen in, to count the classes per subset.
  const firstSeen = new Map<string, number>();
  let rowLabels = validationSplit ? new Int32Array(1024) : undefined;
  let size = 0;
  for await (const row of rows()) {
    if (row.label.trim() === '') {
      throw new DatasetError(
        'BAD_LABEL',
        `${where(row)} has a blank label in ${JSON.stringify(labelColumn)}; expected a class label on every row`,
        { file: opened.name },
      );
    }
    if (given !== undefined && !given.has(row.label)) {
      throw new DatasetError(
        'BAD_LABEL',
        `${where(row)} has label ${JSON.stringify(row.label)}; expected one of classNames ${JSON.stringify(args.classNames)}`,
        { file: opened.name },
      );
    }
    counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
    if (rowLabels !== undefined) {
      if (!firstSeen.has(row.label)) firstSeen.set(row.label, firstSeen.size);
      if (size === rowLabels.length) {
        const grown = new Int32Array(size * 2);
        grown.set(rowLabels);
        rowLabels = grown;
      }
      rowLabels[size] = firstSeen.get(row.label)!;
    }
    if (counts.size > maxClasses) {
      throw new DatasetError(
        'BAD_LABEL',
        `more than ${maxClasses} distinct labels in ${JSON.stringify(labelColumn)} by row ${row.row}; expected a class ` +
          'label column (raise maxClasses if it really is one)',
        { file: opened.name },
      );
    }
    size++;
  }
  if (size === 0) {
    throw new DatasetError(
      'EMPTY',
      `no rows; expected ${format === 'jsonl' ? 'one JSON object per line' : header ? 'a header row and at least one data row' : 'at least one row'}`,
      { file: opened.name },
    );
  }
  const classNames = args.classNames === undefined ? sortLabels([...counts.keys()]) : [...args.classNames];
  const classCounts = classNames.map((c) => counts.get(c) ?? 0);
  checkTwoClasses(opened.name, classNames, classCounts);
  const indexOf = new Map(classNames.map((c, i) => [c, i]));

  const make = (inSubset: Uint8Array | undefined, want: number): TextSource<TableRecord> => {
    let subsetCounts = classCounts;
    let subsetSize = size;
    if (inSubset !== undefined && rowLabels !== undefined) {
      const byFirstSeen = [...firstSeen.keys()].map((label) => indexOf.get(label)!);
      subsetCounts = classNames.map(() => 0);
      subsetSize = 0;
      for (let i = 0; i < size; i++) {
        if (inSubset[i] !== want) continue;
        subsetCounts[byFirstSeen[rowLabels[i]!]!]!++;
        subsetSize++;
      }
    }
    return makeTextSource<TableRecord>(
      { name: opened.name, classNames, classCounts: subsetCounts, size: subsetSize, labelMode: 'int' },
      async function* () {
        for await (const row of rows()) {
          if (inSubset !== undefined && inSubset[row.row - 1] !== want) continue;
          const label = indexOf.get(row.label);
          if (label === undefined) {
            throw new DatasetError(
              'BAD_TABLE',
              `${where(row)} has label ${JSON.stringify(row.label)}, which was not there when the file was opened; the file changed`,
              { file: opened.name },
            );
          }
          yield { text: row.text, label, row: row.row };
        }
      },
    );
  };
  if (!validationSplit || subset === undefined) return make(undefined, 0);
  // 1 marks a validation row: the rows whose index lands in the last floor(split * n) places of the shuffle.
  const order = Int32Array.from({ length: size }, (_, i) => i);
  const split = trainingOrValidationSplit(
    Array.from(new RandomState(args.seed).shuffle(order)),
    null,
    validationSplit,
    'validation',
    opened.name,
  );
  const isValidation = new Uint8Array(size);
  for (const i of split.samples) isValidation[i] = 1;
  if (subset === 'both') return [make(isValidation, 0), make(isValidation, 1)];
  return make(isValidation, subset === 'training' ? 0 : 1);
}

const where = (row: Row): string => `row ${row.row}${row.line === undefined ? '' : ` (line ${row.line})`}`;

function formatOf(name: string): TableFormat {
  const match = /\.([a-z]+)$/i.exec(name);
  const format = match === null ? undefined : EXTENSIONS[match[1]!.toLowerCase()];
  if (format === undefined) {
    throw new DatasetError(
      'BAD_ARGUMENT',
      `cannot tell the format from the name ${JSON.stringify(name)}; expected a .csv, .tsv, .tab, .jsonl or .ndjson file, or pass format`,
      { file: name },
    );
  }
  return format;
}

/** Numbers numerically when every label is a canonical number, else by code point (Python's `sorted`). */
export function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((l) => l.trim() !== '' && String(Number(l)) === l);
  return numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort(compareCodePoints);
}

async function* decoded(opened: OpenedInput): AsyncGenerator<string> {
  const utf8 = new Utf8Stream(opened.name);
  for await (const chunk of opened.open()) yield utf8.decode(chunk);
  yield utf8.decode(new Uint8Array(0), true);
}

function missingColumn(
  file: string,
  column: string | number,
  found: readonly string[],
  where: string,
): DatasetError {
  return new DatasetError(
    'MISSING_COLUMN',
    `no column ${JSON.stringify(column)}${where}; the columns found are ${JSON.stringify(found)}`,
    { file },
  );
}

async function* csvRows(
  opened: OpenedInput,
  options: {
    delimiter: string;
    quote: string | false;
    header: boolean;
    textColumn: string | number;
    labelColumn: string | number;
  },
): AsyncGenerator<Row> {
  const parser = createCsvParser({
    delimiter: options.delimiter,
    quote: options.quote,
    bom: true,
    skip_empty_lines: true,
    relax_quotes: true,
  });
  let textAt = -1;
  let labelAt = -1;
  let row = 0;
  const locate = (column: string | number, names: readonly string[]): number => {
    const at = typeof column === 'number' ? column : names.indexOf(column);
    if (at < 0 || at >= names.length || !Number.isInteger(at)) {
      throw missingColumn(
        opened.name,
        column,
        names,
        options.header ? '' : ' (the file has no header: columns are 0-based indices)',
      );
    }
    return at;
  };
  for await (const record of parseCsv(parser, decoded(opened), opened.name)) {
    if (textAt < 0) {
      const names = options.header ? record : record.map((_: string, i: number) => String(i));
      textAt = locate(options.textColumn, names);
      labelAt = locate(options.labelColumn, names);
      if (options.header) continue;
    }
    row++;
    yield { row, text: record[textAt]!, label: record[labelAt]! };
  }
}

async function* jsonlRows(
  opened: OpenedInput,
  textKey: string | number,
  labelKey: string | number,
): AsyncGenerator<Row> {
  let line = 0;
  let row = 0;
  let rest = '';
  const parseLine = (source: string): Row | undefined => {
    line++;
    if (source.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (cause) {
      throw new DatasetError(
        'BAD_TABLE',
        `line ${line}: ${(cause as Error).message}; expected one JSON object per line`,
        {
          file: opened.name,
          cause,
        },
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DatasetError(
        'BAD_TABLE',
        `line ${line} is ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}; expected a JSON object`,
        {
          file: opened.name,
        },
      );
    }
    const object = value as Record<string, unknown>;
    row++;
    for (const key of [textKey, labelKey]) {
      if (!Object.hasOwn(object, String(key))) {
        throw missingColumn(opened.name, key, Object.keys(object), ` on line ${line}`);
      }
    }
    const text = object[String(textKey)];
    if (typeof text !== 'string') {
      throw new DatasetError(
        'BAD_TABLE',
        `line ${line}: ${JSON.stringify(textKey)} is ${JSON.stringify(text)}; expected a string`,
        {
          file: opened.name,
        },
      );
    }
    const label = object[String(labelKey)];
    if (label !== null && !['string', 'number', 'boolean'].includes(typeof label)) {
      throw new DatasetError(
        'BAD_LABEL',
        `line ${line}: ${JSON.stringify(labelKey)} is ${JSON.stringify(label)}; expected a string or a number`,
        { file: opened.name },
      );
    }
    return { row, line, text, label: label === null ? '' : String(label) };
  };
  for await (const chunk of decoded(opened)) {
    rest += chunk;
    let start = 0;
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      const parsed = parseLine(rest.slice(start, end));
      start = end + 1;
      if (parsed !== undefined) yield parsed;
    }
    rest = rest.slice(start);
  }
  if (rest !== '') {
    const parsed = parseLine(rest);
    if (parsed !== undefined) yield parsed;
  }
}
