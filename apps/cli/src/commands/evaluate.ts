import { evaluateModel, prepareLessonData } from '@seqlab/lesson';
import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { lessonSource } from '../lesson-data.js';
import { loadRunModel } from '../load-model.js';
import { readRun } from '../run.js';

export const evaluate = defineCommand({
  spec: {
    name: 'evaluate',
    summary: "test-set loss and accuracy of a run's best model",
    usage: 'seqlab evaluate <run> [--data-dir dir]',
    positionals: [{ name: '<run>', description: "a folder written by 'seqlab train'", required: true }],
    flags: {
      'data-dir': {
        type: 'string',
        description: 'folder with imdb.npz (default: as the run was trained)',
        valueName: 'dir',
      },
    },
  },
  async run(flags, positionals, out) {
    const [dir] = positionals;
    if (!dir) throw usageError('seqlab evaluate needs a run folder.', 'Usage: seqlab evaluate <run>');
    const run = readRun(dir, out.ctx.cwd);
    const config = { ...run.config, dataDir: flags.dataDir ?? run.config.dataDir };
    const runtime = await initWasm();
    const model = await loadRunModel(run.dir);
    const data = await prepareLessonData(lessonSource(config, out.ctx.cwd), config);
    const reviews = data.test?.y.length ?? 0;
    const test = data.test ? evaluateModel(model, data.test, config.batchSize) : null;
    model.dispose();
    if (test === null) throw new CliError('NO_TEST_DATA', `the data of run '${dir}' has no test split.`);
    out.info(
      `${config.model}: test loss ${test.loss.toFixed(4)} - test acc ${out.color.bold(test.acc.toFixed(4))} (${reviews} reviews)`,
    );
    out.result({ run: run.dir, model: config.model, backend: runtime.backend, reviews, ...test });
  },
});
