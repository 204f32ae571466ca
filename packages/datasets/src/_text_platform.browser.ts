import { parse } from 'csv-parse/browser/esm';
import type { FolderTree } from './_dir_index.js';
import { DatasetError } from './_errors.js';
import { type OpenedInput, openPortable, readStream, type TextInput } from './_text_input.js';

export type { CsvOptions, CsvParser } from './_csv.js';

import type { CsvOptions, CsvParser } from './_csv.js';

/** csv-parse's browser build (a bundled stream polyfill). */
export function createCsvParser(options: CsvOptions): CsvParser {
  const parser = parse(options) as unknown as CsvParser & { destroy?: () => void };
  // The bundled polyfill's streams have no destroy(), which csv-parse hands to on('end') after the last record.
  parser.destroy ??= () => {};
  return parser;
}

/** A string is a URL, fetched afresh on every pass. */
export async function openInput(input: TextInput): Promise<OpenedInput> {
  if (typeof input !== 'string') return openPortable(input);
  return {
    name: input,
    async *open() {
      let response: Response;
      try {
        response = await fetch(input);
      } catch (cause) {
        throw new DatasetError('DOWNLOAD_FAILED', `could not fetch it (${(cause as Error).message})`, {
          file: input,
          cause,
        });
      }
      if (!response.ok || response.body === null) {
        throw new DatasetError(
          'DOWNLOAD_FAILED',
          `server answered ${response.status}; expected 200 with the file`,
          {
            file: input,
          },
        );
      }
      yield* readStream(response.body);
    },
  };
}

/** The browser has no file system paths: pass the `File`s of an `<input type="file" webkitdirectory>`. */
export async function folderTree(dir: string): Promise<FolderTree> {
  throw new DatasetError(
    'BAD_ARGUMENT',
    'a folder path cannot be read in a browser; expected the File list of <input type="file" webkitdirectory>',
    { file: dir },
  );
}
