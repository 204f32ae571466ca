import { formatDuration, formatLogs } from './format.js';

export interface ProgressStream {
  write(chunk: string): boolean;
  columns?: number;
}

/**
 * A redrawing per-epoch bar for terminals, like Keras' `verbose=1`:
 * `Epoch 3/100  [=========>          ] 150/313  ETA 6s - loss: 0.6412 - acc: 0.6301`.
 */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly width: number;
  private started = 0;
  private total = 0;
  private label = '';
  private lastDraw = 0;

  constructor(stream: ProgressStream, width = 30) {
    this.stream = stream;
    this.width = width;
  }

  start(label: string, total: number, now: number = performance.now()): void {
    this.label = label;
    this.total = total;
    this.started = now;
    this.lastDraw = 0;
    this.draw(0, {}, now, true);
  }

  update(done: number, logs: Record<string, number>, now: number = performance.now()): void {
    // Redraw at most every 50 ms: a terminal is slower than a batch.
    if (now - this.lastDraw < 50 && done < this.total) return;
    this.draw(done, logs, now, false);
  }

  /** Replaces the bar with its final line. */
  finish(line: string): void {
    this.stream.write(`\r\u001b[2K${line}\n`);
  }

  private draw(done: number, logs: Record<string, number>, now: number, force: boolean): void {
    if (!force && this.total === 0) return;
    this.lastDraw = now;
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const filled = Math.round(fraction * this.width);
    const bar =
      filled >= this.width
        ? '='.repeat(this.width)
        : '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? '>' : '') + ' '.repeat(this.width - filled);
    const elapsed = (now - this.started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : Number.NaN;
    const digits = String(this.total).length;
    let line = `${this.label} [${bar}] ${String(done).padStart(digits)}/${this.total}  ETA ${formatDuration(eta)}`;
    const metrics = formatLogs(logs);
    if (metrics) line += ` - ${metrics}`;
    const columns = this.stream.columns ?? 120;
    if (line.length > columns - 1) line = line.slice(0, columns - 1);
    this.stream.write(`\r\u001b[2K${line}`);
  }
}
