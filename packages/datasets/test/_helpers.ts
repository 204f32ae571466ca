import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const fixtureBytes = (name: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(fixture(name)));

export interface ExpectedCase {
  kwargs: Record<string, number | null>;
  x_train: number[][];
  y_train: number[];
  x_test: number[][];
  y_test: number[];
}
export interface Expected {
  raw: { x_train: number[][]; x_test: number[][]; y_train: number[]; y_test: number[] };
  cases: ExpectedCase[];
  numeric: { file: string; dtype: string; shape: number[]; values: number[] }[];
}
export const expected: Expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Expected;
