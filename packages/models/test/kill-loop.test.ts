// Reliability: a process saving checkpoints in a loop is SIGKILLed at random moments; after every kill a complete
// checkpoint at least as new as the last finished save loads, and temporary folders do not pile up.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSystemHandler } from '../src/index.node.js';

const child = fileURLToPath(new URL('./fixtures/save-loop.mjs', import.meta.url));
const built = fileURLToPath(new URL('../dist/io/_checkpoint_dir.js', import.meta.url));

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqlab-kill-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const leftovers = async (dir: string, name: string) =>
  (await readdir(dir)).filter((n) => n.startsWith(`.${name}.`)).sort();

/** Loads the checkpoint; checks every weight equals the save number it carries; returns that number. */
async function loadNumber(dir: string): Promise<number> {
  const artifacts = await new FileSystemHandler(dir).load();
  const n = (artifacts.userDefinedMetadata as { n: number }).n;
  const weights = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  expect(weights.length).toBe(64 * 64 + 64);
  expect(weights.every((v) => v === n)).toBe(true);
  return n;
}

interface Saver {
  proc: ChildProcess;
  /** Resolves once the child has loaded and waits for its first number. */
  ready: Promise<void>;
  /** Resolves once the child is between the two renames of a save (with `pauseMidSwap`). */
  swapping: Promise<void>;
  /** Resolves once `count` saves have returned since `go`. */
  saves: (count: number) => Promise<void>;
  /** The number of the last save that returned, or -1. */
  last: () => number;
  go: (first: number) => void;
}

/** Starts a save-loop child; it loads while the previous one runs, and saves once told `go(first)`. */
function spawnSaver(dir: string, pauseMidSwap = false): Saver {
  const proc = spawn(process.execPath, [child, dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, SEQLAB_SWAP_PAUSE: pauseMidSwap ? '1' : '0' },
  });
  let last = -1;
  let first = Infinity;
  let buffer = '';
  const waiting: { count: number; resolve: () => void }[] = [];
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  let onSwapping!: () => void;
  const swapping = new Promise<void>((resolve) => {
    onSwapping = resolve;
  });
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') onReady();
      else if (line === 'swapping') onSwapping();
      else last = Number(line);
    }
    for (const w of waiting.splice(0)) {
      if (last - first + 1 >= w.count) w.resolve();
      else waiting.push(w);
    }
  });
  return {
    proc,
    ready,
    swapping,
    saves: (count) => new Promise((resolve) => waiting.push({ count, resolve })),
    last: () => last,
    go: (n) => {
      first = n;
      proc.stdin!.write(`${n}\n`);
    },
  };
}

const killed = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    proc.once('close', () => resolve());
    proc.kill('SIGKILL');
  });

describe('file-system checkpoints under SIGKILL', () => {
  it('a save cut between its two renames is recovered by the next load, and its leftovers removed', async () => {
    // A process that no longer runs left the old and the new model next to a missing target.
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = await new Promise<number>((resolve) => gone.once('exit', () => resolve(gone.pid!)));
    const dir = join(root, 'cut');
    const save = (n: number) =>
      new FileSystemHandler(dir).save({
        modelTopology: { class_name: 'Sequential', config: { name: 'x', layers: [] } },
        weightSpecs: [{ name: 'w', shape: [2], dtype: 'float32' }],
        weightData: new Float32Array([n, n]).buffer,
        userDefinedMetadata: { n },
      });
    await save(1);
    await rename(dir, join(root, `.cut.old-${pid}-aa`));
    await save(2);
    await rename(dir, join(root, `.cut.tmp-${pid}-aa`));
    // An incomplete new model of another dead save: its weights.bin is short.
    await mkdir(join(root, `.cut.tmp-${pid}-bb`));
    await writeFile(
      join(root, `.cut.tmp-${pid}-bb`, 'model.json'),
      '{"weightsManifest":[{"paths":["weights.bin"],',
    );
    expect(existsSync(dir)).toBe(false);
    const artifacts = await new FileSystemHandler(join(dir, 'model.json')).load();
    expect(Array.from(new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!)))).toEqual([
      2, 2,
    ]);
    expect(await leftovers(root, 'cut')).toEqual([]);
  });

  it('a complete sibling of a live-looking owner (a reused pid) is recovered after a short wait', async () => {
    const dir = join(root, 'reused');
    await new FileSystemHandler(dir).save({
      modelTopology: { class_name: 'Sequential', config: { name: 'x', layers: [] } },
      weightSpecs: [{ name: 'w', shape: [1], dtype: 'float32' }],
      weightData: new Float32Array([5]).buffer,
    });
    // pid 1 always runs: the folder looks like a live saver's, yet no swap completes.
    await rename(dir, join(root, '.reused.tmp-1-cc'));
    const artifacts = await new FileSystemHandler(dir).load();
    expect(Array.from(new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!)))).toEqual([5]);
    expect(await leftovers(root, 'reused')).toEqual([]);
  });

  it('up to 100 SIGKILLs (45 s) during a save loop always leave a loadable, up-to-date checkpoint and no temp folders', async () => {
    expect(existsSync(built)).toBe(true);
    const dir = join(root, 'runs');
    await mkdir(dir);
    const target = join(dir, 'best');
    let saver = spawnSaver(target);
    await saver.ready;
    saver.go(0);
    await saver.saves(1);
    let lastSaved = -1;
    let kills = 0;
    let targetMissing = 0;
    let mostLeftovers = 0;
    const deadline = Date.now() + 45_000;
    while (kills < 100 && Date.now() < deadline) {
      // The next child loads while this one saves; it starts saving only once this one is dead.
      const following = spawnSaver(target);
      await following.ready;
      // A random moment in the next few saves (each a few milliseconds; the first one recovers and cleans).
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      await killed(saver.proc);
      lastSaved = Math.max(lastSaved, saver.last());
      kills++;
      if (!existsSync(target)) targetMissing++;
      mostLeftovers = Math.max(mostLeftovers, (await leftovers(dir, 'best')).length);
      const n = await loadNumber(target);
      // Never older than the last save that returned; at most the one save that was cut short.
      expect(n).toBeGreaterThanOrEqual(lastSaved);
      expect(n).toBeLessThanOrEqual(lastSaved + 1);
      expect(await leftovers(dir, 'best')).toEqual([]);
      const next = Math.max(n, lastSaved) + 1;
      saver = following;
      saver.go(next);
    }
    await killed(saver.proc);
    expect(kills).toBeGreaterThanOrEqual(25);
    // One killed save leaves at most its own two folders: the next save or load removes them.
    expect(mostLeftovers).toBeLessThanOrEqual(2);
    // And three kills aimed between the two renames of a save: no target, yet the last save is recovered.
    for (let i = 0; i < 3; i++) {
      const aimed = spawnSaver(target, true);
      await aimed.ready;
      const first = (await loadNumber(target)) + 1;
      aimed.go(first);
      await aimed.swapping;
      await killed(aimed.proc);
      expect(existsSync(target)).toBe(false);
      expect(await loadNumber(target)).toBe(first);
      expect(await leftovers(dir, 'best')).toEqual([]);
    }
    if (process.env['SEQLAB_KILL_STATS']) console.info({ kills, targetMissing, mostLeftovers });
  }, 70_000);
});
