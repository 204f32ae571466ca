// TextVectorization on 25,000 IMDB-like reviews (≈230 words of a Zipf-like 50,000-word vocabulary, with
// punctuation and capitals): adapt, then call to 200 ids. Run after `pnpm build`. Prints one JSON line per
// measurement; cpuMs is this process's user CPU time (steadier than wall time on a shared machine).
import { RandomState } from '@seqlab/random';
import { textVectorization } from '../dist/index.js';

const rng = new RandomState(0);
const N = 25000;
const WORDS = Array.from({ length: 50000 }, (_, i) => `w${i.toString(36)}`);
const PUNCT = ['', '', '', '', ',', '.', '!', '?'];
const docs = Array.from({ length: N }, () => {
  const n = 50 + Math.floor(360 * rng.randomSample());
  const parts = [];
  for (let k = 0; k < n; k++) {
    const u = rng.randomSample();
    const w = WORDS[Math.floor(50000 * u * u * u)];
    parts.push((rng.randomSample() < 0.05 ? w.toUpperCase() : w) + PUNCT[Math.floor(8 * rng.randomSample())]);
  }
  return parts.join(' ');
});

function time(f, reps) {
  f();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage().user;
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    cpu.push((process.cpuUsage().user - c0) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mid = Math.floor(reps / 2);
  return { medianMs: +wall[mid].toFixed(1), minMs: +wall[0].toFixed(1), cpuMs: +cpu[mid].toFixed(1) };
}

const report = (name, r) => console.log(JSON.stringify({ bench: name, n: N, ...r }));
const vec = textVectorization({ maxTokens: 20000, outputSequenceLength: 200 });
report(
  'TextVectorization.adapt(25,000 reviews, maxTokens 20000)',
  time(() => vec.adapt(docs), 3),
);
report(
  'TextVectorization.call(25,000 reviews) → [25000, 200]',
  time(() => vec.call(docs), 3),
);
