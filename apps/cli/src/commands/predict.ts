import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { imdb } from '@seqlab/datasets';
import { assertFinitePredictions } from '@seqlab/models';
import { padSequences, textVectorizationFromJSON } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { defineCommand } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { isKerasFile, KERAS_FILE_FLAGS, kerasInput, openKerasFile } from '../keras-file.js';
import { dataError, wordIndexSource } from '../lesson-data.js';
import { loadRunModel } from '../load-model.js';
import { RUN_FILES, readRunConfig } from '../run.js';

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const predict = defineCommand({
  spec: {
    name: 'predict',
    summary: 'sentiment of a review: probability and label; --explain shows it word by word',
    usage: 'seqlab predict <run> "<review text>" | --file review.txt | - (stdin)',
    positionals: [
      {
        name: '<run>',
        description: "a folder written by 'seqlab train', or a Keras file (.h5, .keras: the lesson's Ex2.h5)",
        required: true,
      },
      {
        name: '<text>',
        description: "the review (quoted, or several words); '-' or nothing reads stdin",
        variadic: true,
      },
    ],
    flags: {
      file: { type: 'string', description: 'read the review from a file', valueName: 'path' },
      explain: { type: 'boolean', description: 'the prediction after each word (the RNN memory at work)' },
      'data-dir': { type: 'string', description: 'folder with imdb_word_index.json', valueName: 'dir' },
      ...KERAS_FILE_FLAGS,
    },
    examples: [
      'seqlab predict runs/lstm-20261129-120000 "A wonderful, moving film."',
      'seqlab predict runs/lstm-20261129-120000 --file review.txt --explain',
      'cat review.txt | seqlab predict runs/lstm-20261129-120000 - --json',
      'seqlab predict Ex2.h5 "a wonderful film" --explain',
    ],
  },
  async run(flags, positionals, out) {
    const [dir, ...textArgs] = positionals;
    if (!dir)
      throw usageError('seqlab predict needs a run folder and a review.', `Usage: ${predict.spec.usage}`);
    // A run folder, or a Keras file: the lesson's Ex2.h5 (one-hot SimpleRNN) or any IMDB-id text model.
    const keras = isKerasFile(dir)
      ? await openKerasFile(dir, { numWords: flags.numWords, maxlen: flags.maxlen }, out.ctx.cwd)
      : null;
    const run = keras
      ? {
          dir: keras.file,
          config: { model: keras.info.name, numWords: keras.numWords, maxlen: keras.maxlen, dataDir: null },
        }
      : readRunConfig(dir, out.ctx.cwd);
    let text: string;
    if (flags.file) {
      try {
        text = readFileSync(resolve(out.ctx.cwd, flags.file), 'utf8');
      } catch (cause) {
        throw new CliError(
          'FILE_NOT_FOUND',
          `cannot read --file ${flags.file}: ${(cause as Error).message}`,
          { cause },
        );
      }
    } else if (textArgs.length > 0 && !(textArgs.length === 1 && textArgs[0] === '-')) {
      text = textArgs.join(' ');
    } else if ((process.stdin as { isTTY?: boolean }).isTTY !== true) {
      text = await readStdin(process.stdin);
    } else {
      throw usageError('no review given.', 'Pass the text, --file <path>, or pipe it on stdin.');
    }
    if (text.trim() === '') throw usageError('the review is empty.');

    const { config } = run;
    await initWasm();
    // A run on your own texts carries its vectorizer and class names; an IMDB run reads Keras' word index.
    const vectorizerFile = join(run.dir, RUN_FILES.vectorizer);
    const ownTexts = keras === null && existsSync(vectorizerFile);
    let tokens: string[];
    let ids: number[];
    let words: string[];
    let classNames = ['negative', 'positive'];
    let oovId = 2;
    if (ownTexts) {
      const vectorizer = textVectorizationFromJSON(readFileSync(vectorizerFile, 'utf8'));
      classNames = JSON.parse(readFileSync(join(run.dir, RUN_FILES.classes), 'utf8')) as string[];
      tokens = vectorizer.tokenize(text);
      ids = Array.from(vectorizer.call([text]).data);
      words = tokens;
      oovId = 1;
    } else {
      let wordIndex: Map<string, number>;
      try {
        wordIndex = await imdb.getWordIndex(wordIndexSource(flags.dataDir ?? config.dataDir, out.ctx.cwd));
      } catch (error) {
        dataError(error);
      }
      tokens = imdb.textToWords(text);
      ids = imdb.encode(text, wordIndex, { numWords: config.numWords });
      words = ['[START]', ...tokens.filter((w) => wordIndex.has(w))];
    }
    const model = keras ? await keras.load() : await loadRunModel(run.dir);
    // Every prefix (for --explain) or just the whole review, padded as in training, in one batch.
    const prefixes = flags.explain ? ids.map((_, i) => ids.slice(0, i + 1)) : [ids];
    const x = padSequences(prefixes, { maxlen: config.maxlen });
    const probs = tf.tidy(() => {
      const input = keras
        ? kerasInput(x.data, x.shape, keras)
        : tf.tensor2d(x.data, [x.shape[0], x.shape[1]], 'int32');
      return (model.predict(input) as tf.Tensor).dataSync();
    });
    // A model with NaN weights predicts NaN: say so instead of calling it "negative".
    try {
      assertFinitePredictions(probs);
    } catch (cause) {
      model.dispose();
      throw new CliError('NON_FINITE_PREDICTION', (cause as Error).message, { cause });
    }
    model.dispose();
    // A sigmoid head gives P(class 1) per row; a softmax head (more than two classes) one probability per class.
    const k = probs.length / x.shape[0];
    const last = Array.from(probs.subarray(probs.length - k));
    const best = k === 1 ? ((last[0] as number) >= 0.5 ? 1 : 0) : last.indexOf(Math.max(...last));
    const probability = k === 1 ? (last[0] as number) : (last[best] as number);
    const label = classNames[best] ?? String(best);
    const probabilities =
      k === 1 ? undefined : Object.fromEntries(last.map((p, c) => [classNames[c] ?? c, p]));
    const steps = flags.explain
      ? ids.map((id, i) => ({
          word: words[i] ?? '?',
          id,
          oov: id === oovId,
          probability: probs[k === 1 ? i : i * k + best] as number,
        }))
      : undefined;
    const c = out.color;
    if (steps) {
      let previous = k === 1 ? 0.5 : 1 / k;
      for (const s of steps) {
        const delta = s.probability - previous;
        previous = s.probability;
        const bar = '█'.repeat(Math.round(s.probability * 20)).padEnd(20, '·');
        const word = s.oov ? c.dim(`${s.word} (oov)`) : s.word;
        const move = delta >= 0 ? c.green(`+${delta.toFixed(3)}`) : c.red(delta.toFixed(3));
        out.info(`${bar} ${s.probability.toFixed(3)} ${move}  ${word}`);
      }
      out.info('');
    }
    const shown = k > 1 ? c.bold(label) : label === classNames[1] ? c.green(label) : c.red(label);
    const known = ids.filter((id) => id !== oovId).length - (ownTexts ? 0 : 1);
    const shownClass = k === 1 ? classNames[1] : label;
    out.info(
      `${shown} (p(${shownClass}) = ${probability.toFixed(4)}; ${known} known words, maxlen ${config.maxlen})`,
    );
    if (known === 0)
      out.warn(`no word of the text is in the model's vocabulary: the prediction says nothing about it.`);
    if (ids.length > config.maxlen)
      out.info(
        c.dim(
          `note: the review is longer than maxlen ${config.maxlen}; only its last ${config.maxlen} ids count.`,
        ),
      );
    out.result({
      run: run.dir,
      model: config.model,
      probability,
      label,
      classNames,
      ...(probabilities ? { probabilities } : {}),
      words: known,
      steps,
    });
  },
});
