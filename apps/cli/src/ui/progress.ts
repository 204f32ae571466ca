import cliProgress from 'cli-progress';
import { formatDuration, formatMetric, orderedLogKeys } from './format.js';

export interface ProgressStream {
  write(chunk: string): boolean;
  columns?: number;
  isTTY?: boolean;
}

interface Payload {
  label: string;
  logs: Record<string, number>;
  eta: number;
}

/**
 * A redrawing per-epoch bar for terminals, like Keras' `verbose=1`, drawn by `cli-progress`:
 * `Epoch 3/100 [=========>          ] 150/313  ETA 6s - loss: 0.6412 - acc: 0.6301`. It fits the terminal: metrics
 * that do not fit are left out whole, never cut mid-number.
 */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly width: number;
  private bar: cliProgress.SingleBar | undefined;
  private started = 0;
  private total = 0;
  private label = '';

  constructor(stream: ProgressStream, width = 30) {
    this.stream = stream;
    this.width = width;
  }

  start(label: string, total: number, now: number = performance.now()): void {
    this.bar?.stop();
    this.label = label;
    this.total = total;
    this.started = now;
    this.bar = new cliProgress.SingleBar({
      stream: this.stream as unknown as NodeJS.WritableStream,
      format: (_options, params, payload) => this.line(params.value, params.total, payload as Payload),
      hideCursor: false,
      clearOnComplete: true,
      linewrap: false,
      // A terminal is slower than a batch: at most 20 redraws a second.
      fps: 20,
      gracefulExit: false,
    });
    this.bar.start(total, 0, { label, logs: {}, eta: Number.NaN } satisfies Payload);
  }

  update(done: number, logs: Record<string, number>, now: number = performance.now()): void {
    const elapsed = (now - this.started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : Number.NaN;
    this.bar?.update(done, { label: this.label, logs, eta } satisfies Payload);
  }

  /** Replaces the bar with its final line. */
  finish(line: string): void {
    this.bar?.stop();
    this.bar = undefined;
    this.stream.write(`\r\u001b[2K${line}\n`);
  }

  /** The bar's line, fitted to the terminal's width. */
  line(done: number, total: number, payload: Payload): string {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * this.width);
    const bar =
      filled >= this.width
        ? '='.repeat(this.width)
        : '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? '>' : '') + ' '.repeat(this.width - filled);
    const digits = String(total).length;
    const count = `${String(done).padStart(digits)}/${total}`;
    const columns = (this.stream.columns ?? 120) - 1;
    let line = `${payload.label} [${bar}] ${count}  ETA ${formatDuration(payload.eta)}`;
    if (line.length > columns) line = `${payload.label} ${count}  ETA ${formatDuration(payload.eta)}`;
    for (const key of orderedLogKeys(payload.logs)) {
      const part = ` - ${key}: ${formatMetric(payload.logs[key] as number)}`;
      if (line.length + part.length > columns) break;
      line += part;
    }
    return line.slice(0, Math.max(0, columns));
  }
}
