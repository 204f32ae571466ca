import { extent, type Series } from '@seqlab/plot';

const MARKS = ['*', 'o', '+', 'x', '#', '@', '%', '&'];

/**
 * A small text chart of per-epoch curves (loss and val_loss, like the lesson's `plt.plot`), for the end of a run.
 * Each series gets a mark; where two meet, the later one wins.
 */
export function renderTermChart(series: Series[], options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 60;
  const height = options.height ?? 12;
  const n = Math.max(0, ...series.map((s) => s.values.length));
  if (n === 0) return '(no epochs to plot)';
  const [lo, hi] = extent(series);
  const span = hi - lo || 1;
  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  series.forEach((s, si) => {
    const mark = MARKS[si % MARKS.length] as string;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const x = n === 1 ? 0 : Math.round((i / (n - 1)) * (width - 1));
      const y = height - 1 - Math.round(((v - lo) / span) * (height - 1));
      const row = grid[y];
      if (row) row[x] = mark;
    });
  });
  const labels = grid.map((_, r) => {
    if (r === 0) return hi.toFixed(4);
    if (r === height - 1) return lo.toFixed(4);
    if (r === Math.floor((height - 1) / 2)) return (hi - span / 2).toFixed(4);
    return '';
  });
  const pad = Math.max(...labels.map((l) => l.length));
  const lines = grid.map((row, r) => `${(labels[r] ?? '').padStart(pad)} |${row.join('').trimEnd()}`);
  lines.push(`${' '.repeat(pad)} +${'-'.repeat(width)}`);
  const axis = `1${' '.repeat(Math.max(1, width - String(n).length - 1))}${n}`;
  lines.push(`${' '.repeat(pad)}  ${axis}  epoch`);
  lines.push(
    `${' '.repeat(pad)}  ${series.map((s, i) => `${MARKS[i % MARKS.length]} ${s.name}`).join('   ')}`,
  );
  return lines.join('\n');
}
