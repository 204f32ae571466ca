import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { csvLogger, modelCheckpoint } from '@seqlab/callbacks';
import { type LessonData, type LessonResult, runLesson } from '@seqlab/lesson';
import type { ModelName, ThreadsOption } from '@seqlab/models';
import '@seqlab/models'; // registers the file:// and Keras-file (.keras, .h5) save routers
import { renderSvgChart } from '@seqlab/plot';
import { textVectorizationToJSON } from '@seqlab/sequence';
import type { Output } from './context.js';
import { writeFileAtomic } from './fs.js';
import { RUN_FILES, type RunConfig, type RunHistory } from './run.js';
import { historySeries } from './series.js';
import { epochLine } from './ui/format.js';
import { ProgressBar } from './ui/progress.js';
import { renderTermChart } from './ui/term-chart.js';

/** A finished (or interrupted) run: `runLesson`'s result without the model, plus its folder. */
export interface TrainedRun extends Omit<LessonResult, 'model' | 'vectorizer'> {
  dir: string;
  /** The CLI's config.json: the recipe plus where the data came from. */
  runConfig: RunConfig;
  /** What history.json holds. */
  runHistory: RunHistory;
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

/**
 * One model through the library's recipe (`runLesson`), with the CLI around it: a run folder (config.json first, so
 * even an unfinished run says how it was made), the best checkpoint, a CSV log, progress, the final model, the
 * history and the curves.
 */
export async function trainOne(
  config: RunConfig,
  source: LessonData,
  out: Output,
  options: {
    runsRoot: string;
    label?: string;
    announceData?: boolean;
    saveKeras?: string;
    /** A run folder to go on with from its training state (`--resume`), `epochsDone` epochs in. */
    resume?: { dir: string; epochsDone: number };
    /** `--threads` (`runLesson`'s `threads`). */
    threads?: ThreadsOption;
  },
): Promise<TrainedRun> {
  const dir = options.resume?.dir ?? newRunDir(resolve(out.ctx.cwd, options.runsRoot), config.model);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  const csv = join(dir, RUN_FILES.csv);
  // The CSV log may hold a row past the state (a kill between the two writes): keep the state's epochs, append.
  if (options.resume) writeFileAtomic(csv, csvRows(csv, options.resume.epochsDone));

  const bar = out.interactive ? new ProgressBar(out.ctx.stdout) : undefined;
  const prefix = options.label ? `${options.label} ` : '';
  let batches = 0;
  const result = await runLesson({
    data: source,
    model: config.model as ModelName,
    numWords: config.numWords,
    maxlen: config.maxlen,
    testSize: config.testSize,
    randomState: config.randomState,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    patience: config.patience,
    earlyStopping: config.earlyStopping ?? true,
    units: config.units,
    embeddingDim: config.embeddingDim,
    dropout: config.dropout,
    seed: config.seed,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    checkpoint: `file://${join(dir, RUN_FILES.best)}`,
    stateCheckpoint: `file://${join(dir, RUN_FILES.state)}`,
    ...(options.resume ? { resume: `file://${join(dir, RUN_FILES.state)}` } : {}),
    callbacks: [
      csvLogger(csv, { append: options.resume !== undefined }),
      // Keras' ModelCheckpoint('Ex2.keras', save_best_only=True): @seqlab/models routes .keras/.h5 paths.
      ...(options.saveKeras
        ? [modelCheckpoint(options.saveKeras, { monitor: 'val_loss', saveBestOnly: true })]
        : []),
    ],
    signal: out.ctx.signal,
    onEvent: (event) => {
      if (event.type === 'data' && event.vectorizer !== null) {
        // Written before the first epoch, so a run on your own texts is usable even if it never finishes.
        writeFileAtomic(join(dir, RUN_FILES.vectorizer), textVectorizationToJSON(event.vectorizer));
        writeFileAtomic(join(dir, RUN_FILES.classes), `${JSON.stringify(event.report.classNames)}\n`);
      }
      if (event.type === 'data' && options.announceData) {
        const d = event.report;
        out.info(
          out.color.dim(
            `data: ${d.source}: ${d.train} train / ${d.validation} validation / ${d.test} test ${d.classNames ? 'texts' : 'reviews'}, maxlen ${d.maxlen}` +
              (d.classNames
                ? `, classes ${d.classNames.join(', ')}, vocabulary ${d.vocabularySize} (num_words ${d.numWords})`
                : ''),
          ),
        );
      } else if (event.type === 'trainBegin') {
        batches = event.batches;
      } else if (event.type === 'epochBegin') {
        bar?.start(`${prefix}Epoch ${event.epoch}/${config.epochs}`, batches);
      } else if (event.type === 'batch') {
        bar?.update(event.batch, { loss: event.loss, acc: event.acc });
      } else if (event.type === 'epoch') {
        const line = `${prefix}${epochLine(event.epoch, config.epochs, event.seconds, event.logs)}`;
        if (bar) bar.finish(line);
        else out.info(line);
      } else if (event.type === 'warning') {
        out.warn(event.message);
      }
    },
  });
  const { model, vectorizer, ...rest } = result;

  const runHistory: RunHistory = {
    model: config.model,
    history: result.history,
    epochs: result.epochs,
    bestEpoch: result.bestEpoch,
    bestValLoss: result.bestValLoss,
    stoppedEarly: result.stoppedEarly,
    interrupted: result.interrupted,
    test: result.test ?? undefined,
  };
  try {
    await model.save(`file://${join(dir, RUN_FILES.final)}`);
  } finally {
    model.dispose();
  }
  const files = [join(dir, RUN_FILES.config), join(dir, RUN_FILES.history), join(dir, RUN_FILES.curves)];
  // A run on your own texts is only usable with the vocabulary it was trained with (written at the start).
  if (vectorizer !== null) files.push(join(dir, RUN_FILES.vectorizer), join(dir, RUN_FILES.classes));
  writeFileAtomic(files[1] as string, `${JSON.stringify(runHistory, null, 2)}\n`);
  writeFileAtomic(
    files[2] as string,
    renderSvgChart(historySeries(runHistory, 'loss'), { title: `${config.model}: loss`, yLabel: 'loss' }),
  );
  if (existsSync(join(dir, RUN_FILES.best, 'model.json'))) files.push(join(dir, RUN_FILES.best));
  files.push(join(dir, RUN_FILES.final), join(dir, RUN_FILES.csv));
  const total = result.epochs.reduce((s, e) => s + e.seconds, 0);
  return {
    ...rest,
    dir,
    runConfig: config,
    runHistory,
    files,
    secondsPerEpoch: result.epochs.length ? total / result.epochs.length : 0,
  };
}

/** A CSV log's header and its first `rows` data rows (Keras' CSVLogger ends lines with \\r\\n). */
function csvRows(file: string, rows: number): string {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8')
    .split('\r\n')
    .filter((line) => line !== '');
  return lines
    .slice(0, rows + 1)
    .map((line) => `${line}\r\n`)
    .join('');
}

/** What `--json` reports for a run: the library's result (without the model) and the run folder. */
export function runJson(run: TrainedRun): Record<string, unknown> {
  const { runConfig, runHistory: _history, dir, ...result } = run;
  return { ...result, config: runConfig, runDir: dir };
}

/** The end-of-run summary: best epoch, test metrics, a small chart of loss and val_loss. */
export function printSummary(run: TrainedRun, out: Output): void {
  const c = out.color;
  out.info('');
  out.info(renderTermChart(historySeries(run.runHistory, 'loss')));
  out.info('');
  if (run.bestEpoch !== null)
    out.info(`best epoch ${c.bold(String(run.bestEpoch))} (val_loss ${run.bestValLoss?.toFixed(4)})`);
  if (run.test) out.info(`test: loss ${run.test.loss.toFixed(4)} - acc ${c.bold(run.test.acc.toFixed(4))}`);
  out.info(`run folder: ${run.dir}`);
}
