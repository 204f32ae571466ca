import { extent, formatTicks, niceTicks, type Series } from './scale.js';

// matplotlib's default colour cycle ("tab10"), so the chart looks like the lesson's plt.plot.
const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
];

export interface SvgChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Dashed series (e.g. training loss when several models share a chart). */
  dashed?: (series: Series, index: number) => boolean;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Per-epoch curves as a standalone SVG document (epochs 1-based on x). */
export function renderSvgChart(series: Series[], options: SvgChartOptions = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const m = { top: options.title ? 40 : 20, right: 20, bottom: 50, left: 70 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const [lo, hi] = extent(series);
  const yTicks = niceTicks(lo, hi, 6);
  const y0 = yTicks[0] ?? lo;
  const y1 = yTicks.at(-1) ?? hi;
  const xTicks = niceTicks(1, Math.max(2, n), Math.min(10, n)).filter(
    (t) => Number.isInteger(t) && t >= 1 && t <= n,
  );
  const sx = (epoch: number) => m.left + (n === 1 ? plotW / 2 : ((epoch - 1) / (n - 1)) * plotW);
  const sy = (v: number) => m.top + plotH - ((v - y0) / (y1 - y0 || 1)) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title)
    out.push(
      `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`,
    );
  const yLabels = formatTicks(yTicks);
  yTicks.forEach((t, i) => {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${yLabels[i]}</text>`,
    );
  });
  for (const t of xTicks) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top + plotH}" y2="${m.top + plotH + 5}" stroke="#000"/>`);
    out.push(`<text x="${x}" y="${m.top + plotH + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#000"/>`);
  out.push(
    `<text x="${m.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(options.xLabel ?? 'epoch')}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel ?? 'loss')}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const xy = s.values.flatMap((v, e) =>
      Number.isFinite(v) ? [[sx(e + 1).toFixed(1), sy(v).toFixed(1)] as const] : [],
    );
    const points = xy.map(([x, y]) => `${x},${y}`).join(' ');
    const dash = options.dashed?.(s, i) ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${points}"><title>${escapeXml(s.name)}</title></polyline>`,
    );
    // A marker per epoch, so a one-epoch run (a line of one point) still shows.
    for (const [x, y] of xy) out.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${color}"/>`);
  });
  const legendX = m.left + plotW - 10;
  series.forEach((s, i) => {
    const y = m.top + 16 + i * 18;
    const color = COLORS[i % COLORS.length];
    const dash = options.dashed?.(s, i) ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<line x1="${legendX - 150}" x2="${legendX - 126}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"${dash}/>`,
    );
    out.push(`<text x="${legendX - 120}" y="${y}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
