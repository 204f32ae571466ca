import { DatasetError } from './_errors.js';

/**
 * A text file to stream: a path (Node) or URL (browser); a `Blob`/`File`; the bytes; or a function that opens
 * the stream afresh (called once per pass, e.g. `() => fs.createReadStream(path)` or `() => blob.stream()`).
 */
export type TextInput =
  | string
  | Blob
  | Uint8Array
  | ArrayBuffer
  | (() => AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>);

/** An input that can be read again from the start. */
export interface OpenedInput {
  readonly name: string;
  open(): AsyncIterable<Uint8Array>;
}

const SLICE = 1 << 20;

/** A `ReadableStream` as an async iterable (Safari's streams are not iterable); the reader is released at the end. */
export async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += SLICE) yield bytes.subarray(at, at + SLICE);
}

/** The inputs both platforms read the same way (all but a path/URL string). */
export function openPortable(input: Exclude<TextInput, string>, name?: string): OpenedInput {
  if (input instanceof Uint8Array) return { name: name ?? '<bytes>', open: () => slices(input) };
  if (input instanceof ArrayBuffer)
    return { name: name ?? '<bytes>', open: () => slices(new Uint8Array(input)) };
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const fileName = (input as { name?: unknown }).name;
    return {
      name: name ?? (typeof fileName === 'string' && fileName !== '' ? fileName : '<blob>'),
      open: () => readStream(input.stream() as ReadableStream<Uint8Array>),
    };
  }
  if (typeof input === 'function') {
    return {
      name: name ?? '<stream>',
      open: () => {
        const stream = input();
        return typeof (stream as ReadableStream<Uint8Array>).getReader === 'function'
          ? readStream(stream as ReadableStream<Uint8Array>)
          : (stream as AsyncIterable<Uint8Array>);
      },
    };
  }
  throw new DatasetError(
    'BAD_ARGUMENT',
    `expected a path, a Blob/File, bytes or a function returning a stream; received ${describe(input)}`,
  );
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
