// padSequences on 25,000 IMDB-like reviews (random lengths 10…1,000, mean ≈ 235 after skew) to maxlen 100, and
// trainTestSplit of the result. Run after `pnpm build`: `pnpm bench`. Prints one JSON line per measurement.
import { RandomState } from '@seqlab/random';
import { padSequences, trainTestSplit } from '../dist/index.js';

const rng = new RandomState(0);
const N = 25000;
const lengths = Array.from({ length: N }, () => {
  const u = rng.randomSample();
  return 10 + Math.floor(990 * u * u * u * u + 200 * u);
});
const plain = lengths.map((len) => Array.from(rng.randint(1, 500, len)));
const typed = plain.map((s) => Int32Array.from(s));
const labels = Int32Array.from(rng.randint(0, 2, N));

function time(f, reps) {
  f();
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: +samples[Math.floor(reps / 2)].toFixed(3), minMs: +samples[0].toFixed(3) };
}

const meanLength = lengths.reduce((a, b) => a + b, 0) / N;
const report = (name, r) =>
  console.log(JSON.stringify({ bench: name, n: N, meanLength: +meanLength.toFixed(1), ...r }));
report(
  'padSequences(number[][], maxlen 100)',
  time(() => padSequences(plain, { maxlen: 100 }), 20),
);
report(
  'padSequences(Int32Array[], maxlen 100)',
  time(() => padSequences(typed, { maxlen: 100 }), 20),
);
report(
  "padSequences(number[][], maxlen 100, 'post')",
  time(() => padSequences(plain, { maxlen: 100, padding: 'post', truncating: 'post' }), 20),
);
const x = padSequences(typed, { maxlen: 100 });
report(
  'trainTestSplit(matrix, labels, testSize 0.2)',
  time(() => trainTestSplit(x, labels, { randomState: 42, testSize: 0.2 }), 20),
);
