// Packs every publishable package (packages/* and the CLI) once for all test files; they read the tarballs'
// paths through `inject('packed')`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

export interface Packed {
  /** A scratch folder for the test files' npm projects; removed after the run. */
  work: string;
  /** Package name → absolute path of its tarball. */
  tarballs: Record<string, string>;
  /** Package name → its folder in the repository. */
  folders: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    packed: Packed;
  }
}

export const root: string = resolve(import.meta.dirname, '../../..');

/** The publishable package folders: every non-private package under packages/ and apps/. */
export function publishableFolders(): string[] {
  const folders: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, parent))) {
      if (name.startsWith('.')) continue;
      const dir = join(root, parent, name);
      let manifest: { private?: boolean };
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private?: boolean };
      } catch {
        continue;
      }
      if (!manifest.private) folders.push(dir);
    }
  }
  return folders;
}

/** `pnpm` when it is on PATH (under `pnpm test`), else the repository's pnpm through npx. */
export function pnpm(): [string, string[]] {
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).status === 0;
  return onPath ? ['pnpm', []] : ['npx', ['--yes', 'pnpm@12.4.2']];
}

export default function setup(project: TestProject): () => void {
  const work = mkdtempSync(join(tmpdir(), 'seqlab-pack-'));
  const out = join(work, 'tarballs');
  mkdirSync(out);
  const [command, prefix] = pnpm();
  const tarballs: Record<string, string> = {};
  const folders: Record<string, string> = {};
  for (const dir of publishableFolders()) {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
    const json = execFileSync(command, [...prefix, 'pack', '--json', '--pack-destination', out], {
      cwd: dir,
      encoding: 'utf8',
    });
    const { filename } = JSON.parse(json) as { filename: string };
    tarballs[name] = resolve(out, filename);
    folders[name] = dir;
  }
  project.provide('packed', { work, tarballs, folders });
  return () => rmSync(work, { recursive: true, force: true });
}
