// npm projects outside the workspace, as an application would set one up.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fresh npm project (ESM, private) in `dir`. */
export function project(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  return dir;
}

/**
 * Plain `npm install` (no --legacy-peer-deps, no --force); the registry is asked only for what the cache lacks.
 * One retry: a registry hiccup is not a failure of the packages (a resolution error fails twice).
 */
export function npmInstall(dir: string, specs: string[]): void {
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs];
  // A registry that does not answer must fail the test, not hang CI.
  const options = { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] as const, timeout: 300_000 };
  try {
    execFileSync('npm', args, { ...options, stdio: [...options.stdio] });
  } catch {
    execFileSync('npm', args, { ...options, stdio: [...options.stdio] });
  }
}

/** Runs an ES module given as text in `dir`; returns its stdout (throws with its stderr when it fails). */
export function runModule(dir: string, source: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('node', ['--input-type=module', '-e', source], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
}

/** The unpacked paths of every copy of `name` in the project's node_modules tree. */
export function copiesOf(dir: string, name: string): string[] {
  const out = execFileSync('npm', ['ls', name, '--all', '--parseable'], { cwd: dir, encoding: 'utf8' });
  return [...new Set(out.split('\n').filter((line) => line.trim() !== ''))];
}
