import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { loadLessonData } from '../lesson-data.js';
import { modelNames, RECIPE_FLAGS, resolveConfig } from '../recipe.js';
import { printSummary, type TrainedRun, trainOne } from '../training.js';

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
    },
    examples: [
      'seqlab train --model lstm',
      'seqlab train --model gru --limit 2000 --epochs 3',
      'seqlab train --model lstm,gru --json > result.json',
    ],
  },
  async run(flags, _positionals, out) {
    const names = modelNames(flags.model);
    const configs = names.map((name) => resolveConfig(name, flags));
    const runtime = await initWasm();
    out.info(
      out.color.dim(
        `backend ${runtime.backend} (simd ${runtime.simd ? 'on' : 'off'}, ${runtime.threads} thread)`,
      ),
    );
    const first = configs[0]!;
    const data = await loadLessonData(first, out.ctx.cwd);
    out.info(
      out.color.dim(
        `data: ${data.train.y.length} train / ${data.val.y.length} validation / ${data.test.y.length} test reviews, maxlen ${first.maxlen}`,
      ),
    );
    const runs: TrainedRun[] = [];
    for (const config of configs) {
      if (out.ctx.signal.aborted) break;
      out.info(out.color.bold(`\n${config.model}`) + out.color.dim(` (seed ${config.seed})`));
      const run = await trainOne(config, data, out, { runsRoot: flags.out, runtime });
      printSummary(run, out);
      runs.push(run);
    }
    const results = runs.map((r) => ({
      config: r.config,
      runDir: r.dir,
      epochs: r.history.epochs,
      bestEpoch: r.history.bestEpoch,
      bestValLoss: r.history.bestValLoss,
      stoppedEarly: r.history.stoppedEarly,
      interrupted: r.history.interrupted,
      test: r.history.test ?? null,
      secondsPerEpoch: r.secondsPerEpoch,
      files: r.files,
    }));
    out.result({ backend: runtime, runs: results });
    if (runs.some((r) => r.history.interrupted))
      throw new CliError(
        'INTERRUPTED',
        'training interrupted (Ctrl-C); the run folder keeps the best checkpoint.',
        {
          exitCode: 130,
        },
      );
  },
});
