import { DatasetError } from './_errors.js';

/** The csv-parse options used here. */
export interface CsvOptions {
  delimiter: string;
  quote: string | false;
  bom: boolean;
  skip_empty_lines: boolean;
  relax_quotes: boolean;
}

/** A csv-parse record: its fields. */
export type CsvRecord = string[];

/** The part of csv-parse's stream `Parser` (Node's, or its browser build's) that is driven here. */
export interface CsvParser {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  end(): void;
  on(event: 'data', listener: (record: CsvRecord) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'end', listener: () => void): this;
}

/**
 * Streams text chunks through a csv-parse parser and yields its records; only the records of the chunk being
 * parsed are held, so memory stays bounded by the chunk size (and the longest record).
 */
export async function* parseCsv(
  parser: CsvParser,
  chunks: AsyncIterable<string>,
  file: string,
): AsyncGenerator<CsvRecord> {
  const queue: CsvRecord[] = [];
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  parser.on('data', (record) => queue.push(record));
  parser.on('error', (error) => {
    failure = error;
    wake?.();
  });
  parser.on('end', () => {
    ended = true;
    wake?.();
  });
  const fail = (error: Error): DatasetError => {
    const lines = (error as { lines?: number }).lines;
    return new DatasetError(
      'BAD_TABLE',
      `${lines === undefined ? '' : `line ${lines}: `}${error.message.replace(/^Invalid Record Length: /, '')}`,
      { file, cause: error },
    );
  };
  for await (const chunk of chunks) {
    await new Promise<void>((resolve) =>
      parser.write(chunk, (error) => {
        if (error) failure ??= error;
        resolve();
      }),
    );
    if (failure) throw fail(failure);
    yield* queue.splice(0, queue.length);
  }
  parser.end();
  while (!ended && !failure) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (ended || failure) resolve();
    });
    yield* queue.splice(0, queue.length);
  }
  if (failure) throw fail(failure);
  yield* queue.splice(0, queue.length);
}
