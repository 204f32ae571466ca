import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Summary {
  values?: number[];
  n?: number;
  head?: number[];
  tail?: number[];
  sha256?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is checked by the tests that read it.
export const fixture: any = JSON.parse(
  readFileSync(new URL('./fixtures/sequence.json', import.meta.url), 'utf8'),
);

export function sha256Int32(values: ArrayLike<number>): string {
  return createHash('sha256')
    .update(Buffer.from(Int32Array.from(values).buffer))
    .digest('hex');
}

export function summarize(values: ArrayLike<number>): Summary {
  const arr = Array.from(values);
  if (arr.length <= 60) return { values: arr };
  return { n: arr.length, head: arr.slice(0, 5), tail: arr.slice(-5), sha256: sha256Int32(arr) };
}
