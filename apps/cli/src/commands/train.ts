import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readTrainingState } from '@seqlab/callbacks';
import { FileSystemHandler } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { runData } from '../lesson-data.js';
import { checkModelOptions, modelFlagHint, modelNames, RECIPE_FLAGS, resolveConfig } from '../recipe.js';
import { RUN_FILES, type RunConfig, readRunConfig } from '../run.js';
import { describeThreads, THREADS_FLAG, threadsOption } from '../threads.js';
import { printSummary, runJson, type TrainedRun, trainOne } from '../training.js';

export const train = defineCommand({
  spec: {
    name: 'train',
    summary: "train zoo models with the lesson's recipe; writes a run folder per model",
    usage: 'seqlab train --model <name>[,<name>…] [options]',
    flags: {
      model: {
        type: 'string',
        default: 'lstm',
        description: "zoo model(s), comma-separated, or 'all'",
        valueName: 'name',
      },
      ...RECIPE_FLAGS,
      resume: {
        type: 'string',
        description:
          'go on with a stopped or killed run from its last validated epoch (same recipe; --epochs may be raised)',
        valueName: 'run',
      },
      ...THREADS_FLAG,
      'save-keras': {
        type: 'string',
        description: 'also save the best model as a Keras file (.keras or .h5; Keras ModelCheckpoint)',
        valueName: 'file',
      },
    },
    strayHint: modelFlagHint('--model'),
    examples: [
      'seqlab train --model lstm',
      'seqlab train --model gru --limit 2000 --epochs 3',
      'seqlab train --model lstm,gru --json > result.json',
      'seqlab train --model lstm --save-keras Ex2.keras',
      'seqlab train --resume runs/lstm-20261129-120000',
    ],
  },
  async run(flags, _positionals, out, given) {
    if (flags.resume !== undefined) {
      await resumeRun(flags, given, out);
      return;
    }
    const names = modelNames(flags.model);
    if (flags.saveKeras !== undefined && names.length > 1)
      throw usageError('--save-keras names one file: train one model at a time with it.');
    if (flags.saveKeras !== undefined && !/\.(keras|h5|hdf5)$/.test(flags.saveKeras))
      throw usageError(`--save-keras needs a .keras or .h5 file name; got '${flags.saveKeras}'.`);
    const configs = names.map((name) => resolveConfig(name, flags, out.ctx.cwd));
    const threads = threadsOption(flags.threads);
    const runtime = await initWasm();
    for (const config of configs) checkModelOptions(config);
    announceRuntime(out, runtime, threads);
    const source = await runData(configs[0]!, out.ctx.cwd);
    const runs: TrainedRun[] = [];
    for (const config of configs) {
      if (out.ctx.signal.aborted) break;
      out.info(out.color.bold(`\n${config.model}`) + out.color.dim(` (seed ${config.seed})`));
      const run = await trainOne(config, source, out, {
        runsRoot: flags.out,
        ...(flags.saveKeras !== undefined ? { saveKeras: resolve(out.ctx.cwd, flags.saveKeras) } : {}),
        announceData: runs.length === 0,
        threads,
      });
      printSummary(run, out);
      runs.push(run);
    }
    out.result({ backend: runtime, runs: runs.map(runJson) });
    if (runs.some((r) => r.interrupted))
      throw new CliError(
        'INTERRUPTED',
        'training interrupted (Ctrl-C); the run folder keeps the best validated checkpoint.',
        { exitCode: 130 },
      );
  },
});

type TrainFlags = Parameters<typeof train.run>[0];
type Out = Parameters<typeof train.run>[2];

/** The backend line, and the threads line when training uses more than one. */
function announceRuntime(
  out: Out,
  runtime: Awaited<ReturnType<typeof initWasm>>,
  threads: ReturnType<typeof threadsOption>,
): void {
  out.info(
    out.color.dim(
      `backend ${runtime.backend} (simd ${runtime.simd ? 'on' : 'off'}, ${runtime.threads} thread)`,
    ),
  );
  const threadsLine = describeThreads(threads);
  if (threadsLine !== null) out.info(out.color.dim(threadsLine));
}

/** `seqlab train --resume <run>`: the run's own recipe (config.json), from its training state. */
async function resumeRun(flags: TrainFlags, given: ReadonlySet<string>, out: Out): Promise<void> {
  const changed = Object.entries(RECIPE_FLAGS)
    .filter(([name]) => !['epochs', 'out', 'data-dir'].includes(name))
    .filter(([name, spec]) => {
      const value = (flags as Record<string, unknown>)[
        name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
      ];
      return 'default' in spec ? value !== spec.default : value !== undefined && value !== false;
    })
    .map(([name]) => `--${name}`);
  if (flags.model !== 'lstm') changed.unshift('--model');
  if (flags.saveKeras !== undefined) changed.push('--save-keras');
  if (changed.length > 0)
    throw usageError(
      `--resume takes the recipe from the run's config.json; ${changed.join(', ')} cannot change.`,
      'Only --epochs (to train longer) and --data-dir (where imdb.npz is) go with --resume.',
    );
  const run = readRunConfig(flags.resume!, out.ctx.cwd);
  const stateDir = join(run.dir, RUN_FILES.state);
  // A kill during a save can leave the swap half-done: recover it before reading, as every checkpoint open does.
  await new FileSystemHandler(stateDir).recover();
  if (!existsSync(join(stateDir, 'model.json')))
    throw new CliError(
      'RUN_NOT_RESUMABLE',
      `run folder '${flags.resume}' has no training state (${RUN_FILES.state}/): it stopped before its first epoch ` +
        'ended, or was written before --resume existed.',
      { hint: `Train it anew: seqlab train --model ${run.config.model} …` },
    );
  const { epoch } = await readTrainingState(`file://${stateDir}`);
  const config: RunConfig = {
    ...run.config,
    ...(given.has('epochs') ? { epochs: flags.epochs } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: resolve(out.ctx.cwd, flags.dataDir) } : {}),
  };
  if (epoch >= config.epochs)
    throw usageError(
      `run '${flags.resume}' has trained ${epoch} of its ${config.epochs} epochs; nothing to resume.`,
      `Raise the limit to train longer: --epochs ${config.epochs + 10}.`,
    );
  const threads = threadsOption(flags.threads);
  const runtime = await initWasm();
  announceRuntime(out, runtime, threads);
  const source = await runData(config, out.ctx.cwd);
  out.info(
    out.color.bold(`\n${config.model}`) +
      out.color.dim(` (seed ${config.seed}, resumed after epoch ${epoch} of ${config.epochs})`),
  );
  const trained = await trainOne(config, source, out, {
    runsRoot: flags.out,
    threads,
    resume: { dir: run.dir, epochsDone: epoch },
    announceData: true,
  });
  printSummary(trained, out);
  out.result({ backend: runtime, runs: [runJson(trained)] });
  if (trained.interrupted)
    throw new CliError(
      'INTERRUPTED',
      'training interrupted (Ctrl-C); the run folder keeps the best validated checkpoint and its state.',
      { exitCode: 130 },
    );
}
