import { collectTexts, imdb, textDatasetFacts } from '@seqlab/datasets';
import { textVectorization } from '@seqlab/sequence';
import { defineCommand } from '../command.js';
import type { Output } from '../context.js';
import { dataError, loadImdb, openTexts, wordIndexSource } from '../lesson-data.js';
import { RECIPE_FLAGS } from '../recipe.js';

/** `seqlab data --data …`: the facts of your own texts, and how much of them a `num_words` vocabulary covers. */
async function ownTextFacts(
  flags: { data: string; textColumn: string; labelColumn: string; numWords: number; maxlen: number },
  out: Output,
): Promise<void> {
  const source = await openTexts(flags.data, flags, out.ctx.cwd);
  const facts = await textDatasetFacts(source);
  // Coverage as the recipe would see it: TextVectorization(max_tokens=num_words) adapted on all the texts.
  const { texts } = await collectTexts(source);
  const vectorizer = textVectorization({ maxTokens: flags.numWords });
  vectorizer.adapt(texts);
  let tokens = 0;
  let known = 0;
  let fit = 0;
  for (const text of texts) {
    const ids = vectorizer.call([text]).data;
    tokens += ids.length;
    for (const id of ids) if (id > 1) known++;
    if (ids.length <= flags.maxlen) fit++;
  }
  const coverage = {
    numWords: flags.numWords,
    vocabularySize: vectorizer.vocabularySize(),
    tokens,
    knownTokens: known,
    fraction: tokens === 0 ? 0 : known / tokens,
  };
  const fitMaxlen = { maxlen: flags.maxlen, texts: fit, fraction: fit / Math.max(1, texts.length) };
  if (out.json) {
    out.result({ ...facts, coverage, fitMaxlen });
    return;
  }
  const w = facts.words;
  out.info(`${facts.name}: ${facts.size} texts, ${facts.classes.length} classes`);
  for (const c of facts.classes)
    out.info(
      `  ${c.name.padEnd(20)} ${String(c.count).padStart(8)}  ${((c.count / facts.size) * 100).toFixed(1)}%`,
    );
  out.info(
    `length in words: min ${w.min}, p25 ${w.p25}, median ${w.p50}, p75 ${w.p75}, p90 ${w.p90}, p99 ${w.p99}, max ${w.max}; ` +
      `${(fitMaxlen.fraction * 100).toFixed(1)}% fit maxlen ${flags.maxlen}`,
  );
  out.info(
    `vocabulary: num_words ${flags.numWords} keeps ${coverage.vocabularySize - 2} words, covering ` +
      `${(coverage.fraction * 100).toFixed(1)}% of the ${tokens} words (the rest become [UNK])`,
  );
}

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
    usage: 'seqlab data [--num-words 500] [--data-dir dir] | seqlab data --data <folder|file.csv>',
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
      data: RECIPE_FLAGS.data,
      'text-column': RECIPE_FLAGS['text-column'],
      'label-column': RECIPE_FLAGS['label-column'],
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
      'seqlab data --data reviews.csv --text-column review --label-column sentiment',
    ],
  },
  async run(flags, _positionals, out) {
    if (flags.data !== undefined) {
      await ownTextFacts({ ...flags, data: flags.data }, out);
      return;
    }
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
