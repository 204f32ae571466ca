// Every README's code examples run as written, against the packed packages installed with npm (with the tfjs
// version the repository builds with). An example gets its own empty folder as working directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { npmInstall, project } from './_npm.js';
import { examples } from './_readme.js';
import { root } from './_setup.js';

const { work, tarballs, folders } = inject('packed');
const libraries = Object.keys(tarballs)
  .filter((name) => name.startsWith('@seqlab/'))
  .sort();
const require = createRequire(import.meta.url);
const TFJS_VERSION = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;

const cases = Object.keys(folders)
  .sort()
  .flatMap((name) => {
    const readme = join(folders[name]!, 'README.md');
    if (!existsSync(readme)) return [];
    return examples(readFileSync(readme, 'utf8')).map((example) => ({
      title: `${relative(root, readme)}:${example.line}`,
      name,
      ...example,
    }));
  });

describe('README examples', () => {
  let dir: string;
  beforeAll(() => {
    dir = project(join(work, 'readme'));
    npmInstall(dir, [
      ...['tfjs-core', 'tfjs-layers', 'tfjs-backend-wasm'].map((n) => `@tensorflow/${n}@${TFJS_VERSION}`),
      ...libraries.map((name) => tarballs[name]!),
    ]);
  });

  it('finds the examples of every package README', () => {
    const withExamples = new Set(cases.map((c) => c.name));
    for (const name of libraries) expect(withExamples).toContain(name);
  });

  it.each(cases)('$title runs', ({ title, code, lang }) => {
    const folder = join(dir, 'examples', title.replace(/[^\w.-]+/g, '_'));
    mkdirSync(folder, { recursive: true });
    const js =
      lang === 'ts' || lang === 'typescript'
        ? ts.transpileModule(code, {
            compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          }).outputText
        : code;
    writeFileSync(join(folder, 'example.mjs'), js);
    const child = spawnSync(process.execPath, ['example.mjs'], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  });
});
