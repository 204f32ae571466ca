// Training threads, the platform-neutral part: the `threads` option, which mechanism a model gets (the fused
// kernels' helper thread, or data-parallel workers), and the registry through which the Node entry (index.node.ts)
// provides the data-parallel worker threads.
import { type FusedThreadsInfo, fusedThreads, setFusedThreads } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from './errors.js';
import { CellRNN } from './layers/_rnn.js';
import { CausalConv1D } from './layers/causal_conv1d.js';

/** A thread count, or `'auto'`: 2 where two cores are free, else 1 (see {@link TrainLessonOptions.threads}). */
export type ThreadsOption = number | 'auto';

/** `'auto'` trains on one thread when an epoch has fewer batches than this. */
export const AUTO_MIN_BATCHES = 100;

/** The largest explicit thread count accepted. */
export const MAX_THREADS = 64;

/** Training threads for one `trainLesson` call. */
export interface TrainingThreads {
  /** Computes a batch's gradients, shard by shard over the threads (shard 0 on the calling thread). */
  prepare(xs: tf.Tensor, ys: tf.Tensor): Promise<void>;
  /** tfjs-layers' train function for the prepared batch: one optimizer step, `[loss, ...metrics]`. */
  step(ins: tf.Tensor[]): tf.Scalar[];
  /** Ends the threads (idempotent). */
  close(): Promise<void>;
}

/** What a platform provides for threads (Node: `worker_threads`). */
export interface ThreadPlatform {
  /** What `'auto'` means here. */
  autoThreads(): number;
  start(model: tfl.LayersModel, threads: number, batchSize: number): Promise<TrainingThreads>;
}

let platform: ThreadPlatform | null = null;

/** @internal Called by the Node entry. */
export function registerThreadPlatform(provider: ThreadPlatform): void {
  platform = provider;
}

/**
 * The thread count `trainLesson` uses for a `threads` option: `'auto'` resolved on this machine now (1 where the
 * platform has no threads, e.g. a browser), an explicit count checked.
 * @throws ModelsError `INVALID_OPTION` for anything but `'auto'` or an integer in `[1, MAX_THREADS]`.
 */
export function resolveThreads(value: unknown, where = 'threads'): number {
  if (value === 'auto') return platform?.autoThreads() ?? 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new ModelsError(
      'INVALID_OPTION',
      `${where}: threads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ` +
        `${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`,
    );
  }
  return value;
}

/** Starts `threads` training threads for `model` (`threads >= 2`). */
export function startThreads(
  model: tfl.LayersModel,
  threads: number,
  batchSize: number,
  where: string,
): Promise<TrainingThreads> {
  if (platform === null) {
    throw new ModelsError(
      'NODE_ONLY',
      `${where}: threads = ${threads} needs Node's worker_threads (the package's Node entry); use threads: 1 ` +
        "or 'auto' here.",
    );
  }
  return platform.start(model, threads, batchSize);
}

/**
 * Zoo models whose epochs measured faster data-parallel on two free cores (wavenet 1.27×; conv1d 0.41×, and the
 * recurrent models split inside their kernels instead): `'auto'` trains only these data-parallel. On the wasm
 * backend wavenet splits inside its gated blocks' kernels instead (see {@link threadMechanism}); this list then
 * applies to it on other backends.
 */
export const AUTO_DATA_PARALLEL: readonly string[] = ['wavenet'];

let forced: 'kernels' | 'data' | null = null;

/**
 * @internal For bench/threads.mjs: every model trains with `mechanism` (`null`: each by {@link threadMechanism}'s
 * rule), so one process can time the kernel split against data-parallel. Returns the previous setting.
 */
export function forceThreadMechanism(mechanism: 'kernels' | 'data' | null): 'kernels' | 'data' | null {
  const previous = forced;
  forced = mechanism;
  return previous;
}

/**
 * How `threads >= 2` trains `model`: `'kernels'` when it has seqlab recurrent layers or WaveNet gated blocks on the
 * wasm backend (their fused kernels split each batch over two threads on one shared memory;
 * bench/RESULTS-threads.md), else `'data'` (data-parallel worker threads, each with its own model).
 */
export function threadMechanism(model: tfl.LayersModel): 'kernels' | 'data' {
  if (forced !== null) return forced;
  if (tf.getBackend() !== 'wasm') return 'data';
  const seen = new Set<unknown>();
  const visit = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return false;
    seen.add(value);
    if (value instanceof CellRNN) return true;
    // A gated block's convolutions run as one fused op (fusedGatedBlock), which splits its batch like an RNN's.
    if (value instanceof CausalConv1D) return value.block !== null && value.fused;
    const record = value as Record<string, unknown>;
    // Bidirectional holds two layers, wrappers one layer, nested models their layers.
    for (const key of ['forwardLayer', 'backwardLayer', 'layer']) if (visit(record[key])) return true;
    return Array.isArray(record['layers']) && record['layers'].some(visit);
  };
  return visit(model) ? 'kernels' : 'data';
}

/**
 * Sets the fused kernels' threads for one training run (`threads`: 1 or 2, already resolved) and returns the
 * setting to restore afterwards.
 */
export async function useKernelThreads(
  threads: number,
): Promise<{ chosen: FusedThreadsInfo; restore: () => Promise<void> }> {
  const previous = fusedThreads().threads;
  const chosen = await setFusedThreads(Math.min(threads, 2));
  return {
    chosen,
    restore: async () => {
      await setFusedThreads(previous);
    },
  };
}
