// Two threads inside the fused recurrent kernels and WaveNet's gated block: a helper thread on the module's shared
// memory, and the fork-join of one kernel call (the caller publishes the helper's half in the control block, runs
// its own half, then waits for the helper's). `setFusedThreads` starts and ends the helper; `helperPool()` is what
// the split kernels use.
import { canBlockThread, coreLoad, startHelperThread } from '#platform';
import type { HelperThread } from '../_helper_thread.js';
import { CTL, CTL_BYTES, helperMain, MAX_ARGS, MAX_MESSAGE } from './_helper.js';
import { arenaOf, fusedExports, sharedFusedModule } from './_module.js';
import { FusedRnnError } from './errors.js';

/** What {@link setFusedThreads} chose, and why. */
export interface FusedThreadsInfo {
  /** Threads a fused recurrent kernel or gated block call runs on: 1, or 2 (the batch split in two halves). */
  threads: 1 | 2;
  /** Why, in words (cores and load for `'auto'`, or what is missing for two). */
  reason: string;
}

/** Loads of the done counter before the caller sleeps in Atomics.wait (a few microseconds). */
const JOIN_SPINS = 2000;

/** How long a call waits for the helper to pick it up before it reports the helper dead. */
let pickUpTimeoutMs = 10_000;

/** @internal For tests: the pick-up timeout in ms (returns the previous one). */
export function setHelperPickUpTimeout(ms: number): number {
  const previous = pickUpTimeoutMs;
  pickUpTimeoutMs = ms;
  return previous;
}

/** The helper thread and its control block; runs one kernel call at a time. */
export class HelperPool {
  private sequence = 0;
  private failure: FusedRnnError | null = null;
  private scratchBlock: { start: number; size: number } | null = null;

  constructor(
    private readonly ctl: Int32Array,
    private readonly control: { start: number; size: number },
    private readonly thread: HelperThread,
    private readonly names: readonly string[],
  ) {}

  /** A block of `bytes` for the helper's own buffers, valid until the next call's `scratch`. */
  scratch(bytes: number): number {
    const block = this.scratchBlock;
    if (block !== null && block.size >= bytes) return block.start;
    const arena = arenaOf(fusedExports());
    if (block !== null) arena.releasePinned(block);
    this.scratchBlock = arena.allocPinned(Math.max(bytes, 4096));
    return this.scratchBlock.start;
  }

  /**
   * Runs kernel `name` with `args` on the helper while `local` runs here; returns when both are done. Throws the
   * helper's error (after `local` finished), or `local`'s.
   */
  run(name: string, args: readonly number[], local: () => void): void {
    if (this.failure !== null) throw this.failure;
    const index = this.names.indexOf(name);
    if (index < 0 || args.length > MAX_ARGS) {
      throw new FusedRnnError(
        'THREAD_FAILED',
        `The fused kernels' helper thread cannot run ${name} with ${args.length} arguments: expected one of ` +
          `${this.names.join(', ')} with at most ${MAX_ARGS}.`,
      );
    }
    const { ctl } = this;
    for (let i = 0; i < args.length; i++) ctl[CTL.args + i] = args[i]!;
    ctl[CTL.count] = args.length;
    ctl[CTL.kernel] = index;
    const seq = ++this.sequence;
    Atomics.store(ctl, CTL.go, seq);
    Atomics.notify(ctl, CTL.go);
    let localError: unknown = null;
    try {
      local();
    } catch (error) {
      localError = error;
    }
    this.join(seq, name);
    if (localError !== null) throw localError;
  }

  private join(seq: number, name: string): void {
    const { ctl } = this;
    // The halves take about as long: a short spin often sees the helper finish without a sleep and a wake-up.
    for (let i = 0; i < JOIN_SPINS && Atomics.load(ctl, CTL.done) !== seq; i++);
    const start = performance.now();
    while (Atomics.load(ctl, CTL.done) !== seq) {
      Atomics.wait(ctl, CTL.done, seq - 1, 50);
      if (
        Atomics.load(ctl, CTL.done) !== seq &&
        Atomics.load(ctl, CTL.ack) !== seq &&
        performance.now() - start > pickUpTimeoutMs
      ) {
        this.failure = new FusedRnnError(
          'THREAD_FAILED',
          `The fused kernels' helper thread did not pick up ${name} within ${pickUpTimeoutMs} ms: expected a ` +
            'running helper, got none (it ended or was never scheduled). Use setFusedThreads(1) or restart.',
        );
        void this.thread.terminate();
        throw this.failure;
      }
    }
    if (ctl[CTL.status] !== 0) {
      const message = readMessage(ctl);
      throw new FusedRnnError(
        'THREAD_FAILED',
        `The fused kernels' helper thread failed in ${name} (rows of the batch's second half): ${message}`,
      );
    }
  }

  /** Ends the helper and frees its control block and scratch. */
  async close(): Promise<void> {
    const { ctl } = this;
    ctl[CTL.kernel] = -1;
    Atomics.store(ctl, CTL.go, ++this.sequence);
    Atomics.notify(ctl, CTL.go);
    await this.thread.terminate();
    const arena = arenaOf(fusedExports());
    if (this.scratchBlock !== null) arena.releasePinned(this.scratchBlock);
    arena.releasePinned(this.control);
    this.scratchBlock = null;
  }
}

function readMessage(ctl: Int32Array): string {
  const n = Math.min(ctl[CTL.messageLength]!, MAX_MESSAGE);
  let text = '';
  for (let i = 0; i < n; i++) text += String.fromCharCode(ctl[CTL.message + i]!);
  return text;
}

/** The kernels the helper can run (those the split bindings hand it). */
export const HELPER_KERNELS = [
  'rnnForward',
  'rnnBackward',
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
  'gatedBlockForward',
  'gatedBlockBackward',
] as const;

/** One thread unless asked: a seeded run's numbers then do not depend on the machine or its load. */
const DEFAULT: FusedThreadsInfo = {
  threads: 1,
  reason: "1 thread: the default (threads: 2 or 'auto' splits the kernels over two)",
};

let pool: HelperPool | null = null;
let current: FusedThreadsInfo = DEFAULT;
let changing: Promise<FusedThreadsInfo> = Promise.resolve(current);

/** The helper pool while the kernels run on two threads, else null. */
export function helperPool(): HelperPool | null {
  return pool;
}

/** The fused kernels' thread count now, and why. */
export function fusedThreads(): FusedThreadsInfo {
  return current;
}

/** Two threads when at least 1.5 cores are free (cores minus the 1-minute load average). */
export const AUTO_FREE_CORES = 1.5;

function choose(requested: number | 'auto'): FusedThreadsInfo {
  if (requested === 1) return { threads: 1, reason: '1 thread: asked for 1' };
  if (sharedFusedModule() === null) {
    return {
      threads: 1,
      reason: '1 thread: no shared WebAssembly memory here (a browser page must be cross-origin isolated)',
    };
  }
  if (!canBlockThread()) {
    return { threads: 1, reason: "1 thread: this thread cannot wait for a helper (a page's main thread)" };
  }
  if (requested !== 'auto') {
    return {
      threads: 2,
      reason:
        requested === 2
          ? '2 threads: asked for 2'
          : `2 threads: asked for ${requested}, kernels split in two at most`,
    };
  }
  const { cores, load } = coreLoad();
  const free = cores - (load ?? 0);
  const seen = load === null ? `${cores} cores` : `${cores} cores, load ${load.toFixed(2)}`;
  return free >= AUTO_FREE_CORES
    ? { threads: 2, reason: `2 threads: auto, ${seen}` }
    : { threads: 1, reason: `1 thread: auto, ${seen} (under ${AUTO_FREE_CORES} cores free)` };
}

/**
 * Sets how many threads the fused recurrent kernels (`fusedLstm`, `fusedGru`, `fusedSimpleRnn`) and WaveNet's gated
 * block (`fusedGatedBlock`), forward and backward, use: 1, or 2 — the batch split in halves, rows `[0, B/2)` on
 * the calling thread and `[B/2, B)` on a helper thread that shares the module's memory, the halves' weight gradients
 * summed in that order, so a run is reproducible for a given thread count. Forward outputs are the same bit for bit
 * as on one thread; gradients agree up to float rounding. `'auto'`: 2 where at least 1.5 cores are free (cores minus the 1-minute load average;
 * `navigator.hardwareConcurrency` in a browser), else 1. Two need a shared memory (Node, or a cross-origin isolated
 * page) and a thread that may block (Node, or a Worker — not a page's main thread); else this says why it chose 1.
 * `initWasm({ threads })` calls it.
 *
 * @example
 * ```ts
 * const { threads, reason } = await setFusedThreads('auto');
 * ```
 */
export function setFusedThreads(requested: number | 'auto'): Promise<FusedThreadsInfo> {
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    return Promise.reject(
      new FusedRnnError(
        'INVALID_OPTION',
        `setFusedThreads: threads must be a positive integer or 'auto', got ${String(requested)}.`,
      ),
    );
  }
  changing = changing.catch(() => current).then(() => apply(choose(requested)));
  return changing;
}

/** @internal `initWasm` without `threads`: back to the default, one thread. */
export function defaultFusedThreads(): Promise<FusedThreadsInfo> {
  changing = changing.catch(() => current).then(() => apply(DEFAULT));
  return changing;
}

async function apply(next: FusedThreadsInfo): Promise<FusedThreadsInfo> {
  if (next.threads === 1 && pool !== null) {
    const ending = pool;
    pool = null;
    await ending.close();
  }
  if (next.threads === 2 && pool === null) pool = await startPool();
  current = next;
  return current;
}

async function startPool(): Promise<HelperPool> {
  const shared = sharedFusedModule()!;
  const arena = arenaOf(fusedExports());
  const control = arena.allocPinned(CTL_BYTES);
  const ctl = new Int32Array(shared.memory.buffer, control.start, CTL_BYTES / 4);
  ctl.fill(0);
  const slots = { ...CTL, maxMessage: MAX_MESSAGE };
  let thread: HelperThread;
  try {
    thread = startHelperThread(String(helperMain), {
      module: shared.module,
      memory: shared.memory,
      control: control.start,
      names: HELPER_KERNELS,
      slots,
    });
  } catch (cause) {
    arena.releasePinned(control);
    throw new FusedRnnError(
      'THREAD_FAILED',
      `The fused kernels' helper thread did not start: ${String(cause)}`,
      {
        cause,
      },
    );
  }
  const started = performance.now();
  while (Atomics.load(ctl, CTL.ready) === 0) {
    if (performance.now() - started > pickUpTimeoutMs || thread.failure() !== null) {
      await thread.terminate();
      arena.releasePinned(control);
      throw new FusedRnnError(
        'THREAD_FAILED',
        thread.failure() === null
          ? `The fused kernels' helper thread did not start within ${pickUpTimeoutMs} ms.`
          : `The fused kernels' helper thread failed to start: ${thread.failure()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  if (Atomics.load(ctl, CTL.ready) !== 1) {
    const message = readMessage(ctl);
    await thread.terminate();
    arena.releasePinned(control);
    throw new FusedRnnError(
      'THREAD_FAILED',
      `The fused kernels' helper thread could not instantiate the shared module: ${message}`,
    );
  }
  return new HelperPool(ctl, control, thread, HELPER_KERNELS);
}
