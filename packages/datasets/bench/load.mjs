// imdb.loadData() on the real 17 MB imdb.npz: wall time and peak RSS (targets: < 1.5 s, < 400 MB).
// Run after `pnpm build`: SEQLAB_DATA_DIR=/path/to/imdb pnpm --filter @seqlab/datasets bench
import { performance } from 'node:perf_hooks';
import { imdb } from '../dist/index.js';

if (!process.env.SEQLAB_DATA_DIR) {
  console.error('set SEQLAB_DATA_DIR to the folder holding imdb.npz');
  process.exit(1);
}
let peak = process.memoryUsage().rss;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const start = performance.now();
const [[xTrain], [xTest]] = await imdb.loadData();
const ms = performance.now() - start;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(timer);
console.log(
  JSON.stringify({
    loadDataMs: Math.round(ms),
    peakRssMB: Math.round(peak / 1e6),
    train: xTrain.length,
    test: xTest.length,
    targets: { ms: 1500, rssMB: 400 },
  }),
);
