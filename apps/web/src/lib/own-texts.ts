// Your own texts in the worker: a CSV/TSV/JSONL file or a folder with one sub-folder per class, opened with
// @seqlab/datasets' browser inputs (a Blob; Files with their relative paths), and the facts `seqlab data` prints.
import {
  type DirectoryFile,
  type TableFormat,
  type TextDatasetFacts,
  type TextSource,
  textDatasetFacts,
  textDatasetFromDirectory,
  textDatasetFromTable,
} from '@seqlab/datasets';
import { textVectorization } from '@seqlab/sequence';
import { parse } from 'csv-parse/browser/esm/sync';
import type { Msg } from '../dom.js';

/** What to open: a table file with the chosen columns, or the files of a chosen (or dropped) folder. */
export type OwnTextsSpec =
  | { kind: 'table'; file: Blob; name: string; textColumn: string; labelColumn: string }
  | { kind: 'folder'; files: readonly { path: string; file: Blob }[] };

/** The facts of your own texts, as `seqlab data --data …` reports them, plus the first text. */
export interface OwnTextsReport {
  facts: TextDatasetFacts;
  /** TextVectorization(maxTokens = numWords) adapted on all the texts: how many words it keeps and covers. */
  coverage: {
    numWords: number;
    vocabularySize: number;
    tokens: number;
    knownTokens: number;
    fraction: number;
  };
  /** How many texts have at most `maxlen` tokens. */
  fitMaxlen: { maxlen: number; texts: number; fraction: number };
  unicode: boolean;
  sample: { text: string; label: string };
}

/** The header of a table file, the format it was read as, and the default columns (the CLI's, else a guess). */
export interface TableColumns {
  format: TableFormat;
  columns: string[];
  textColumn: string;
  labelColumn: string;
}

const FORMATS: Record<string, TableFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
};
const TEXT_NAMES = ['text', 'review', 'sentence', 'document', 'content', 'body', 'comment', 'message'];
const LABEL_NAMES = ['label', 'sentiment', 'class', 'category', 'target', 'y', 'rating', 'polarity'];
const HEAD_BYTES = 64 * 1024;

export function tableFormat(name: string): TableFormat | null {
  const match = /\.([a-z]+)$/i.exec(name);
  return match === null ? null : (FORMATS[match[1]!.toLowerCase()] ?? null);
}

/** `text`/`label` as the CLI defaults to, else a column named like one, else the first column and the last other. */
export function defaultColumns(columns: readonly string[]): { textColumn: string; labelColumn: string } {
  const find = (names: readonly string[], not?: string) =>
    names
      .map((n) => columns.find((c) => c.trim().toLowerCase() === n && c !== not))
      .find((c) => c !== undefined);
  const textColumn = find(TEXT_NAMES) ?? columns[0] ?? 'text';
  const labelColumn =
    find(LABEL_NAMES, textColumn) ?? [...columns].reverse().find((c) => c !== textColumn) ?? 'label';
  return { textColumn, labelColumn };
}

/**
 * Reads only the start of a table file (64 KiB) for its header: the first CSV/TSV record, or the keys of the first
 * JSON object. Returns null for a file whose name is not .csv/.tsv/.tab/.jsonl/.ndjson or whose start has no header
 * (the full read then reports what is wrong).
 */
export async function tableColumns(file: Blob, name: string): Promise<TableColumns | null> {
  const format = tableFormat(name);
  if (format === null) return null;
  const head = new TextDecoder('utf-8').decode(await file.slice(0, HEAD_BYTES).arrayBuffer());
  let columns: string[] = [];
  try {
    if (format === 'jsonl') {
      const line = head.split('\n').find((l) => l.trim() !== '');
      const value = line === undefined ? null : (JSON.parse(line) as unknown);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) columns = Object.keys(value);
    } else {
      const records = parse(head, {
        delimiter: format === 'tsv' ? '\t' : ',',
        bom: true,
        relax_quotes: true,
        relax_column_count: true,
        skip_empty_lines: true,
        to: 1,
      }) as string[][];
      columns = records[0] ?? [];
    }
  } catch {
    return null;
  }
  if (columns.length === 0) return null;
  return { format, columns, ...defaultColumns(columns) };
}

/** A Blob with the relative path a folder picker gives, `top/class/name.txt` (a worker gets Files without it). */
function directoryFile(path: string, file: Blob): DirectoryFile {
  const name = path.split('/').pop() ?? path;
  return Object.defineProperties(file.slice(0, file.size, file.type), {
    name: { value: name },
    webkitRelativePath: { value: path },
  }) as DirectoryFile;
}

/** Opens the texts as the CLI's `--data` does: a folder in Keras' sorted order (`shuffle: false`), or a table. */
export async function openOwnTexts(spec: OwnTextsSpec): Promise<TextSource> {
  if (spec.kind === 'folder') {
    return await textDatasetFromDirectory(
      spec.files.map((f) => directoryFile(f.path, f.file)),
      { shuffle: false },
    );
  }
  const file = Object.defineProperty(spec.file.slice(0, spec.file.size, spec.file.type), 'name', {
    value: spec.name,
  });
  return await textDatasetFromTable(file, { textColumn: spec.textColumn, labelColumn: spec.labelColumn });
}

/** The texts of a source, one pass, stopping when `signal` aborts. */
async function* textsOf(source: TextSource, signal?: AbortSignal): AsyncGenerator<string> {
  for await (const record of source) {
    signal?.throwIfAborted();
    yield record.text;
  }
}

/**
 * The facts (`textDatasetFacts`) and the vocabulary coverage at `numWords` exactly as `seqlab data --data` computes
 * them (a `TextVectorization` adapted on all the texts; ids above 1 are known words). Three streaming passes over
 * the source (facts, adapt, coverage): memory holds the word counts, never the texts, so a file larger than
 * memory is reported too.
 */
export async function ownTextsReport(
  source: TextSource,
  options: { numWords: number; maxlen: number; unicode: boolean; signal?: AbortSignal },
): Promise<OwnTextsReport> {
  const { signal } = options;
  const facts = await textDatasetFacts(source);
  signal?.throwIfAborted();
  const vectorizer = textVectorization({ maxTokens: options.numWords, unicode: options.unicode });
  await vectorizer.adaptAsync(textsOf(source, signal), signal === undefined ? {} : { signal });
  let tokens = 0;
  let known = 0;
  let fit = 0;
  let sample: OwnTextsReport['sample'] | undefined;
  for await (const { text, label } of source) {
    signal?.throwIfAborted();
    sample ??= { text, label: source.classNames[label] ?? '' };
    const ids = vectorizer.call([text]).data;
    tokens += ids.length;
    for (const id of ids) if (id > 1) known++;
    if (ids.length <= options.maxlen) fit++;
  }
  return {
    facts,
    coverage: {
      numWords: options.numWords,
      vocabularySize: vectorizer.vocabularySize(),
      tokens,
      knownTokens: known,
      fraction: tokens === 0 ? 0 : known / tokens,
    },
    fitMaxlen: { maxlen: options.maxlen, texts: fit, fraction: fit / Math.max(1, facts.size) },
    unicode: options.unicode,
    sample: sample ?? { text: '', label: '' },
  };
}

/** `DatasetError` codes with a sentence of their own (in every language); others get `error.texts`. */
const CODES = new Set([
  'EMPTY',
  'MISSING_COLUMN',
  'ONE_CLASS',
  'BAD_LABEL',
  'BAD_UTF8',
  'BAD_TABLE',
  'BAD_ARGUMENT',
]);

/** A failure to open texts as a translated sentence naming what was wrong, with the library's details. */
export function textsError(error: unknown): Msg {
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  return {
    key: typeof code === 'string' && CODES.has(code) ? `error.texts.${code}` : 'error.texts',
    params: { detail },
  };
}
