// The runLesson examples in the READMEs and docs/lesson.md, run as written (against the built package).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const pkg = resolve(import.meta.dirname, '..');
const repo = resolve(pkg, '..', '..');
// Inside the package folder, so `@seqlab/lesson` resolves to this package and `@seqlab/wasm` to its dependency.
const work = mkdtempSync(join(pkg, '.examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The ```ts blocks of a Markdown file that call runLesson. */
function examples(file: string): string[] {
  const text = readFileSync(join(repo, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .filter((code) => code.includes('runLesson('));
}

const files = ['README.md', 'packages/lesson/README.md', 'docs/lesson.md', 'docs/own-texts.ko.md'];

describe('the runLesson examples', () => {
  it('are found in every file that documents runLesson', () => {
    for (const file of files) expect(examples(file).length, file).toBeGreaterThan(0);
  });

  describe.runIf(process.env.SEQLAB_DATA_DIR)('run as written on the real data', () => {
    for (const [file, i] of files.flatMap((f) => examples(f).map((_, i) => [f, i] as const))) {
      it(`${file} #${i + 1}`, async () => {
        const script = join(work, `${file.replaceAll('/', '_')}-${i}.mjs`);
        writeFileSync(script, examples(file)[i] as string);
        const { stdout } = await run('node', [script], { cwd: work, env: process.env });
        // Each example exits 0 (execFile rejects otherwise) and prints the test accuracy it reached.
        expect(stdout).toMatch(/acc(uracy)?:? [01]\.\d+/);
      });
    }
  });
});
