import * as tfl from '@tensorflow/tfjs-layers';
import { fileTextWriter } from '#callbacks-platform';
import { resolveLogs, type UnresolvedLogs } from './_logs.js';
import { pyFloatRepr } from './_pyformat.js';
import type { TextWriter } from './_writer.js';
import { CallbackError } from './errors.js';

/** Arguments of {@link csvLogger}; Keras' `CSVLogger` arguments. */
export interface CSVLoggerArgs {
  /**
   * String separating the fields (Keras' `separator`).
   * @default ','
   */
  separator?: string;
  /**
   * Append to an existing log (the header is written only when it is empty) instead of overwriting it.
   * @default false
   */
  append?: boolean;
}

// Python csv.excel with QUOTE_MINIMAL: quote a field holding the separator, a quote or a line break.
function csvField(text: string, separator: string): string {
  if (text.includes(separator) || text.includes('"') || text.includes('\r') || text.includes('\n')) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** A logged value as Python's csv module writes it: `str(float)`, so `0.6931471824645996`, `1e-05`, `nan`. */
function cell(value: number | undefined): string {
  return value === undefined ? 'NA' : pyFloatRepr(value);
}

/**
 * Streams epoch results to a CSV file (Node) or a {@link TextWriter} (anywhere), in Keras' format: a header
 * `epoch,<sorted metric names>`, 0-based epochs, values as Python prints floats, `NA` for a metric missing in
 * an epoch, `\r\n` line ends (Python's `csv.excel` dialect). Port of keras/src/callbacks/csv_logger.py.
 */
export class CSVLogger extends tfl.Callback {
  readonly separator: string;
  readonly append: boolean;
  /** Column names after `epoch`, fixed by the first epoch's logs. */
  keys: string[] | undefined = undefined;
  private readonly writer: TextWriter;
  private appendHeader = true;
  private headerWritten = false;

  constructor(filenameOrWriter: string | TextWriter, args: CSVLoggerArgs = {}) {
    super();
    this.separator = args.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length !== 1) {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `CSVLogger: separator must be a 1-character string, got ${JSON.stringify(this.separator)}.`,
      );
    }
    this.append = args.append ?? false;
    if (typeof filenameOrWriter === 'string') this.writer = fileTextWriter(filenameOrWriter);
    else if (filenameOrWriter != null && typeof filenameOrWriter.write === 'function')
      this.writer = filenameOrWriter;
    else {
      throw new CallbackError(
        'NO_WRITER',
        `CSVLogger: expected a file path or a TextWriter ({ write(text) }), got ${String(filenameOrWriter)}.`,
      );
    }
  }

  override async onTrainBegin(): Promise<void> {
    this.appendHeader = this.append ? !((await this.writer.hasContent?.()) ?? false) : true;
    await this.writer.open?.(this.append);
    this.keys = undefined;
    this.headerWritten = false;
  }

  override async onEpochEnd(epoch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = await resolveLogs(unresolved);
    const sep = this.separator;
    if (this.keys === undefined) this.keys = Object.keys(logs).sort();
    let text = '';
    if (!this.headerWritten) {
      this.headerWritten = true;
      if (this.appendHeader) text += ['epoch', ...this.keys].map((k) => csvField(k, sep)).join(sep) + '\r\n';
    }
    const row = [String(epoch), ...this.keys.map((key) => cell(logs[key]))];
    text += row.map((v) => csvField(v, sep)).join(sep) + '\r\n';
    await this.writer.write(text);
  }

  override async onTrainEnd(): Promise<void> {
    await this.writer.close?.();
  }
}

/**
 * Keras' `CSVLogger` as a tfjs callback: a path in Node, a {@link TextWriter} in the browser.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 10, callbacks: [csvLogger('training.log')] });
 * const lines: string[] = [];
 * csvLogger({ write: (text) => void lines.push(text) }); // browser
 * ```
 */
export function csvLogger(filenameOrWriter: string | TextWriter, args?: CSVLoggerArgs): CSVLogger {
  return new CSVLogger(filenameOrWriter, args);
}
