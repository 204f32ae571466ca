/** Keras' number format in progress lines: 4 decimals, scientific for tiny values. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(4);
  return value.toFixed(4);
}

/** `12s`, `1m 05s`, `1h 02m`; `350ms` below a second. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m ${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m - h * 60).padStart(2, '0')}m`;
}

/** Logs in Keras' order: loss first, then metrics, then the `val_` twins. */
export function orderedLogKeys(logs: Record<string, number>): string[] {
  const keys = Object.keys(logs);
  const train = keys.filter((k) => !k.startsWith('val_'));
  const rank = (k: string) => (k === 'loss' ? 0 : 1);
  train.sort((a, b) => rank(a) - rank(b));
  const val = train.map((k) => `val_${k}`).filter((k) => k in logs);
  const rest = keys.filter((k) => k.startsWith('val_') && !val.includes(k));
  return [...train, ...val, ...rest];
}

/** `loss: 0.6412 - acc: 0.6301 - val_loss: …` */
export function formatLogs(logs: Record<string, number>): string {
  return orderedLogKeys(logs)
    .map((k) => `${k}: ${formatMetric(logs[k] as number)}`)
    .join(' - ');
}

/** The one-line-per-epoch form Keras prints with `verbose=2`: `Epoch 3/100 - 12s - loss: … - val_acc: …`. */
export function epochLine(
  epoch: number,
  epochs: number,
  seconds: number,
  logs: Record<string, number>,
): string {
  const parts = [`Epoch ${epoch}/${epochs}`, formatDuration(seconds)];
  const metrics = formatLogs(logs);
  if (metrics) parts.push(metrics);
  return parts.join(' - ');
}
