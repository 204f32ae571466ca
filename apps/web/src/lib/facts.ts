/** What the Data panel shows about a loaded split. */
export interface DatasetFacts {
  trainSize: number;
  testSize: number;
  /** Sequence lengths of train + test (with the start id, as `loadData` returns them). */
  length: { min: number; max: number; mean: number; median: number };
  /** Positive (1) and negative (0) reviews in train and in test. */
  labels: { train: [negative: number, positive: number]; test: [negative: number, positive: number] };
  /** Share of word ids replaced by the out-of-vocabulary id. */
  oovRate: number;
}

function count(y: ArrayLike<number>): [number, number] {
  let positive = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positive++;
  return [y.length - positive, positive];
}

/** Sizes, length statistics (numpy's `mean`/`median`), label balance and OOV share of an IMDB load. */
export function datasetFacts(
  train: [x: readonly ArrayLike<number>[], y: ArrayLike<number>],
  test: [x: readonly ArrayLike<number>[], y: ArrayLike<number>],
  oovChar = 2,
): DatasetFacts {
  const lengths = Float64Array.from([...train[0], ...test[0]], (s) => s.length).sort();
  let total = 0;
  let oov = 0;
  for (const split of [train[0], test[0]]) {
    for (const s of split) {
      total += s.length;
      for (let i = 0; i < s.length; i++) if (s[i] === oovChar) oov++;
    }
  }
  const n = lengths.length;
  const median =
    n === 0 ? Number.NaN : n % 2 === 1 ? lengths[(n - 1) / 2]! : (lengths[n / 2 - 1]! + lengths[n / 2]!) / 2;
  return {
    trainSize: train[0].length,
    testSize: test[0].length,
    length: {
      min: n === 0 ? Number.NaN : lengths[0]!,
      max: n === 0 ? Number.NaN : lengths[n - 1]!,
      mean: n === 0 ? Number.NaN : total / n,
      median,
    },
    labels: { train: count(train[1]), test: count(test[1]) },
    oovRate: total === 0 ? 0 : oov / total,
  };
}
