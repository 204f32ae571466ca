import { resolve } from 'node:path';
import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { runData } from '../lesson-data.js';
import { checkModelOptions, modelFlagHint, modelNames, RECIPE_FLAGS, resolveConfig } from '../recipe.js';
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
    ],
  },
  async run(flags, _positionals, out) {
    const names = modelNames(flags.model);
    if (flags.saveKeras !== undefined && names.length > 1)
      throw usageError('--save-keras names one file: train one model at a time with it.');
    if (flags.saveKeras !== undefined && !/\.(keras|h5|hdf5)$/.test(flags.saveKeras))
      throw usageError(`--save-keras needs a .keras or .h5 file name; got '${flags.saveKeras}'.`);
    const configs = names.map((name) => resolveConfig(name, flags));
    const threads = threadsOption(flags.threads);
    const runtime = await initWasm();
    for (const config of configs) checkModelOptions(config);
    out.info(
      out.color.dim(
        `backend ${runtime.backend} (simd ${runtime.simd ? 'on' : 'off'}, ${runtime.threads} thread)`,
      ),
    );
    const threadsLine = describeThreads(threads);
    if (threadsLine !== null) out.info(out.color.dim(threadsLine));
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
