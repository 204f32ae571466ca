import { join, resolve } from 'node:path';
import { renderSvgChart, type Series } from '@seqlab/plot';
import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { runData } from '../lesson-data.js';
import { checkModelOptions, modelFlagHint, modelNames, RECIPE_FLAGS, resolveConfig } from '../recipe.js';
import { COMPARE_FILE } from '../run.js';
import { THREADS_FLAG, threadsOption } from '../threads.js';
import { newRunDir, type TrainedRun, trainOne } from '../training.js';
import { renderTable } from '../ui/table.js';
import { renderTermChart } from '../ui/term-chart.js';

export const compare = defineCommand({
  spec: {
    name: 'compare',
    summary: 'train several models under one recipe; a table and one chart of all curves',
    usage: 'seqlab compare --models all|<name>,<name>… [options]',
    flags: {
      models: {
        type: 'string',
        default: 'all',
        description: "models to compare, comma-separated, or 'all'",
        valueName: 'names',
      },
      ...RECIPE_FLAGS,
      ...THREADS_FLAG,
    },
    strayHint: modelFlagHint('--models'),
    examples: [
      'seqlab compare --models lstm,gru --limit 4000 --epochs 5',
      'seqlab compare --models all --seed 42 --json > comparison.json',
    ],
  },
  async run(flags, _positionals, out) {
    const names = modelNames(flags.models);
    // One seed for every model, so the comparison is of the models, not of their luck.
    const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
    const configs = names.map((name) => resolveConfig(name, { ...flags, seed }, out.ctx.cwd));
    const threads = threadsOption(flags.threads);
    const runtime = await initWasm();
    for (const config of configs) checkModelOptions(config);
    const source = await runData(configs[0]!, out.ctx.cwd);
    const runs: TrainedRun[] = [];
    for (const config of configs) {
      if (out.ctx.signal.aborted) break;
      out.info(out.color.bold(`\n${config.model}`));
      runs.push(await trainOne(config, source, out, { runsRoot: flags.out, label: config.model, threads }));
    }
    const rows = runs.map((r) => {
      const best = r.epochs.find((e) => e.epoch === r.bestEpoch);
      return {
        model: r.config.model,
        bestValLoss: r.bestValLoss,
        valAcc: best?.logs.val_acc ?? null,
        testAcc: r.test?.acc ?? null,
        epochs: r.epochs.length,
        bestEpoch: r.bestEpoch,
        secondsPerEpoch: r.secondsPerEpoch,
        runDir: r.dir,
      };
    });
    const f = (v: number | null, d = 4) => (v === null ? '-' : v.toFixed(d));
    const table = renderTable(
      ['model', 'best val_loss', 'val acc', 'test acc', 'epochs', 'best epoch', 's/epoch'],
      rows.map((r) => [
        r.model,
        f(r.bestValLoss),
        f(r.valAcc),
        f(r.testAcc),
        r.epochs,
        r.bestEpoch ?? '-',
        f(r.secondsPerEpoch, 1),
      ]),
    );
    const series: Series[] = runs.map((r) => ({
      name: `${r.config.model} val_loss`,
      values: r.history.val_loss ?? [],
    }));
    const compareDir = newRunDir(resolve(out.ctx.cwd, flags.out), 'compare');
    const chartFile = join(compareDir, 'val_loss.svg');
    writeFileAtomic(chartFile, renderSvgChart(series, { title: 'val_loss by model', yLabel: 'val_loss' }));
    // `seqlab plot <compare folder>` reads the runs back from here.
    writeFileAtomic(
      join(compareDir, COMPARE_FILE),
      `${JSON.stringify({ seed, models: rows, runs: runs.map((r) => r.dir) }, null, 2)}\n`,
    );
    out.info('');
    out.info(table);
    out.info('');
    out.info(renderTermChart(series));
    out.info(`chart: ${chartFile}`);
    out.result({ backend: runtime, seed, models: rows, chart: chartFile });
    if (runs.some((r) => r.interrupted))
      throw new CliError(
        'INTERRUPTED',
        'comparison interrupted (Ctrl-C); each run folder keeps its best validated checkpoint.',
        { exitCode: 130 },
      );
  },
});
