// Each published package must work alone, installed by npm from its packed tarball outside the workspace:
// no `workspace:`/`catalog:` specifier, missing file or undeclared dependency may leak; each carries the licence,
// the metadata a registry page shows, and source maps that a debugger can open.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { npmInstall, project, runModule } from './_npm.js';
import { root } from './_setup.js';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  author?: string;
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  keywords?: string[];
  bin?: Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const { work, tarballs, folders } = inject('packed');
const names = Object.keys(tarballs).sort();
const libraries = names.filter((name) => name.startsWith('@seqlab/'));
const unpacked = new Map<string, string>();

beforeAll(() => {
  for (const name of names) {
    const dir = join(work, 'unpacked', name.replace('/', '__'));
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarballs[name]!, '-C', dir]);
    unpacked.set(name, join(dir, 'package'));
  }
});

function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(join(unpacked.get(name)!, 'package.json'), 'utf8')) as Manifest;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    statSync(join(dir, f)).isFile(),
  );
}

/** The tarballs a package needs: itself and, transitively, the unpublished @seqlab packages it depends on. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dep of Object.keys(manifest(name).dependencies ?? {})) if (tarballs[dep]) closure(dep, seen);
  return seen;
}

describe('packed packages', () => {
  it('packs every public package and the CLI', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        ...['callbacks', 'datasets', 'models', 'plot', 'random', 'sequence', 'wasm'].map(
          (n) => `@seqlab/${n}`,
        ),
        'seqlab',
      ]),
    );
  });

  it.each(names)('%s has no workspace or catalog specifier', (name) => {
    expect(readFileSync(join(unpacked.get(name)!, 'package.json'), 'utf8')).not.toMatch(
      /workspace:|catalog:/,
    );
  });

  it.each(names)('%s carries the Apache-2.0 LICENSE of the repository', (name) => {
    const license = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(manifest(name).license).toBe('Apache-2.0');
    expect(readFileSync(join(unpacked.get(name)!, 'LICENSE'), 'utf8')).toBe(license);
  });

  it.each(names)('%s names its repository folder, homepage, issue tracker, keywords and author', (name) => {
    const m = manifest(name);
    const directory = relative(root, folders[name]!);
    expect(m.repository).toEqual({
      type: 'git',
      url: expect.stringMatching(/^git\+https:\/\/.+\.git$/),
      directory,
    });
    const repo = m.repository!.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(m.homepage).toBe(`${repo}/tree/main/${directory}#readme`);
    expect(m.bugs).toEqual({ url: `${repo}/issues` });
    expect(m.keywords?.length).toBeGreaterThan(2);
    expect(m.author).toMatch(/\S/);
  });

  it.each(names)('%s ships source maps only with their sources inlined', (name) => {
    const dir = unpacked.get(name)!;
    const maps = filesUnder(dir).filter((f) => f.endsWith('.map'));
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect({ file, count: map.sourcesContent?.length }).toEqual({ file, count: map.sources.length });
      expect(map.sourcesContent!.every((text) => typeof text === 'string' && text.length > 0)).toBe(true);
    }
  });

  it.each(libraries)('%s installs alone with npm and imports', (name) => {
    const dir = project(join(work, 'alone', name.replace('/', '__')));
    npmInstall(
      dir,
      [...closure(name)].map((n) => tarballs[n]!),
    );
    const script = `
      const mod = await import(${JSON.stringify(name)});
      const names = Object.keys(mod).filter((k) => k !== 'default');
      if (names.length === 0) throw new Error('no exports');
      if (mod.initWasm) {
        const info = await mod.initWasm();
        if (info.backend !== 'wasm' || !info.simd) throw new Error('wasm did not start: ' + JSON.stringify(info));
      }
      console.log(JSON.stringify(names));
    `;
    expect((JSON.parse(runModule(dir, script)) as string[]).length).toBeGreaterThan(0);
  });
});

describe('the packed CLI', () => {
  it('is publishable: not private, a bin that is in the tarball', () => {
    const m = manifest('seqlab');
    expect(m.private).toBeUndefined();
    expect(m.bin).toEqual({ seqlab: './bin/seqlab.js' });
    expect(existsSync(join(unpacked.get('seqlab')!, 'bin', 'seqlab.js'))).toBe(true);
    expect(existsSync(join(unpacked.get('seqlab')!, 'dist', 'seqlab.js'))).toBe(true);
  });

  it('ships the training-thread script beside the bundle, as @seqlab/models does beside its module', () => {
    expect(existsSync(join(unpacked.get('seqlab')!, 'dist', '_train_worker.js'))).toBe(true);
    expect(existsSync(join(unpacked.get('@seqlab/models')!, 'dist', '_train_worker.js'))).toBe(true);
  });

  it('depends on tfjs-backend-cpu instead of bundling a second copy of it', () => {
    const m = manifest('seqlab');
    const bundle = readFileSync(join(unpacked.get('seqlab')!, 'dist', 'seqlab.js'), 'utf8');
    const wasm = JSON.parse(
      readFileSync(
        join(folders.seqlab!, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'package.json'),
        'utf8',
      ),
    ) as Manifest;
    // tfjs-backend-wasm installs tfjs-backend-cpu anyway: the CLI takes that copy.
    expect(m.dependencies?.['@tensorflow/tfjs-backend-cpu']).toBe(
      wasm.dependencies?.['@tensorflow/tfjs-backend-cpu'],
    );
    expect(bundle).not.toMatch(/tfjs-backend-cpu\/dist|tf-backend-cpu/);
    expect(bundle).toMatch(/from "@tensorflow\/tfjs-backend-cpu"|import\("@tensorflow\/tfjs-backend-cpu"\)/);
  });

  it('@seqlab/wasm ships no copy of the .wasm binaries tfjs-backend-wasm installs', () => {
    const files = filesUnder(unpacked.get('@seqlab/wasm')!);
    expect(files.filter((f) => f.endsWith('.wasm'))).toEqual([]);
  });

  it('installs globally into an empty prefix with npm and runs', () => {
    const prefix = join(work, 'global');
    mkdirSync(prefix);
    execFileSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        tarballs.seqlab!,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 },
    );
    const out = execFileSync(join(prefix, 'bin', 'seqlab'), ['info', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(JSON.parse(out)).toMatchObject({
      runtime: { backend: 'wasm', simd: true },
      versions: { seqlab: '0.0.0' },
    });
  });
});
