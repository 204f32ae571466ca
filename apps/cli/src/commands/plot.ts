import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { renderSvgChart, type Series } from '@seqlab/plot';
import { defineCommand } from '../command.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { COMPARE_FILE, RUN_FILES, readRun } from '../run.js';
import { historySeries } from '../series.js';
import { renderTermChart } from '../ui/term-chart.js';

export const plot = defineCommand({
  spec: {
    name: 'plot',
    summary: "a run's learning curves (loss and val_loss per epoch) as SVG and in the terminal",
    usage: 'seqlab plot <run> [--metric loss|acc] [--out file.svg]',
    positionals: [
      {
        name: '<run>',
        description: "a folder written by 'seqlab train' or 'seqlab compare'",
        required: true,
      },
    ],
    flags: {
      metric: { type: 'string', description: 'which curves', default: 'loss', choices: ['loss', 'acc'] },
      out: {
        type: 'string',
        description: 'SVG file to write (default: <run>/curves.svg)',
        valueName: 'file',
      },
    },
    examples: [
      'seqlab plot runs/lstm-20261129-120000',
      'seqlab plot runs/lstm-20261129-120000 --metric acc --out acc.svg',
      'seqlab plot runs/compare-20261129-120000',
    ],
  },
  async run(flags, positionals, out) {
    const [dir] = positionals;
    if (!dir) throw usageError('seqlab plot needs a run folder.', 'Usage: seqlab plot <run>');
    const comparison = join(resolve(out.ctx.cwd, dir), COMPARE_FILE);
    if (existsSync(comparison)) {
      // A `seqlab compare` folder: one validation curve per compared run.
      const { runs } = JSON.parse(readFileSync(comparison, 'utf8')) as { runs: string[] };
      const metric = `val_${flags.metric}`;
      const series: Series[] = runs.map((runDir) => {
        const run = readRun(runDir, out.ctx.cwd);
        return {
          name: `${run.config.model} ${metric}`,
          values: run.history.epochs.map((e) => e.logs[metric] ?? Number.NaN),
        };
      });
      const file = flags.out ?? join(dirname(comparison), `${metric}.svg`);
      writeFileAtomic(file, renderSvgChart(series, { title: `${metric} by model`, yLabel: metric }));
      out.info(renderTermChart(series));
      out.info(`wrote ${file}`);
      out.result({ compare: dirname(comparison), metric, files: [file] });
      return;
    }
    const run = readRun(dir, out.ctx.cwd);
    const series = historySeries(run.history, flags.metric);
    const file =
      flags.out ?? join(run.dir, flags.metric === 'loss' ? RUN_FILES.curves : `curves-${flags.metric}.svg`);
    writeFileAtomic(
      file,
      renderSvgChart(series, { title: `${run.config.model}: ${flags.metric}`, yLabel: flags.metric }),
    );
    out.info(renderTermChart(series));
    out.info(`wrote ${file}`);
    out.result({ run: run.dir, metric: flags.metric, files: [file] });
  },
});
