// One measurement, the same code in Chromium (bundled into bench/worker.ts) and in Node (bench/epoch.mjs): a zoo
// model's training time through trainLesson — the recipe's own loop: batches of 64, RMSprop, shuffled — on the first
// rows of the lesson's data, scaled to a 20,000-row epoch. Plain JavaScript so that Node runs it as it is.
import { createModel, trainLesson } from '@seqlab/models';

/** The median of `xs` (the mean of the two middle values for an even count). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * A model ready to be timed: created, compiled and trained once over all the rows (the warm-up compiles every
 * kernel, grows the heaps and lets the engine tier the hot wasm and JavaScript up). `run()` times one more epoch
 * over the rows, so the caller can alternate runtimes run by run.
 *
 * @param {string} name zoo model
 * @param {Int32Array} x rows × maxlen padded ids
 * @param {Float32Array} y labels
 * @param {number} maxlen
 * @returns {Promise<{ warmupMs: number, run: () => Promise<number>, close: () => void }>}
 */
export async function openEpoch(name, x, y, maxlen) {
  const rows = y.length;
  const model = createModel(name, { numWords: 500, maxlen, seed: 1 });
  const run = async (compile) => {
    const t0 = performance.now();
    await trainLesson({
      model,
      x: { data: x, shape: [rows, maxlen] },
      y,
      epochs: 1,
      batchSize: 64,
      seed: 1,
      compile,
    });
    return performance.now() - t0;
  };
  const close = () => {
    model.optimizer?.dispose();
    model.dispose();
  };
  let warmupMs;
  try {
    warmupMs = await run(true);
  } catch (error) {
    close();
    throw error;
  }
  return { warmupMs, run: () => run(false), close };
}

/** Seconds per 20,000-row epoch from one-epoch runs over `rows` rows: the median, scaled. */
export const secondsPerEpoch = (samplesMs, rows) => (median(samplesMs) / 1000) * (20_000 / rows);
