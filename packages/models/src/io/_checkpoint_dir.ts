// The on-disk life of a checkpoint directory (`model.json` + `weights.bin`): an atomic replace, and the recovery of
// a replace that a killed process left half done. No tfjs here, so a process can save without loading tfjs.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelsError } from '../errors.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
const OWN_FILES = new Set([MODEL_JSON, WEIGHTS_BIN]);

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  // Directory fsync makes a rename durable on POSIX; Windows cannot open directories, so it is best effort.
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}

export async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What the size check reads of a weights manifest entry. */
interface WeightSpec {
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

/** Bytes per element of a weight's stored dtype; undefined when the size cannot be known (strings). */
const ELEMENT_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** The byte length `weights.bin` must have for `specs`, or undefined when a spec's size is not fixed. */
function expectedWeightBytes(specs: WeightSpec[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const bytes = ELEMENT_BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (bytes === undefined) return undefined;
    total += spec.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}

/** A temporary sibling folder of a save: `.<name>.tmp-<pid>-<hex>` (being written) or `.<name>.old-<pid>-<hex>`. */
interface Leftover {
  path: string;
  kind: 'tmp' | 'old';
  pid: number;
  suffix: string;
}

/** Suffixes of the saves this process is running now: their folders are not leftovers. */
const inFlight = new Set<string>();

function ownerAlive(pid: number, suffix: string): boolean {
  if (pid === process.pid) return inFlight.has(suffix);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function leftoversOf(dir: string): Promise<Leftover[]> {
  const prefix = `.${basename(dir)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: Leftover[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(tmp|old)-(\d+)-([0-9a-f]+)$/.exec(name.slice(prefix.length));
    if (match === null) continue;
    out.push({
      path: join(dirname(dir), name),
      kind: match[1] as 'tmp' | 'old',
      pid: Number(match[2]),
      suffix: `${match[2]}-${match[3]}`,
    });
  }
  return out;
}

/** The mtime of a complete checkpoint folder's model.json (its weights.bin has the size its manifest says), or undefined. */
async function completeAt(folder: string): Promise<number | undefined> {
  try {
    const jsonPath = join(folder, MODEL_JSON);
    const json = JSON.parse(await readFile(jsonPath, 'utf8')) as {
      weightsManifest?: { paths: string[]; weights: WeightSpec[] }[];
    };
    const groups = json.weightsManifest ?? [];
    const files = groups.flatMap((g) => g.paths);
    if (files.length !== 1 || files[0] !== WEIGHTS_BIN) return undefined;
    const expected = expectedWeightBytes(groups.flatMap((g) => g.weights));
    const weights = await stat(join(folder, WEIGHTS_BIN));
    if (expected !== undefined && weights.size !== expected) return undefined;
    return (await stat(jsonPath)).mtimeMs;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** How long a reader waits for a live saver that is between its two renames. */
const LIVE_SWAP_WAIT_MS = 2000;

/**
 * Brings back the checkpoint of a save that was killed between its two renames, and removes the temporary
 * siblings left by processes that no longer run; the file-system handler's `save` and `load` call it first. When
 * the target is missing and a live process is mid-swap, waits for it (up to 2 s), then recovers anyway. Returns the
 * directory to read: the target, or a complete sibling when the target cannot be renamed into place (a read-only
 * parent); undefined when there is no checkpoint at all.
 */
export async function recoverCheckpointDir(dir: string): Promise<string | undefined> {
  let leftovers = await leftoversOf(dir);
  if ((await statOrUndefined(dir)) === undefined) {
    const deadline = Date.now() + LIVE_SWAP_WAIT_MS;
    while (leftovers.some((l) => ownerAlive(l.pid, l.suffix)) && Date.now() < deadline) {
      await sleep(10);
      if ((await statOrUndefined(dir)) !== undefined) break;
      leftovers = await leftoversOf(dir);
    }
  }
  const dead = leftovers.filter((l) => !ownerAlive(l.pid, l.suffix));
  let readFrom: string | undefined;
  if ((await statOrUndefined(dir)) !== undefined) readFrom = dir;
  else {
    // The newest complete sibling: the new model (tmp) of a swap cut short is newer than the old one it replaces.
    // After the wait, a "live" owner is taken for dead too: its pid was reused, or it stalled mid-swap.
    let best: { leftover: Leftover; at: number } | undefined;
    for (const leftover of leftovers) {
      const at = await completeAt(leftover.path);
      if (at === undefined) continue;
      const newer =
        best === undefined ||
        at > best.at ||
        (at === best.at && leftover.kind === 'tmp' && best.leftover.kind === 'old');
      if (newer) best = { leftover, at };
    }
    if (best !== undefined) {
      try {
        await rename(best.leftover.path, dir);
        await syncDir(dirname(dir));
        readFrom = dir;
      } catch {
        // Another process recovered it first (the target exists now), or the parent is read-only.
        readFrom = (await statOrUndefined(dir)) !== undefined ? dir : best.leftover.path;
      }
    }
  }
  for (const leftover of dead) {
    if (leftover.path === readFrom) continue;
    await rm(leftover.path, { recursive: true, force: true }).catch(() => undefined);
  }
  return readFrom;
}

/**
 * Replaces the checkpoint directory `dir` (or creates it) with `weights.bin` = `weights` and `model.json` =
 * `modelJson`, atomically: both files go into a fresh sibling `.<name>.tmp-<pid>-<hex>` and are fsynced; then `dir`
 * is renamed to `.<name>.old-<pid>-<hex>`, the new directory renamed into its place, and the old one removed. A
 * reader sees the old checkpoint or the new one, never a mix; a kill between the two renames is repaired by
 * {@link recoverCheckpointDir}, which runs first.
 */
export async function replaceCheckpointDir(
  dir: string,
  weights: Uint8Array,
  modelJson: string,
): Promise<void> {
  await recoverCheckpointDir(dir);
  const existing = await statOrUndefined(dir);
  if (existing !== undefined) {
    if (!existing.isDirectory()) {
      throw new ModelsError(
        'NOT_A_MODEL_DIR',
        `fileSystem: cannot save to ${dir}: expected a directory or a missing path, got a file.`,
      );
    }
    const foreign = (await readdir(dir)).filter((name) => !OWN_FILES.has(name));
    if (foreign.length > 0) {
      throw new ModelsError(
        'NOT_A_MODEL_DIR',
        `fileSystem: cannot replace ${dir}: expected a directory holding only ${MODEL_JSON} and ` +
          `${WEIGHTS_BIN}, got also ${foreign.join(', ')}. Save to an empty or new directory.`,
      );
    }
  }
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const suffix = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${suffix}`);
  const old = join(parent, `.${basename(dir)}.old-${suffix}`);
  inFlight.add(suffix);
  try {
    await mkdir(tmp);
    await writeDurable(join(tmp, WEIGHTS_BIN), weights);
    await writeDurable(join(tmp, MODEL_JSON), modelJson);
    await syncDir(tmp);
    if (existing !== undefined) {
      await rename(dir, old);
      try {
        await rename(tmp, dir);
      } catch (error) {
        await rename(old, dir);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, dir);
    }
    await syncDir(parent);
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    if (cause instanceof ModelsError) throw cause;
    throw new ModelsError('SAVE_FAILED', `fileSystem: saving to ${dir} failed: ${String(cause)}`, {
      cause,
    });
  } finally {
    inFlight.delete(suffix);
  }
}
