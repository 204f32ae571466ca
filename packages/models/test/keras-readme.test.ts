import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';

const README = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
const SHARED = join(import.meta.dirname, '../../../../shared/keras-models');
const FIXTURES = join(import.meta.dirname, 'fixtures/keras');

/** The README's "Bring your Keras model" example, with `Ex2.h5` pointing at `file`. */
function example(file: string): string {
  const section = README.slice(README.indexOf('## Bring your Keras model'));
  const code = /```ts[^\n]*\n([\s\S]*?)```/.exec(section)![1]!;
  return code
    .replace(
      "from '@seqlab/models'",
      `from ${JSON.stringify(join(import.meta.dirname, '../src/index.node.ts'))}`,
    )
    .replaceAll("'Ex2.h5'", JSON.stringify(file));
}

const temp: string[] = [];
let run = 0;
beforeAll(async () => {
  await initWasm();
  await (await import('h5wasm')).ready;
}, 60_000);
afterEach(() => {
  for (const f of temp.splice(0)) rmSync(f, { force: true });
});

it.each([
  ['the real Keras 2.15 LSTM (ids)', join(SHARED, '01-imdb-lstm-k2.15.h5')],
  ["the lesson's one-hot SimpleRNN", join(FIXTURES, 'k2-simple-rnn-onehot.h5')],
  ['the real Keras 3.13 .keras', join(SHARED, '13-movie-lstm-k3.13.keras')],
])('the README example runs as written on %s', { timeout: 60_000 }, async (_what, file) => {
  // Inside the package (so that its dependencies resolve), in the git-ignored .vitest folder.
  const dir = join(import.meta.dirname, '../.vitest');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `readme-example-${run++}-${process.pid}.ts`);
  temp.push(path);
  writeFileSync(path, example(file));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ path);
    const printed = log.mock.calls.map((c) => c.map(String).join(' '));
    expect(printed).toHaveLength(2);
    const p = Number(printed[1]);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
  } finally {
    log.mockRestore();
  }
});
