// An application that already has TensorFlow.js installs the packed @seqlab packages with plain `npm install`:
// tfjs is a peer dependency, so there is one tfjs-core and one tfjs-layers, and the models are the application's
// `tf.LayersModel`s. The peer range is tested at both ends: its lowest version and the newest the registry has.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { copiesOf, npmInstall, project } from './_npm.js';

const { work, tarballs } = inject('packed');
const libraries = Object.keys(tarballs)
  .filter((name) => name.startsWith('@seqlab/'))
  .sort();
const TFJS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm'];

interface Manifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function packedManifest(name: string): Manifest {
  const out = spawnSync('tar', ['-xzOf', tarballs[name]!, 'package/package.json'], { encoding: 'utf8' });
  return JSON.parse(out.stdout) as Manifest;
}

function installedVersion(dir: string, name: string): string {
  return (
    JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

function run(dir: string, file: string): { stdout: string; stderr: string } {
  const child = spawnSync('node', [file], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (child.status !== 0) throw new Error(`node ${file} exited ${child.status}:\n${child.stderr}`);
  return { stdout: child.stdout, stderr: child.stderr };
}

/** The one semver range every package gives each tfjs peer, e.g. `^4.6.0`. */
function peerRange(): string {
  const ranges = new Set<string>();
  for (const name of libraries) {
    const m = packedManifest(name);
    for (const [dep, range] of Object.entries(m.dependencies ?? {})) {
      expect(dep.startsWith('@tensorflow/'), `${name} depends on ${dep}; tfjs must be a peer`).toBe(false);
      void range;
    }
    for (const [dep, range] of Object.entries(m.peerDependencies ?? {})) {
      if (dep.startsWith('@tensorflow/')) ranges.add(range);
    }
  }
  expect(ranges.size).toBe(1);
  return [...ranges][0]!;
}

describe('an application with @tensorflow/tfjs 4.21.0 installs the packed packages', () => {
  it('with plain npm install: one tfjs-core, one tfjs-layers, and the zoo builds tf.LayersModels', () => {
    const dir = project(join(work, 'consumer-tfjs-4.21'));
    npmInstall(dir, ['@tensorflow/tfjs@4.21.0', '@tensorflow/tfjs-backend-wasm@4.21.0']);
    npmInstall(
      dir,
      libraries.map((name) => tarballs[name]!),
    );
    for (const name of [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-layers',
      '@tensorflow/tfjs-backend-wasm',
    ]) {
      expect({ name, copies: copiesOf(dir, name) }).toEqual({
        name,
        copies: [join(dir, 'node_modules', name)],
      });
      expect(installedVersion(dir, name)).toBe('4.21.0');
    }
    copyFileSync(join(import.meta.dirname, '_union.mjs'), join(dir, 'union.mjs'));
    const { stdout, stderr } = run(dir, 'union.mjs');
    expect(stderr).not.toMatch(/already been set|already registered/);
    expect(JSON.parse(stdout)).toEqual({
      version: '4.21.0',
      backend: 'wasm',
      isLayersModel: true,
      sameTensorClass: true,
      lossFinite: true,
    });
  });
});

describe('the tfjs peer range', () => {
  const range = peerRange();
  const lowest = range.replace(/^\^/, '');

  it('is a caret range', () => {
    expect(range).toMatch(/^\^4\.\d+\.\d+$/);
  });

  it.each([
    ['lowest', lowest],
    ['highest', range],
  ])('the %s tfjs version in the range trains, checkpoints and reloads every zoo model', (end, spec) => {
    const dir = project(join(work, `peer-range-${end}`));
    npmInstall(dir, [...TFJS.map((name) => `${name}@${spec}`), ...libraries.map((name) => tarballs[name]!)]);
    const version = installedVersion(dir, '@tensorflow/tfjs-core');
    if (spec === lowest) expect(version).toBe(lowest);
    for (const name of TFJS) expect(installedVersion(dir, name)).toBe(version);
    copyFileSync(join(import.meta.dirname, '_smoke.mjs'), join(dir, 'smoke.mjs'));
    const out = JSON.parse(run(dir, 'smoke.mjs').stdout) as {
      core: string;
      backend: string;
      losses: Record<string, number[]>;
      threadedDifference: number;
      epochs: number[];
      reloaded: boolean;
      probabilities: number[];
    };
    expect(out).toMatchObject({ core: version, backend: 'wasm', reloaded: true });
    // trainLesson({ threads: 2 }) from the packed package: its worker script is in the tarball and finds its modules.
    expect(out.threadedDifference).toBeLessThan(1e-6);
    expect(Object.keys(out.losses).length).toBeGreaterThanOrEqual(8);
    for (const [name, losses] of Object.entries(out.losses)) {
      expect({ name, finite: losses.length === 2 && losses.every(Number.isFinite) }).toEqual({
        name,
        finite: true,
      });
    }
    expect(out.epochs.length).toBeGreaterThan(0);
    expect(out.probabilities.every((p) => p > 0 && p < 1)).toBe(true);
  });
});
