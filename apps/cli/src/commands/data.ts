import { imdb } from '@seqlab/datasets';
import { defineCommand } from '../command.js';
import { dataError, loadImdb, wordIndexSource } from '../lesson-data.js';
import { RECIPE_FLAGS } from '../recipe.js';

function lengths(xs: number[][]): { mean: number; median: number; max: number; min: number } {
  const ls = xs.map((x) => x.length).sort((a, b) => a - b);
  const mid = Math.floor(ls.length / 2);
  const median = ls.length % 2 ? (ls[mid] as number) : ((ls[mid - 1] as number) + (ls[mid] as number)) / 2;
  return { mean: ls.reduce((s, l) => s + l, 0) / ls.length, median, max: ls.at(-1) ?? 0, min: ls[0] ?? 0 };
}

function balance(y: Int32Array): { positive: number; negative: number } {
  let positive = 0;
  for (const v of y) positive += v;
  return { positive, negative: y.length - positive };
}

export const data = defineCommand({
  spec: {
    name: 'data',
    summary: "load (or download and verify) IMDB and print the lesson's step 3",
    usage: 'seqlab data [--num-words 500] [--data-dir dir]',
    flags: {
      'num-words': RECIPE_FLAGS['num-words'],
      maxlen: {
        type: 'number',
        integer: true,
        min: 1,
        default: 100,
        description: 'report how many reviews fit',
      },
      'data-dir': {
        type: 'string',
        description: 'folder with imdb.npz and imdb_word_index.json',
        valueName: 'dir',
      },
      review: {
        type: 'number',
        integer: true,
        min: 0,
        default: 0,
        description: 'which training review to decode',
      },
    },
    examples: [
      'seqlab data',
      'seqlab data --num-words 10000 --maxlen 200',
      'seqlab data --data-dir ~/.keras/datasets --json',
    ],
  },
  async run(flags, _positionals, out) {
    const dataDir = flags.dataDir ?? null;
    const [[xTrain, yTrain], [xTest, yTest]] = await loadImdb(
      { numWords: flags.numWords, dataDir },
      out.ctx.cwd,
    );
    let wordIndex: Map<string, number>;
    try {
      wordIndex = await imdb.getWordIndex(wordIndexSource(dataDir, out.ctx.cwd));
    } catch (error) {
      dataError(error);
    }
    const index = Math.min(flags.review, xTrain.length - 1);
    const review = xTrain[index] ?? [];
    const decoded = imdb.decode(review, wordIndex);
    const trainLengths = lengths(xTrain);
    const fits = xTrain.filter((x) => x.length <= flags.maxlen).length;
    const facts = {
      numWords: flags.numWords,
      xTrainShape: [xTrain.length],
      xTestShape: [xTest.length],
      firstLengths: xTrain.slice(0, 5).map((x) => x.length),
      trainLengths,
      fitMaxlen: { maxlen: flags.maxlen, reviews: fits, fraction: fits / xTrain.length },
      labels: { train: balance(yTrain), test: balance(yTest) },
      firstLabels: Array.from(yTrain.subarray(0, 10)),
      wordIndexSize: wordIndex.size,
      review: { index, label: yTrain[index], ids: review.slice(0, 20), decoded },
    };
    if (out.json) {
      out.result(facts);
      return;
    }
    const c = out.color;
    out.info(`x_train.shape = (${xTrain.length},)   x_test.shape = (${xTest.length},)`);
    out.info(`len(x_train[0]) = ${facts.firstLengths[0]}   len(x_train[1]) = ${facts.firstLengths[1]}`);
    out.info(`y_train[:10] = [${facts.firstLabels.join(', ')}]`);
    out.info(
      `review length: mean ${trainLengths.mean.toFixed(1)}, median ${trainLengths.median}, min ${trainLengths.min}, max ${trainLengths.max}; ${(facts.fitMaxlen.fraction * 100).toFixed(1)}% fit maxlen ${flags.maxlen}`,
    );
    const { train: tr, test: te } = facts.labels;
    out.info(
      `labels: train ${tr.positive} positive / ${tr.negative} negative, test ${te.positive} / ${te.negative}`,
    );
    out.info(
      `word index: ${wordIndex.size} words (num_words ${flags.numWords} keeps ids < ${flags.numWords})`,
    );
    out.info('');
    out.info(c.bold(`x_train[${index}] (label ${facts.review.label}), decoded:`));
    out.info(decoded);
  },
});
