// Data-parallel training over Node worker threads. Each batch is split into contiguous shards (shard 0 on this
// thread, shard k on worker k); each thread computes its shard's gradients with the same weights on its own tfjs
// backend; the gradients are combined here in shard order, weighted by shard size (so the result is the whole
// batch's mean gradient), and one optimizer step runs here. The weights, ids and gradients go through
// SharedArrayBuffers and Atomics (no per-step messages): a worker sleeps in Atomics.wait until the next batch.
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maskCounters, shardGradients, shardSizes } from './_shard.js';
import { registerThreadPlatform, type TrainingThreads } from './_threads.js';
import {
  COMMAND_STEP,
  COMMAND_STOP,
  CTL,
  CTL_INTS,
  ERROR_BYTES,
  MAX_MASK_SOURCES,
  type WorkerInit,
  type WorkerReady,
} from './_threads_protocol.js';
import { ModelsError } from './errors.js';

/**
 * `'auto'`: 2 threads when at least 1.5 cores are free — `os.availableParallelism()` minus the 1-minute load
 * average — and 1 otherwise (one core, or the machine busy with other work). Never more than 2: the speed-up was
 * measured up to two.
 */
export function autoThreads(): number {
  const free = availableParallelism() - (loadavg()[0] ?? 0);
  return free >= 1.5 ? 2 : 1;
}

/** The worker script: next to this module (in the package's dist and in a bundle), or dist/ when run from src/. */
function workerUrl(): URL {
  const sibling = new URL('./_train_worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../dist/_train_worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new ModelsError(
    'THREAD_FAILED',
    `trainLesson: the training thread script _train_worker.js is missing next to ${import.meta.url} ` +
      '(a bundle must ship it beside the bundled module).',
  );
}

/** Node 16+ has it; TypeScript's ES2023 lib does not declare it. */
interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
}

let live = 0;

/** @internal Worker threads started and not yet ended (tests check that none outlive training). */
export function liveTrainingThreads(): number {
  return live;
}

interface Remote {
  worker: Worker;
  ctl: Int32Array;
  ids: Int32Array;
  labels: Float32Array;
  grads: Float32Array;
  outs: Float32Array;
  error: Uint8Array;
  /** Rejects when the worker dies (error event, exit). */
  failure: Promise<never>;
  exited: boolean;
  /** Steps handed out. */
  sequence: number;
}

interface Pending {
  xs: tf.Tensor;
  sizes: number[];
  total: number;
  /** Per shard: loss, metrics, then every gradient, as float32 arrays. */
  losses: number[];
  metrics: number[][];
  grads: Float32Array[][];
}

class NodeTrainingThreads implements TrainingThreads {
  private pending: Pending | null = null;
  private closed = false;

  constructor(
    private readonly model: tfl.LayersModel,
    private readonly remotes: Remote[],
    private readonly weights: Float32Array,
    private readonly variables: tf.Variable[],
    private readonly offsets: number[],
    private readonly metricCount: number,
  ) {}

  async prepare(xs: tf.Tensor, ys: tf.Tensor): Promise<void> {
    if (this.closed) throw new ModelsError('THREAD_FAILED', 'trainLesson: the training threads were closed.');
    const total = xs.shape[0]!;
    const cols = xs.size / total;
    const yCols = ys.size / total;
    const sizes = shardSizes(total, this.remotes.length + 1);
    if (yCols !== 1 || (sizes[1] ?? 0) * cols > (this.remotes[0]?.ids.length ?? 0)) {
      throw new ModelsError(
        'THREAD_FAILED',
        `trainLesson: a batch of ${total} rows with ${yCols} labels per row does not fit the training threads' buffers.`,
      );
    }
    // The weights every shard starts from.
    this.variables.forEach((v, i) => {
      this.weights.set(v.dataSync() as Float32Array, this.offsets[i]!);
    });
    const counters = maskCounters(this.model);
    const ids = xs.dataSync();
    const labels = ys.dataSync();
    let offset = sizes[0]!;
    const waits: Array<Promise<void>> = [];
    this.remotes.forEach((remote, k) => {
      const rows = sizes[k + 1]!;
      if (rows > 0) {
        const { ctl } = remote;
        ctl[CTL.rows] = rows;
        ctl[CTL.offset] = offset;
        ctl[CTL.total] = total;
        ctl[CTL.cols] = cols;
        ctl[CTL.yCols] = yCols;
        ctl[CTL.maskCount] = counters.length;
        counters.forEach((c, i) => {
          ctl[CTL_INTS + i] = c;
        });
        remote.ids.set(ids.subarray(offset * cols, (offset + rows) * cols) as Int32Array);
        remote.labels.set(labels.subarray(offset * yCols, (offset + rows) * yCols) as Float32Array);
        Atomics.store(ctl, CTL.command, COMMAND_STEP);
        remote.sequence++;
        Atomics.store(ctl, CTL.go, remote.sequence);
        Atomics.notify(ctl, CTL.go);
        waits.push(this.done(remote, k + 1));
      }
      offset += rows;
    });
    // Shard 0, here, while the workers run theirs.
    const n0 = sizes[0]!;
    const local = tf.tidy(() => {
      const x0 = tf.slice(xs, 0, n0);
      const y0 = tf.slice(ys, 0, n0);
      const result = shardGradients(this.model, x0, y0, 0, total);
      return [result.loss, ...result.metrics, ...result.grads];
    });
    const read = local.map((t) => t.dataSync() as Float32Array);
    tf.dispose(local);
    await Promise.all(waits);
    const pending: Pending = {
      xs,
      sizes,
      total,
      losses: [read[0]![0]!],
      metrics: [read.slice(1, 1 + this.metricCount).map((m) => m[0]!)],
      grads: [read.slice(1 + this.metricCount)],
    };
    this.remotes.forEach((remote, k) => {
      if (sizes[k + 1]! === 0) return;
      pending.losses.push(remote.outs[0]!);
      pending.metrics.push(Array.from(remote.outs.subarray(1, 1 + this.metricCount)));
      pending.grads.push(
        this.variables.map((v, i) => remote.grads.slice(this.offsets[i]!, this.offsets[i]! + v.size)),
      );
    });
    this.pending = pending;
  }

  /** Resolves when `remote` finished its step; rejects with the worker's error. */
  private async done(remote: Remote, shard: number): Promise<void> {
    const { ctl } = remote;
    const target = remote.sequence;
    while (Atomics.load(ctl, CTL.done) !== target) {
      const current = Atomics.load(ctl, CTL.done);
      const waiting = (Atomics as unknown as AtomicsWaitAsync).waitAsync(ctl, CTL.done, current);
      if (waiting.async) await Promise.race([waiting.value, remote.failure]);
    }
    if (Atomics.load(ctl, CTL.status) !== 0) {
      const length = Atomics.load(ctl, CTL.errorLength);
      const message = new TextDecoder().decode(remote.error.slice(0, length));
      throw new ModelsError(
        'THREAD_FAILED',
        `trainLesson: training thread ${shard} failed on its shard: ${message}`,
      );
    }
  }

  step(ins: tf.Tensor[]): tf.Scalar[] {
    const pending = this.pending;
    this.pending = null;
    if (pending === null || ins[0] !== pending.xs) {
      throw new ModelsError(
        'THREAD_FAILED',
        'trainLesson: a batch reached the optimizer without its gradients.',
      );
    }
    const weights = pending.sizes.filter((n) => n > 0).map((n) => n / pending.total);
    const mean = (values: number[]): number => values.reduce((sum, v, k) => sum + weights[k]! * v, 0);
    const named: tf.NamedTensorMap = {};
    this.variables.forEach((v, i) => {
      // Shard order, in float64, rounded once: the same sum on every run.
      const sums = new Float64Array(v.size);
      weights.forEach((w, k) => {
        const g = pending.grads[k]![i]!;
        for (let j = 0; j < g.length; j++) sums[j]! += w * g[j]!;
      });
      const combined = Float32Array.from(sums);
      named[v.name] = tf.tensor(combined, v.shape, 'float32');
    });
    const optimizer = this.model.optimizer;
    optimizer.applyGradients(named);
    tf.dispose(Object.values(named));
    return [
      tf.scalar(mean(pending.losses)),
      ...Array.from({ length: this.metricCount }, (_, m) =>
        tf.scalar(mean(pending.metrics.map((s) => s[m]!))),
      ),
    ];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.remotes.map((remote) => endWorker(remote)));
  }
}

async function endWorker(remote: Remote): Promise<void> {
  if (remote.exited) return;
  // Ask it to leave its wait, then terminate (which also stops a worker busy with a step).
  Atomics.store(remote.ctl, CTL.command, COMMAND_STOP);
  Atomics.add(remote.ctl, CTL.go, 1);
  Atomics.notify(remote.ctl, CTL.go);
  await remote.worker.terminate();
}

/** The loss and metric names a worker compiles its copy with. */
function compileArgs(model: tfl.LayersModel): { loss: string; metrics: string[] } {
  const compiled = model as unknown as { loss?: unknown; metrics?: unknown };
  const loss = Array.isArray(compiled.loss) && compiled.loss.length === 1 ? compiled.loss[0] : compiled.loss;
  const metrics = compiled.metrics === undefined ? [] : compiled.metrics;
  if (
    typeof loss !== 'string' ||
    !Array.isArray(metrics) ||
    !metrics.every((m): m is string => typeof m === 'string') ||
    model.optimizer === undefined
  ) {
    throw new ModelsError(
      'INVALID_OPTION',
      'trainLesson: threads > 1 needs a model compiled with an optimizer, a loss and metrics given by name ' +
        `(trainLesson's own compile does so), got loss ${typeof loss === 'string' ? JSON.stringify(loss) : typeof loss}.`,
    );
  }
  return { loss, metrics };
}

async function start(model: tfl.LayersModel, threads: number, batchSize: number): Promise<TrainingThreads> {
  const { loss, metrics } = compileArgs(model);
  const compiled = model as unknown as { collectedTrainableWeights: Array<{ read(): tf.Variable }> };
  const variables = compiled.collectedTrainableWeights.map((w) => w.read());
  const offsets: number[] = [];
  let size = 0;
  for (const v of variables) {
    offsets.push(size);
    size += v.size;
  }
  const counters = maskCounters(model);
  if (counters.length > MAX_MASK_SOURCES) {
    throw new ModelsError(
      'INVALID_OPTION',
      `trainLesson: threads > 1 supports at most ${MAX_MASK_SOURCES} seeded dropout layers, got ${counters.length}.`,
    );
  }
  const inputShape = model.inputs[0]?.shape ?? [];
  const cols = inputShape.slice(1).reduce<number>((p, d) => p * (d ?? Number.NaN), 1);
  if (model.inputs.length !== 1 || !Number.isFinite(cols)) {
    throw new ModelsError(
      'INVALID_OPTION',
      `trainLesson: threads > 1 needs one input of a fixed shape, got ${JSON.stringify(model.inputs.map((i) => i.shape))}.`,
    );
  }
  // One label per row: 0/1 for a sigmoid output, the class index for softmax (trainLesson's labels [rows, 1]).
  const yCols = 1;
  const weights = new Float32Array(new SharedArrayBuffer(size * 4));
  const maxRows = Math.ceil(batchSize / threads);
  const metricCount =
    metrics.length === 0 ? 0 : (model as unknown as { metricsTensors: unknown[] }).metricsTensors.length;
  const url = workerUrl();
  const backend = tf.getBackend();
  const modelTopology = model.toJSON(null, false) as unknown as object;
  // What a rebuild from that JSON serializes to with this thread's classes (tfjs adds defaults such as dtype).
  const reference = await tfl.models.modelFromJSON({
    modelTopology,
  } as unknown as Parameters<typeof tfl.models.modelFromJSON>[0]);
  const rebuiltTopology = JSON.stringify(reference.toJSON(null, false));
  reference.dispose();
  const remotes: Remote[] = [];
  try {
    for (let k = 1; k < threads; k++) {
      const buffers = {
        ctl: new SharedArrayBuffer((CTL_INTS + MAX_MASK_SOURCES) * 4),
        ids: new SharedArrayBuffer(maxRows * cols * 4),
        labels: new SharedArrayBuffer(maxRows * yCols * 4),
        grads: new SharedArrayBuffer(size * 4),
        outs: new SharedArrayBuffer((1 + metricCount) * 4),
        error: new SharedArrayBuffer(ERROR_BYTES),
      };
      const init: WorkerInit = {
        backend,
        modelTopology,
        rebuiltTopology,
        loss,
        metrics,
        weights: weights.buffer as SharedArrayBuffer,
        shapes: variables.map((v) => v.shape),
        ...buffers,
      };
      const worker = new Worker(url, { workerData: init });
      live++;
      let rejectFailure: (error: Error) => void = () => {};
      const failure = new Promise<never>((_, reject) => {
        rejectFailure = reject;
      });
      failure.catch(() => {});
      const remote: Remote = {
        worker,
        ctl: new Int32Array(buffers.ctl),
        ids: new Int32Array(buffers.ids),
        labels: new Float32Array(buffers.labels),
        grads: new Float32Array(buffers.grads),
        outs: new Float32Array(buffers.outs),
        error: new Uint8Array(buffers.error),
        failure,
        exited: false,
        sequence: 0,
      };
      worker.on('error', (error) => {
        rejectFailure(
          new ModelsError('THREAD_FAILED', `trainLesson: training thread ${k} failed: ${error.message}`, {
            cause: error,
          }),
        );
      });
      worker.once('exit', (code) => {
        remote.exited = true;
        live--;
        rejectFailure(
          new ModelsError('THREAD_FAILED', `trainLesson: training thread ${k} exited (code ${code}).`),
        );
      });
      remotes.push(remote);
    }
    await Promise.all(
      remotes.map(
        (remote) =>
          new Promise<void>((resolve, reject) => {
            remote.failure.catch(reject);
            remote.worker.once('message', (message: WorkerReady) => {
              if (message.type === 'ready') resolve();
              else
                reject(
                  new ModelsError(
                    'THREAD_FAILED',
                    `trainLesson: a training thread failed to start: ${message.message}`,
                  ),
                );
            });
          }),
      ),
    );
  } catch (error) {
    await Promise.all(remotes.map((remote) => endWorker(remote)));
    throw error;
  }
  return new NodeTrainingThreads(model, remotes, weights, variables, offsets, metricCount);
}

registerThreadPlatform({ autoThreads, start });
