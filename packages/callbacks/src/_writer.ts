/**
 * Where a text log goes: a file in Node (pass a path), or anything with `write` in the browser (a Blob builder,
 * a stream, an element). Methods may return promises; they are awaited in order.
 */
export interface TextWriter {
  /** Whether the destination already holds text; in append mode a header is written only when it does not. */
  hasContent?(): boolean | Promise<boolean>;
  /** Called at train begin: `append` false means start over (truncate), true means keep what is there. */
  open?(append: boolean): void | Promise<void>;
  /** Writes a chunk of text (one or more whole CSV lines). */
  write(text: string): void | Promise<void>;
  /** Called at train end. */
  close?(): void | Promise<void>;
}
