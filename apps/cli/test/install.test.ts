// The packed CLI installs on its own: `npm install -g` of the tarball into a clean prefix gives a working command.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'seqlab-global-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm install -g seqlab.tgz', () => {
  const prefix = join(work, 'prefix');
  const bin = join(prefix, 'bin', 'seqlab');

  it('installs from the packed tarball with npm alone', () => {
    const json = execFileSync('pnpm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      encoding: 'utf8',
    });
    const { filename } = JSON.parse(json) as { filename: string };
    const manifest = execFileSync('tar', ['-xzOf', filename, 'package/package.json'], { encoding: 'utf8' });
    expect(manifest).not.toMatch(/workspace:|catalog:/);
    expect(Object.keys((JSON.parse(manifest) as { dependencies: object }).dependencies).sort()).toEqual([
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      'cli-progress',
      'csv-parse',
      'fflate',
      'h5wasm',
    ]);
    execFileSync(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', filename],
      {
        cwd: work,
        stdio: ['ignore', 'ignore', 'inherit'],
        // A registry that does not answer must fail the test, not hang CI.
        timeout: 240_000,
      },
    );
  });

  it('runs seqlab --help and seqlab info from the clean prefix', () => {
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, NO_COLOR: '1' };
    const help = execFileSync(bin, ['--help'], { cwd: work, env, encoding: 'utf8' });
    expect(help).toContain('Usage: seqlab <command> [options]');
    const info = JSON.parse(execFileSync(bin, ['info', '--json'], { cwd: work, env, encoding: 'utf8' })) as {
      runtime: { backend: string; simd: boolean };
      versions: { seqlab: string };
    };
    expect(info.runtime).toMatchObject({ backend: 'wasm', simd: true });
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
      .version;
    expect(info.versions.seqlab).toBe(version);
  });

  it('seqlab train gru from the clean prefix exits 2 with the hint, instead of training an LSTM', () => {
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, NO_COLOR: '1' };
    const r = spawnSync(bin, ['train', 'gru'], { cwd: work, env, encoding: 'utf8' });
    expect([r.status, r.stderr.trim()]).toEqual([
      2,
      "error: unexpected argument 'gru': 'seqlab train' takes no arguments.\ndid you mean --model gru?",
    ]);
  });
});
