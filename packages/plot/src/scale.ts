/** "Nice" axis ticks (1, 2, 5 × 10^k steps) covering [min, max], as matplotlib's MaxNLocator picks them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.05;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? max) < max) ticks.push(Number(((ticks.at(-1) ?? max) + step).toPrecision(12)));
  return ticks;
}

/**
 * Labels for axis ticks with as few decimals as keep them distinct and exact: 0.69245, 0.6925, 0.69255 stay
 * three labels ("0.69245", "0.6925", "0.69255") instead of repeating "0.6925" at four significant digits.
 */
export function formatTicks(ticks: readonly number[]): string[] {
  for (let digits = 0; digits <= 12; digits++) {
    const labels = ticks.map((t) => Number(t.toFixed(digits)));
    const exact = labels.every((v, i) => Math.abs(v - ticks[i]!) <= 1e-9 * Math.max(1, Math.abs(ticks[i]!)));
    if (exact && new Set(labels).size === labels.length)
      return labels.map((v) => (Object.is(v, -0) ? 0 : v).toString());
  }
  return ticks.map((t) => t.toString());
}

export interface Series {
  name: string;
  values: number[];
}

export function extent(series: Series[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}
