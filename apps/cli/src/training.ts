import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvLogger, earlyStopping, history, modelCheckpoint } from '@seqlab/callbacks';
import { createModel, type ModelName, trainLesson } from '@seqlab/models';
import { renderSvgChart } from '@seqlab/plot';
import type { WasmInfo } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Output } from './context.js';
import { writeFileAtomic } from './fs.js';
import type { LessonData } from './lesson-data.js';
import { type EpochRecord, RUN_FILES, type RunConfig, type RunHistory } from './run.js';
import { historySeries } from './series.js';
import { epochLine } from './ui/format.js';
import { ProgressBar } from './ui/progress.js';
import { renderTermChart } from './ui/term-chart.js';

export interface TrainedRun {
  dir: string;
  config: RunConfig;
  history: RunHistory;
  files: string[];
  secondsPerEpoch: number;
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** `runs/<model>-<timestamp>`, with a suffix if two runs start in the same second. */
export function newRunDir(root: string, model: string, now = new Date()): string {
  const base = join(root, `${model}-${stamp(now)}`);
  let dir = base;
  for (let i = 2; existsSync(dir); i++) dir = `${base}-${i}`;
  return dir;
}

/** Test-set loss and accuracy, batched like training. */
export function evaluateOn(
  model: tfl.LayersModel,
  split: LessonData['test'],
  batchSize: number,
): { loss: number; acc: number } {
  const [rows, cols] = split.x.shape;
  const x = tf.tensor2d(split.x.data, [rows, cols], 'int32');
  const y = tf.tensor2d(Float32Array.from(split.y), [rows, 1]);
  try {
    const result = model.evaluate(x, y, { batchSize }) as tf.Scalar[];
    const [loss, acc] = result.map((t) => t.dataSync()[0] as number);
    tf.dispose(result);
    return { loss: loss as number, acc: acc as number };
  } finally {
    tf.dispose([x, y]);
  }
}

/**
 * The lesson's training, one model: Keras' recipe through `trainLesson`, `EarlyStopping(patience,
 * restore_best_weights=True)`, `ModelCheckpoint(save_best_only=True)`, a CSV log, progress, then the test set and
 * the run folder.
 */
export async function trainOne(
  config: RunConfig,
  data: LessonData,
  out: Output,
  options: { runsRoot: string; runtime: WasmInfo; label?: string },
): Promise<TrainedRun> {
  const dir = newRunDir(resolve(out.ctx.cwd, options.runsRoot), config.model);
  mkdirSync(dir, { recursive: true });
  const model = createModel(config.model as ModelName, {
    numWords: config.numWords,
    maxlen: config.maxlen,
    units: config.units,
    embeddingDim: config.embeddingDim,
    dropout: config.dropout,
    seed: config.seed,
  });
  const recorder = history({ batches: out.interactive });
  const stopper = earlyStopping({ monitor: 'val_loss', patience: config.patience, restoreBestWeights: true });
  const checkpoint = modelCheckpoint(join(dir, RUN_FILES.best), { monitor: 'val_loss', saveBestOnly: true });
  const csv = csvLogger(join(dir, RUN_FILES.csv));

  const batches = Math.ceil(data.train.y.length / config.batchSize);
  const bar = out.interactive ? new ProgressBar(out.ctx.stdout) : undefined;
  const epochs: EpochRecord[] = [];
  let epochStart = 0;
  const prefix = options.label ? `${options.label} ` : '';
  const unsubscribe = recorder.subscribe((event) => {
    if (event.type === 'epochBegin') {
      epochStart = performance.now();
      bar?.start(`${prefix}Epoch ${event.epoch + 1}/${config.epochs}`, batches);
    } else if (event.type === 'batchEnd') {
      bar?.update(event.batch + 1, event.logs as Record<string, number>);
    } else if (event.type === 'epochEnd') {
      const seconds = (performance.now() - epochStart) / 1000;
      const logs = event.logs as Record<string, number>;
      epochs.push({ epoch: event.epoch + 1, seconds, logs });
      const line = `${prefix}${epochLine(event.epoch + 1, config.epochs, seconds, logs)}`;
      if (bar) bar.finish(line);
      else out.info(line);
    }
  });
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    model.stopTraining = true;
  };
  out.ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await trainLesson({
      model,
      x: data.train.x,
      y: data.train.y,
      validationData: { x: data.val.x, y: data.val.y },
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      seed: config.seed,
      callbacks: [recorder, stopper, checkpoint, csv],
    });
  } finally {
    unsubscribe();
    out.ctx.signal.removeEventListener('abort', onAbort);
  }
  if (interrupted) out.warn('interrupted: training stopped; the best checkpoint so far is kept.');

  let bestEpoch: number | null = null;
  let bestValLoss: number | null = null;
  for (const e of epochs) {
    const v = e.logs.val_loss;
    if (v !== undefined && (bestValLoss === null || v < bestValLoss)) {
      bestValLoss = v;
      bestEpoch = e.epoch;
    }
  }
  const test = epochs.length > 0 ? evaluateOn(model, data.test, config.batchSize) : undefined;
  const runHistory: RunHistory = {
    model: config.model,
    epochs,
    bestEpoch,
    bestValLoss,
    stoppedEarly: !interrupted && epochs.length < config.epochs,
    interrupted,
    test,
  };

  await model.save(`file://${join(dir, RUN_FILES.final)}`);
  const files = [join(dir, RUN_FILES.config), join(dir, RUN_FILES.history), join(dir, RUN_FILES.curves)];
  writeFileAtomic(files[0] as string, `${JSON.stringify(config, null, 2)}\n`);
  writeFileAtomic(files[1] as string, `${JSON.stringify(runHistory, null, 2)}\n`);
  const series = historySeries(runHistory, 'loss');
  writeFileAtomic(
    files[2] as string,
    renderSvgChart(series, { title: `${config.model}: loss`, yLabel: 'loss' }),
  );
  if (existsSync(join(dir, RUN_FILES.best, 'model.json'))) files.push(join(dir, RUN_FILES.best));
  files.push(join(dir, RUN_FILES.final), join(dir, RUN_FILES.csv));
  model.dispose();

  const total = epochs.reduce((s, e) => s + e.seconds, 0);
  return {
    dir,
    config,
    history: runHistory,
    files,
    secondsPerEpoch: epochs.length ? total / epochs.length : 0,
  };
}

/** The end-of-run summary: best epoch, test metrics, a small chart of loss and val_loss. */
export function printSummary(run: TrainedRun, out: Output): void {
  const c = out.color;
  const h = run.history;
  out.info('');
  out.info(renderTermChart(historySeries(h, 'loss')));
  out.info('');
  if (h.bestEpoch !== null)
    out.info(`best epoch ${c.bold(String(h.bestEpoch))} (val_loss ${h.bestValLoss?.toFixed(4)})`);
  if (h.test) out.info(`test: loss ${h.test.loss.toFixed(4)} - acc ${c.bold(h.test.acc.toFixed(4))}`);
  out.info(`run folder: ${run.dir}`);
}
