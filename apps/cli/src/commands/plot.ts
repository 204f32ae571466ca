import { join } from 'node:path';
import { renderSvgChart } from '@seqlab/plot';
import { defineCommand } from '../command.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { RUN_FILES, readRun } from '../run.js';
import { historySeries } from '../series.js';
import { renderTermChart } from '../ui/term-chart.js';

export const plot = defineCommand({
  spec: {
    name: 'plot',
    summary: "a run's learning curves (loss and val_loss per epoch) as SVG and in the terminal",
    usage: 'seqlab plot <run> [--metric loss|acc] [--out file.svg]',
    positionals: [{ name: '<run>', description: "a folder written by 'seqlab train'", required: true }],
    flags: {
      metric: { type: 'string', description: 'which curves', default: 'loss', choices: ['loss', 'acc'] },
      out: {
        type: 'string',
        description: 'SVG file to write (default: <run>/curves.svg)',
        valueName: 'file',
      },
    },
  },
  async run(flags, positionals, out) {
    const [dir] = positionals;
    if (!dir) throw usageError('seqlab plot needs a run folder.', 'Usage: seqlab plot <run>');
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
