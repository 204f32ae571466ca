import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectTexts } from '@seqlab/datasets';
import { evaluateModel, prepareLessonData } from '@seqlab/lesson';
import type { LabelledIds } from '@seqlab/models';
import { padSequences, textVectorizationFromJSON } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import { defineCommand } from '../command.js';
import type { Output } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { evaluateKerasFile, isKerasFile, KERAS_FILE_FLAGS, openKerasFile } from '../keras-file.js';
import { lessonSource, loadImdb, openTexts } from '../lesson-data.js';
import { loadRunModel } from '../load-model.js';
import { RUN_FILES, type RunConfig, readRunConfig } from '../run.js';

/** The test texts of a run on your own data, through the vectorizer it was trained with, padded like training. */
async function ownTestSplit(
  runDir: string,
  config: RunConfig,
  testData: string | undefined,
  out: Output,
): Promise<LabelledIds> {
  const path = testData ?? config.testData;
  if (!path)
    throw new CliError('NO_TEST_DATA', `run '${runDir}' was trained on ${config.data} without a test set.`, {
      hint: 'Pass --test-data <folder|file> with the same classes.',
    });
  const vectorizer = textVectorizationFromJSON(readFileSync(join(runDir, RUN_FILES.vectorizer), 'utf8'));
  const classNames = JSON.parse(readFileSync(join(runDir, RUN_FILES.classes), 'utf8')) as string[];
  const source = await openTexts(
    path,
    { textColumn: config.textColumn ?? 'text', labelColumn: config.labelColumn ?? 'label' },
    out.ctx.cwd,
  );
  const { texts, labels, classNames: found } = await collectTexts(source);
  if (found.join('\u0000') !== classNames.join('\u0000'))
    throw new CliError(
      'DATA_CLASSES',
      `${path} has the classes ${found.join(', ')}; the run was trained on ${classNames.join(', ')}.`,
    );
  const x = padSequences(
    texts.map((t) => vectorizer.call([t]).data),
    { maxlen: config.maxlen },
  );
  return { x, y: labels };
}

/** `seqlab evaluate Ex2.h5`: a Keras model on the IMDB test set, padded to the model's own maxlen. */
async function evaluateKeras(
  path: string,
  flags: { numWords?: number | undefined; maxlen?: number | undefined; dataDir?: string | undefined },
  out: Output,
): Promise<void> {
  const runtime = await initWasm();
  const keras = await openKerasFile(path, flags, out.ctx.cwd);
  const [, [xTest, yTest]] = await loadImdb(
    { numWords: keras.numWords, dataDir: flags.dataDir ?? null },
    out.ctx.cwd,
  );
  const x = padSequences(xTest, { maxlen: keras.maxlen });
  const model = await keras.load();
  const test = evaluateKerasFile(model, keras, x.data, yTest, keras.maxlen);
  model.dispose();
  out.info(
    `${path}: test loss ${test.loss.toFixed(4)} - test acc ${out.color.bold(test.acc.toFixed(4))} (${yTest.length} ` +
      `reviews, num_words ${keras.numWords}, maxlen ${keras.maxlen})`,
  );
  out.result({
    run: keras.file,
    model: keras.info.name,
    backend: runtime.backend,
    reviews: yTest.length,
    numWords: keras.numWords,
    maxlen: keras.maxlen,
    ...test,
  });
}

export const evaluate = defineCommand({
  spec: {
    name: 'evaluate',
    summary: "test-set loss and accuracy of a run's best model",
    usage: 'seqlab evaluate <run> [--data-dir dir]',
    positionals: [
      {
        name: '<run>',
        description: "a folder written by 'seqlab train', or a Keras file (.h5, .keras)",
        required: true,
      },
    ],
    flags: {
      'data-dir': {
        type: 'string',
        description: 'folder with imdb.npz (default: as the run was trained)',
        valueName: 'dir',
      },
      ...KERAS_FILE_FLAGS,
      'test-data': {
        type: 'string',
        description: 'for a run on your own texts: the test texts (default: as the run was trained)',
        valueName: 'path',
      },
    },
    examples: [
      'seqlab evaluate runs/lstm-20261129-120000',
      'seqlab evaluate runs/gru-20261129-120000 --json',
      'seqlab evaluate Ex2.h5',
    ],
  },
  async run(flags, positionals, out) {
    const [dir] = positionals;
    if (!dir) throw usageError('seqlab evaluate needs a run folder.', 'Usage: seqlab evaluate <run>');
    if (isKerasFile(dir)) {
      await evaluateKeras(dir, flags, out);
      return;
    }
    const run = readRunConfig(dir, out.ctx.cwd);
    const config = { ...run.config, dataDir: flags.dataDir ?? run.config.dataDir };
    const runtime = await initWasm();
    const testSplit = config.data ? await ownTestSplit(run.dir, config, flags.testData, out) : null;
    const model = await loadRunModel(run.dir);
    const data = testSplit ?? (await prepareLessonData(lessonSource(config, out.ctx.cwd), config)).test;
    const reviews = data?.y.length ?? 0;
    const test = data ? evaluateModel(model, data, config.batchSize) : null;
    model.dispose();
    if (test === null) throw new CliError('NO_TEST_DATA', `the data of run '${dir}' has no test split.`);
    out.info(
      `${config.model}: test loss ${test.loss.toFixed(4)} - test acc ${out.color.bold(test.acc.toFixed(4))} (${reviews} reviews)`,
    );
    out.result({ run: run.dir, model: config.model, backend: runtime.backend, reviews, ...test });
  },
});
