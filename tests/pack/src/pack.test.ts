// Each published package must work alone, installed by npm from its packed tarball outside the workspace:
// no `workspace:`/`catalog:` specifier, missing file or undeclared dependency may leak.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const packagesDir = join(root, 'packages');
const folders = readdirSync(packagesDir).filter((name) => !name.startsWith('.'));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const work = mkdtempSync(join(tmpdir(), 'seqlab-pack-'));
const tarballs = new Map<string, string>();
const manifests = new Map<string, Manifest>();

beforeAll(() => {
  const out = join(work, 'tarballs');
  mkdirSync(out);
  for (const folder of folders) {
    const dir = join(packagesDir, folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    if (manifest.private) continue;
    const json = execFileSync('pnpm', ['pack', '--json', '--pack-destination', out], {
      cwd: dir,
      encoding: 'utf8',
    });
    const { filename } = JSON.parse(json) as { filename: string };
    tarballs.set(manifest.name, resolve(out, filename));
    manifests.set(manifest.name, manifest);
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function packedManifest(tarball: string): Manifest {
  const text = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  return JSON.parse(text) as Manifest;
}

/** The tarballs a package needs: itself and, transitively, the unpublished @seqlab packages it depends on. */
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const deps = packedManifest(tarballs.get(name)!).dependencies ?? {};
  for (const dep of Object.keys(deps)) if (tarballs.has(dep)) closure(dep, seen);
  return seen;
}

describe('packed packages', () => {
  it('packs every public package', () => {
    expect([...tarballs.keys()].sort()).toEqual(
      ['callbacks', 'datasets', 'models', 'plot', 'random', 'sequence', 'wasm'].map((n) => `@seqlab/${n}`),
    );
  });

  it.each(folders.map((f) => `@seqlab/${f}`))('%s has no workspace or catalog specifier', (name) => {
    const text = execFileSync('tar', ['-xzOf', tarballs.get(name)!, 'package/package.json'], {
      encoding: 'utf8',
    });
    expect(text).not.toMatch(/workspace:|catalog:/);
  });

  it.each(folders.map((f) => `@seqlab/${f}`))('%s installs alone with npm and imports', (name) => {
    const project = join(work, name.replace('/', '__'));
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
    );
    const specs = [...closure(name)].map((n) => tarballs.get(n)!);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
      cwd: project,
      stdio: ['ignore', 'ignore', 'inherit'],
      // A registry that does not answer must fail the test, not hang CI.
      timeout: 240_000,
    });
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
    const out = execFileSync('node', ['--input-type=module', '-e', script], {
      cwd: project,
      encoding: 'utf8',
    });
    expect((JSON.parse(out) as string[]).length).toBeGreaterThan(0);
  });
});
