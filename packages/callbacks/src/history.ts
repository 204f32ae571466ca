import * as tfl from '@tensorflow/tfjs-layers';
import { type Logs, resolveLogs, type UnresolvedLogs } from './_logs.js';

/** What a {@link HistoryRecorder} tells its listeners, in training order. */
export type HistoryEvent =
  | { type: 'trainBegin'; params: Record<string, unknown> }
  | { type: 'epochBegin'; epoch: number }
  | { type: 'batchEnd'; epoch: number; batch: number; logs: Logs }
  | { type: 'epochEnd'; epoch: number; logs: Logs }
  | { type: 'trainEnd'; epochs: number[]; history: Record<string, number[]> };

/** A listener of {@link HistoryRecorder.subscribe}. */
export type HistoryListener = (event: HistoryEvent) => void;

/** Arguments of {@link history}. */
export interface HistoryArgs {
  /**
   * Also record per-batch logs (in {@link HistoryRecorder.batches}) and send `batchEnd` events; reading each
   * batch's loss waits for the backend.
   * @default false
   */
  batches?: boolean;
}

/**
 * Records per-epoch logs like Keras' `History` (`epochs`, `history[metric]`), optionally per-batch logs, and
 * tells subscribers as it goes — for live learning curves and progress bars.
 */
export class HistoryRecorder extends tfl.Callback {
  /** 0-based epochs recorded, in order (several `fit` calls append). */
  readonly epochs: number[] = [];
  /** Metric name → one value per recorded epoch that logged it (Keras' `history.history`). */
  readonly history: Record<string, number[]> = {};
  /** Per-batch logs of each epoch, when recording batches. */
  readonly batches: { epoch: number; batch: number; logs: Logs }[] = [];
  readonly recordBatches: boolean;
  private readonly listeners = new Set<HistoryListener>();
  private currentEpoch = 0;

  constructor(args: HistoryArgs = {}) {
    super();
    this.recordBatches = args.batches ?? false;
  }

  /**
   * Calls `listener` with every later event; returns the function that unsubscribes it.
   * A throwing listener does not stop training or the other listeners; its error is reported with console.error.
   */
  subscribe(listener: HistoryListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Clears what was recorded (listeners stay). */
  clear(): void {
    this.epochs.length = 0;
    this.batches.length = 0;
    for (const key of Object.keys(this.history)) delete this.history[key];
  }

  private emit(event: HistoryEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error(error);
      }
    }
  }

  override async onTrainBegin(): Promise<void> {
    this.emit({ type: 'trainBegin', params: { ...this.params } });
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.currentEpoch = epoch;
    this.emit({ type: 'epochBegin', epoch });
  }

  override async onBatchEnd(batch: number, unresolved?: UnresolvedLogs): Promise<void> {
    if (!this.recordBatches) return;
    const logs = { ...(await resolveLogs(unresolved)) };
    this.batches.push({ epoch: this.currentEpoch, batch, logs });
    this.emit({ type: 'batchEnd', epoch: this.currentEpoch, batch, logs });
  }

  override async onEpochEnd(epoch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = { ...(await resolveLogs(unresolved)) };
    this.epochs.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      this.history[key] ??= [];
      this.history[key].push(value);
    }
    this.emit({ type: 'epochEnd', epoch, logs });
  }

  override async onTrainEnd(): Promise<void> {
    this.emit({ type: 'trainEnd', epochs: [...this.epochs], history: structuredClone(this.history) });
  }
}

/**
 * A learning-curve recorder: Keras' `History` plus `subscribe(listener)` for live charts.
 *
 * @example
 * ```ts
 * const recorder = history();
 * const unsubscribe = recorder.subscribe((e) => {
 *   if (e.type === 'epochEnd') chart.push(e.epoch, e.logs.loss, e.logs.val_loss);
 * });
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [recorder] });
 * unsubscribe();
 * ```
 */
export function history(args?: HistoryArgs): HistoryRecorder {
  return new HistoryRecorder(args);
}
