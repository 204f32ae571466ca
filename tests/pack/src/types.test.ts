// The packed packages' types, as an application's compiler sees them: attw (esm-only profile) finds no problem,
// and one file using every package type-checks under moduleResolution node16, bundler and node10.
import { spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { npmInstall, project } from './_npm.js';

const { work, tarballs } = inject('packed');
const libraries = Object.keys(tarballs)
  .filter((name) => name.startsWith('@seqlab/'))
  .sort();
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const attw = join(import.meta.dirname, '..', 'node_modules', '.bin', 'attw');
const TFJS_VERSION = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;

describe('types of the packed packages', () => {
  it.each(libraries)('%s: attw --profile esm-only finds no problem', (name) => {
    const child = spawnSync(attw, [tarballs[name]!, '--profile', 'esm-only', '--format', 'ascii'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    // attw exits 1 on a problem in a resolution the profile checks (node16 from ESM, bundler).
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
    expect(child.stdout).toMatch(/No problems found|ignored/);
  });

  describe('an application compiles against them', () => {
    let dir: string;
    beforeAll(() => {
      dir = project(join(work, 'types'));
      npmInstall(dir, [
        ...['tfjs-core', 'tfjs-layers', 'tfjs-backend-wasm'].map((n) => `@tensorflow/${n}@${TFJS_VERSION}`),
        ...libraries.map((name) => tarballs[name]!),
      ]);
      copyFileSync(join(import.meta.dirname, '_types-consumer.ts'), join(dir, 'consumer.ts'));
    });

    it.each([
      ['node16', 'node16'],
      ['bundler', 'esnext'],
      ['node10', 'esnext'],
    ])('with moduleResolution %s', (moduleResolution, module) => {
      const config = join(dir, `tsconfig.${moduleResolution}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution,
            target: 'es2022',
            lib: ['es2023', 'dom'],
            strict: true,
            noEmit: true,
            // tfjs' own declarations do not pass a full check; the @ts-expect-error lines catch an `any` that an
            // unresolved import in a skipped declaration file would give.
            skipLibCheck: true,
            types: [],
          },
          files: ['consumer.ts'],
        }),
      );
      const out = spawnSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8' });
      expect(out.stdout + out.stderr).toBe('');
      expect(out.status).toBe(0);
    });
  });
});
