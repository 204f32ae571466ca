// textDatasetFromTable() on a generated CSV of SIZE_MB (default 1024): time of the opening pass (validates every row,
// counts the classes) and of one iteration, and peak RSS / heap. Memory must stay flat whatever the file size.
// Run after `pnpm build`: SIZE_MB=1024 node bench/csv_stream.mjs   (the CSV goes to $TMPDIR and is removed after)
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { textDatasetFromTable } from '../dist/index.js';

const target = Number(process.env.SIZE_MB ?? 1024) * 1e6;
const dir = await mkdtemp(join(tmpdir(), 'seqlab-csv-bench-'));
const path = join(dir, 'big.csv');
try {
  const out = await open(path, 'w');
  let written = 0;
  let rows = 0;
  let chunk = 'id,text,label\n';
  while (written < target) {
    chunk += `${rows},"review ${rows}: ${rows % 10 === 0 ? 'two\nlines, ' : ''}a ""quoted"" word and ${'text '.repeat(rows % 60)}",${['neg', 'pos', 'mixed'][rows % 3]}\n`;
    rows++;
    if (chunk.length > 1 << 22) {
      await out.write(chunk);
      written += chunk.length;
      chunk = '';
    }
  }
  await out.write(chunk);
  written += chunk.length;
  await out.close();

  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const start = performance.now();
  const source = await textDatasetFromTable(path);
  const openMs = performance.now() - start;
  let seen = 0;
  for await (const _ of source) seen++;
  const iterateMs = performance.now() - start - openMs;
  clearInterval(timer);
  console.log(
    JSON.stringify({
      fileMB: Math.round(written / 1e6),
      rows: source.size,
      seen,
      classes: Object.fromEntries(source.classNames.map((c, i) => [c, source.classCounts[i]])),
      openMs: Math.round(openMs),
      iterateMs: Math.round(iterateMs),
      MBps: Math.round((written / 1e6 / (iterateMs / 1000)) * 10) / 10,
      peakRssMB: Math.round(peakRss / 1e6),
      rssGrowthMB: Math.round((peakRss - base.rss) / 1e6),
      heapGrowthMB: Math.round((peakHeap - base.heapUsed) / 1e6),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
