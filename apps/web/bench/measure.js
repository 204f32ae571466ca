// One measurement, the same code in Chromium (bundled into bench/worker.ts) and in Node (bench/epoch.mjs): a zoo
// model's training time through trainLesson — the recipe's own loop: batches of 64, RMSprop, shuffled — on the first
// rows of the lesson's data, scaled to a 20,000-row epoch. Plain JavaScript so that Node runs it as it is.
import { createModel, trainLesson } from '@seqlab/models';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * @param {string} name zoo model
 * @param {Int32Array} x rows × maxlen padded ids
 * @param {Float32Array} y labels
 * @param {number} maxlen
 * @param {number} repeats one-epoch runs over all the rows; the median counts
 * @returns {Promise<{ model: string, secondsPerEpoch: number, samplesMs: number[] }>}
 */
export async function measureEpoch(name, x, y, maxlen, repeats) {
  const rows = y.length;
  const model = createModel(name, { numWords: 500, maxlen, seed: 1 });
  const run = async (n, compile) => {
    const t0 = performance.now();
    await trainLesson({
      model,
      x: { data: x.subarray(0, n * maxlen), shape: [n, maxlen] },
      y: y.subarray(0, n),
      epochs: 1,
      batchSize: 64,
      seed: 1,
      compile,
    });
    return performance.now() - t0;
  };
  try {
    await run(rows, true); // warm-up: one pass compiles every kernel, grows the heaps and warms the JIT
    const samplesMs = [];
    for (let i = 0; i < repeats; i++) samplesMs.push(await run(rows, false));
    return { model: name, secondsPerEpoch: (median(samplesMs) / 1000) * (20_000 / rows), samplesMs };
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}
