import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_NAMES, type ModelName } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type BrowserResult, measureBrowser } from './_browser.js';
import { type DataTimings, prepareData } from './_data.js';
import { BenchError } from './_errors.js';
import { RssSampler, type SectionMemory } from './_memory.js';
import { measurePytorch, type PytorchAnchor } from './_pytorch.js';
import { ratio } from './_stats.js';
import { measureThreadEpochs, THREAD_EPOCH_MODELS, type ThreadEpochsResult } from './_thread_epochs.js';
import {
  compileLesson,
  epochSeconds,
  extrapolatedEpochSeconds,
  type Latency,
  type PassTiming,
  predictLatency,
  validationSeconds,
  warmUp,
} from './_timing.js';
import { buildModel, hasVariant, VARIANTS, type Variant } from './_variants.js';

/** The target: an epoch at least this many times faster than PyTorch (measured in the same run). */
export const TARGET_SPEEDUP = 2;

/** The target for one review's LSTM prediction (100 steps), in milliseconds. */
export const LATENCY_TARGET_MS = 1;

/** Options of {@link runBench}. */
export interface BenchOptions {
  /**
   * A short run (about a minute or two): fused epochs on a subset, fewer repeats and batches, all extrapolated.
   * @default false
   */
  quick?: boolean;
  /**
   * Zoo models to measure.
   * @default every zoo model (`MODEL_NAMES`)
   */
  models?: readonly ModelName[];
  /**
   * Variants to measure (`fused` always runs; the others only for the recurrent models).
   * @default ['fused', 'unfused', 'stock', 'cpu']
   */
  variants?: readonly Variant[];
  /**
   * Fused training epochs timed per model (their median is reported).
   * @default 3 (quick: 1)
   */
  epochs?: number;
  /**
   * Training steps timed per repeat for the per-step variants, extrapolated to an epoch.
   * @default 10 (quick: 5)
   */
  batches?: number;
  /**
   * Training steps timed per repeat on `@tensorflow/tfjs-backend-cpu` (about 10 s each: its Embedding gradient,
   * `UnsortedSegmentSum`, loops over the 500 words).
   * @default 3 (quick: 1)
   */
  cpuBatches?: number;
  /** Called with one line of progress at a time (to stderr in the CLI). */
  log?: (line: string) => void;
}

/** One model in one variant. */
export interface VariantResult {
  variant: Variant;
  /** tfjs backend it ran on. */
  backend: string;
  params: number;
  epoch: PassTiming;
  validation: PassTiming;
  latency: Latency;
}

/** One zoo model across the variants, with the ratios and the PyTorch target. */
export interface ModelResult {
  name: ModelName;
  variants: Partial<Record<Variant, VariantResult>>;
  /** `stock / fused`, `cpu / fused`, `unfused / fused` seconds per epoch; `pytorch / fused` speed-up. */
  ratios: { unfused: number | null; stock: number | null; cpu: number | null; pytorch: number | null };
  /** PyTorch's seconds per epoch, the 2x target and whether the fused epoch meets it (informational). */
  reference: { pytorchSeconds: number | null; targetSeconds: number | null; pass: boolean | null };
}

/** Everything one bench run measured (written as JSON by the CLI). */
/** One batch of the fused LSTM kernels, forward + backward: whole batch on one thread vs half on each of two. */
export interface ThreadsResult {
  batch: number;
  steps: number;
  features: number;
  units: number;
  reps: number;
  oneThreadMs: number;
  twoThreadsMs: number;
}

/**
 * Runs packages/wasm/bench/threads.mjs (the fused kernels' own two-thread split, from that package's build): whether
 * two cores beat one. Null, with the reason logged, when it cannot run.
 */
function measureThreads(reps: number, log: (line: string) => void): ThreadsResult | null {
  const script = fileURLToPath(new URL('../../packages/wasm/bench/threads.mjs', import.meta.url));
  try {
    const out = execFileSync(process.execPath, [script, '--reps', String(reps), '--json'], {
      cwd: dirname(dirname(script)),
      encoding: 'utf8',
    });
    return JSON.parse(out.trim().split('\n').pop() ?? '') as ThreadsResult;
  } catch (error) {
    log(`threads: not measured (${(error as Error).message.split('\n')[0]})`);
    return null;
  }
}

export interface BenchReport {
  meta: {
    startedAt: string;
    mode: 'quick' | 'full';
    totalSeconds: number;
    node: string;
    tfjs: string;
    backend: string;
    simd: boolean;
    threads: number;
    cpus: number;
    cpuModel: string;
    loadavgStart: number[];
    loadavgEnd: number[];
    settings: {
      epochs: number;
      batches: number;
      cpuBatches: number;
      repeats: number;
      trainSubsetRows: number;
      valRows: number;
    };
  };
  data: DataTimings;
  /** The PyTorch twins, measured in this run (bench/pytorch/zoo_epoch.py), or why not. */
  pytorch: PytorchAnchor;
  models: ModelResult[];
  /** The fused LSTM kernels with the batch split over two threads (packages/wasm/bench/threads.mjs), or null. */
  threads: ThreadsResult | null;
  /** trainLesson epochs at one and two threads (packages/models/bench/threads.mjs), or null. */
  threadEpochs: ThreadEpochsResult | null;
  /** Epoch time in Chromium (the web app's worker set-up) next to Node (apps/web/bench/epoch.mjs), or null. */
  browser: BrowserResult | null;
  memory: { sections: SectionMemory[]; peakRssMB: number; tensorsAtStart: number; tensorsAtEnd: number };
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new BenchError(
      'INVALID_OPTION',
      `bench: ${field} must be a positive integer, got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Runs the whole bench on the real IMDB data (`SEQLAB_DATA_DIR` or the Keras cache): the data pipeline, every
 * selected zoo model fused (whole epochs), its per-step variants (extrapolated), validation passes, single-review
 * latency and peak memory per section. Leaves the `wasm` backend active.
 *
 * @example
 * ```ts
 * const report = await runBench({ quick: true, models: ['lstm'] });
 * report.models[0]?.variants.fused?.epoch.seconds;
 * ```
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const quick = options.quick ?? false;
  const log = options.log ?? (() => {});
  const models = options.models ?? MODEL_NAMES;
  for (const name of models) {
    if (!MODEL_NAMES.includes(name)) {
      throw new BenchError(
        'INVALID_OPTION',
        `bench: unknown model ${JSON.stringify(name)}; expected some of ${MODEL_NAMES.join(', ')}.`,
      );
    }
  }
  const variants = options.variants ?? VARIANTS;
  for (const v of variants) {
    if (!VARIANTS.includes(v)) {
      throw new BenchError(
        'INVALID_OPTION',
        `bench: unknown variant ${JSON.stringify(v)}; expected some of ${VARIANTS.join(', ')}.`,
      );
    }
  }
  const epochs = positiveInt(options.epochs ?? (quick ? 1 : 3), 'epochs');
  const batches = positiveInt(options.batches ?? (quick ? 5 : 10), 'batches');
  const cpuBatches = positiveInt(options.cpuBatches ?? (quick ? 1 : 3), 'cpuBatches');
  const repeats = quick ? 1 : 3;
  const trainSubsetRows = quick ? 60 * 64 : Number.POSITIVE_INFINITY;
  const valRowsTimed = quick ? 1000 : Number.POSITIVE_INFINITY;
  const startedAt = new Date();
  const loadavgStart = loadavg();
  const t0 = performance.now();

  const info = await initWasm();
  await import('@tensorflow/tfjs-backend-cpu');
  log(`tfjs ${tf.version_core}, backend ${info.backend}, SIMD ${info.simd}, ${info.threads} thread(s)`);
  const memory = new RssSampler(50);
  const tensorsAtStart = tf.memory().numTensors;
  try {
    log('data: imdb.loadData, trainTestSplit, padSequences');
    const { data, timings } = await memory.section('data', () =>
      prepareData(quick ? 2 : 5, quick ? 3 : 9, () => memory.sample()),
    );
    log('pytorch: the same models in PyTorch, one CPU thread');
    const pytorch = measurePytorch(models, quick ? 10 : 40, log);
    const results: ModelResult[] = [];
    for (const name of models) {
      const result: ModelResult = {
        name,
        variants: {},
        ratios: { unfused: null, stock: null, cpu: null, pytorch: null },
        reference: { pytorchSeconds: null, targetSeconds: null, pass: null },
      };
      for (const variant of ['fused', ...variants.filter((v) => v !== 'fused')] as Variant[]) {
        if (!hasVariant(name, variant)) continue;
        log(`${name} ${variant}`);
        const run = await memory.section(`${name} ${variant}`, () =>
          measure(
            name,
            variant,
            { quick, epochs, batches, cpuBatches, repeats, trainSubsetRows, valRowsTimed },
            data,
            memory,
          ),
        );
        result.variants[variant] = run;
        log(
          `  ${run.epoch.seconds.toFixed(2)} s/epoch (${run.epoch.method}), ` +
            `${run.validation.seconds.toFixed(2)} s/validation, ${run.latency.medianMs.toFixed(3)} ms/review`,
        );
      }
      const fused = result.variants.fused?.epoch.seconds;
      const torchSeconds = pytorch.measured ? pytorch.models[name]?.secondsPerEpoch : undefined;
      result.ratios = {
        unfused: ratio(result.variants.unfused?.epoch.seconds, fused),
        stock: ratio(result.variants.stock?.epoch.seconds, fused),
        cpu: ratio(result.variants.cpu?.epoch.seconds, fused),
        pytorch: ratio(torchSeconds, fused),
      };
      if (torchSeconds !== undefined && fused !== undefined) {
        const target = torchSeconds / TARGET_SPEEDUP;
        result.reference = { pytorchSeconds: torchSeconds, targetSeconds: target, pass: fused <= target };
      }
      results.push(result);
    }
    log('threads: the fused LSTM kernels, batch split over two threads');
    const threads = measureThreads(quick ? 50 : 300, log);
    if (threads !== null) {
      log(
        `  ${threads.oneThreadMs.toFixed(3)} ms on one thread, ${threads.twoThreadsMs.toFixed(3)} ms on two`,
      );
    }
    const threadModels = THREAD_EPOCH_MODELS.filter((m) => models.includes(m));
    log(
      `threads: trainLesson epochs at 1 and 2 threads (${threadModels.join(', ') || 'none of the chosen models'})`,
    );
    const threadEpochs = measureThreadEpochs(threadModels, quick ? 3840 : 20000, quick ? 1 : 3, log);
    for (const r of threadEpochs?.table ?? []) {
      log(
        `  ${r.model}: ${r.oneThreadSeconds.toFixed(2)} s → ${r.twoThreadsSeconds.toFixed(2)} s (${r.mechanism})`,
      );
    }
    log("browser: the same training code in Chromium (the web app's worker) and in Node");
    const browser = measureBrowser(
      results.map((r) => r.name),
      quick ? 10 : 30,
      quick ? 1 : 3,
      log,
    );
    return {
      meta: {
        startedAt: startedAt.toISOString(),
        mode: quick ? 'quick' : 'full',
        totalSeconds: (performance.now() - t0) / 1000,
        node: process.version,
        tfjs: tf.version_core,
        backend: info.backend,
        simd: info.simd,
        threads: info.threads,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadavgStart,
        loadavgEnd: loadavg(),
        settings: {
          epochs,
          batches,
          cpuBatches,
          repeats,
          trainSubsetRows: Math.min(trainSubsetRows, timings.trainRows),
          valRows: Math.min(valRowsTimed, timings.valRows),
        },
      },
      data: timings,
      pytorch,
      models: results,
      threads,
      threadEpochs,
      browser,
      memory: {
        sections: memory.sections,
        peakRssMB: memory.peakRssMB(),
        tensorsAtStart,
        tensorsAtEnd: tf.memory().numTensors,
      },
    };
  } finally {
    memory.stop();
    await tf.setBackend('wasm');
  }
}

interface Plan {
  quick: boolean;
  epochs: number;
  batches: number;
  cpuBatches: number;
  repeats: number;
  trainSubsetRows: number;
  valRowsTimed: number;
}

async function measure(
  name: ModelName,
  variant: Variant,
  plan: Plan,
  data: Awaited<ReturnType<typeof prepareData>>['data'],
  memory: RssSampler,
): Promise<VariantResult> {
  await tf.setBackend(variant === 'cpu' ? 'cpu' : 'wasm');
  // In tidy: stock tfjs-layers' LSTM with unitForgetBias builds its bias from 4 intermediate tensors it never frees
  // (tfjs-layers recurrent.ts LSTMCell.build); the weights are variables, which tidy keeps.
  let model: tfl.LayersModel | undefined;
  tf.tidy(() => {
    model = buildModel(name, variant);
  });
  if (model === undefined) throw new Error(`bench: building ${name} (${variant}) returned no model.`);
  try {
    let epoch: PassTiming;
    let validation: PassTiming;
    if (variant === 'fused') {
      await warmUp(model, data.xTrain, data.yTrain);
      epoch = await epochSeconds(model, data.xTrain, data.yTrain, plan.epochs, plan.trainSubsetRows);
      validation = await validationSeconds(model, data.xVal, data.yVal, plan.valRowsTimed, plan.repeats);
    } else {
      // Stock tfjs runs with tfjs' own optimizer; the unfused zoo layers with the zoo's, as the fused ones do.
      compileLesson(model, variant === 'stock' || variant === 'cpu');
      const sample = () => memory.sample();
      const cpu = variant === 'cpu';
      const steps = cpu ? plan.cpuBatches : plan.batches;
      // Warm-up steps (kernel set-up, optimizer slots); the cpu backend has no set-up worth a 10 s step in quick mode.
      if (!(cpu && plan.quick))
        await extrapolatedEpochSeconds(model, data.xTrain, data.yTrain, cpu ? 1 : 2, 1, sample);
      epoch = await extrapolatedEpochSeconds(model, data.xTrain, data.yTrain, steps, plan.repeats, sample);
      validation = await validationSeconds(model, data.xVal, data.yVal, steps * 64, plan.repeats);
    }
    const calls = variant === 'fused' ? (plan.quick ? 50 : 200) : plan.quick ? 10 : 50;
    const latency = predictLatency(model, data.xVal, calls, variant === 'fused' ? 20 : 3);
    memory.sample();
    return { variant, backend: tf.getBackend(), params: model.countParams(), epoch, validation, latency };
  } finally {
    freeDropoutMasks(model);
    model.dispose();
    await tf.setBackend('wasm');
  }
}

/**
 * Stock tfjs-layers' LSTM cell keeps the dropout masks of its last training call (4 tensors) through `predict` and
 * `model.dispose()`: free them so the tensor count shows what the bench itself leaks.
 */
function freeDropoutMasks(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    const cell = (layer as unknown as { cell?: Record<string, tf.Tensor | tf.Tensor[] | null | undefined> })
      .cell;
    if (cell === undefined) continue;
    for (const key of ['dropoutMask', 'recurrentDropoutMask']) {
      const mask = cell[key];
      if (mask != null) {
        tf.dispose(mask);
        cell[key] = null;
      }
    }
  }
}
