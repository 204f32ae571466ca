import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  defaultWarning,
  lookupMonitor,
  resolveLogs,
  type UnresolvedLogs,
  type WarningHandler,
} from './_logs.js';
import {
  checkMode,
  checkNonNegative,
  type MonitorMode,
  missingMonitorMessage,
  resolveDirection,
} from './_monitor.js';
import { type CallbackState, decodeNumber, encodeNumber } from './_state.js';
import { CallbackError } from './errors.js';

/** Arguments of {@link earlyStopping}; Keras' `EarlyStopping` arguments in camelCase. */
export interface EarlyStoppingArgs {
  /**
   * Quantity to monitor. `accuracy`/`val_accuracy` (Keras) and `acc`/`val_acc` (tfjs) find each other.
   * @default 'val_loss'
   */
  monitor?: string;
  /**
   * Minimum change that counts as an improvement; its sign is ignored.
   * @default 0
   */
  minDelta?: number;
  /**
   * Epochs without improvement after which training stops.
   * @default 0
   */
  patience?: number;
  /**
   * 1 prints when training stops and when weights are restored (through `onMessage`).
   * @default 0
   */
  verbose?: number;
  /**
   * `'min'`, `'max'`, or `'auto'` (maximise accuracy-like metrics, minimise losses and errors).
   * @default 'auto'
   */
  mode?: MonitorMode;
  /**
   * Value the monitored quantity must beat; epochs that improve on the best but not on `baseline` do not reset
   * the patience counter.
   * @default undefined
   */
  baseline?: number;
  /**
   * Restore the weights of the best epoch when training ends, whether or not it stopped early.
   * @default false
   */
  restoreBestWeights?: boolean;
  /**
   * Epochs of warm-up (0-based epochs below this are not monitored).
   * @default 0
   */
  startFromEpoch?: number;
  /**
   * Receives warnings (a monitored metric missing from the logs).
   * @default console.warn
   */
  onWarning?: WarningHandler;
  /**
   * Receives the `verbose` messages.
   * @default console.warn
   */
  onMessage?: (message: string) => void;
}

/**
 * Stops training when a monitored quantity has stopped improving, optionally restoring the best weights.
 * Port of keras/src/callbacks/early_stopping.py (Keras 3), which tfjs' own `EarlyStopping` predates.
 */
export class EarlyStopping extends tfl.Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly verbose: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  readonly mode: MonitorMode;
  /** `minDelta` with Keras' sign: negative when minimising. */
  readonly minDelta: number;
  readonly direction: 'min' | 'max';
  /** Epochs since the last improvement that also beat `baseline`. */
  wait = 0;
  /** 0-based epoch at which training was stopped; 0 when it was not. */
  stoppedEpoch = 0;
  /** Best monitored value so far; `undefined` before the first monitored epoch. */
  best: number | undefined = undefined;
  /** 0-based epoch of {@link EarlyStopping.best} (or of the first monitored epoch). */
  bestEpoch = 0;
  private bestWeights: tf.Tensor[] | undefined = undefined;
  private resumed = false;
  private readonly warn: WarningHandler;
  private readonly print: (message: string) => void;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    const name = 'EarlyStopping';
    this.monitor = args.monitor ?? 'val_loss';
    this.patience = checkNonNegative(name, 'patience', args.patience ?? 0, true);
    this.startFromEpoch = checkNonNegative(name, 'startFromEpoch', args.startFromEpoch ?? 0, true);
    const minDelta = args.minDelta ?? 0;
    if (typeof minDelta !== 'number' || Number.isNaN(minDelta)) {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `${name}: minDelta must be a number, got ${String(minDelta)}.`,
      );
    }
    if (args.baseline !== undefined && typeof args.baseline !== 'number') {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `${name}: baseline must be a number or undefined, got ${String(args.baseline)}.`,
      );
    }
    this.mode = checkMode(name, args.mode ?? 'auto');
    this.direction = resolveDirection(name, this.monitor, this.mode);
    this.minDelta = this.direction === 'min' ? -Math.abs(minDelta) : Math.abs(minDelta);
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.verbose = args.verbose ?? 0;
    this.warn = args.onWarning ?? defaultWarning;
    this.print = args.onMessage ?? defaultWarning;
  }

  /** `wait`, `stoppedEpoch`, `best`, `bestEpoch`, and the best weights (with `restoreBestWeights`). */
  getState(): CallbackState {
    const state: CallbackState = {
      values: {
        wait: this.wait,
        stoppedEpoch: this.stoppedEpoch,
        best: encodeNumber(this.best),
        bestEpoch: this.bestEpoch,
      },
    };
    if (this.bestWeights !== undefined) state.tensors = this.bestWeights;
    return state;
  }

  /** Restores {@link EarlyStopping.getState}'s state (taking ownership of its tensors) for a resumed run. */
  setState(state: CallbackState): void {
    const { values } = state;
    this.wait = Number(values['wait'] ?? 0);
    this.stoppedEpoch = Number(values['stoppedEpoch'] ?? 0);
    this.best = decodeNumber(values['best']);
    this.bestEpoch = Number(values['bestEpoch'] ?? 0);
    this.disposeBestWeights();
    if (state.tensors !== undefined && state.tensors.length > 0) this.bestWeights = state.tensors;
    this.resumed = true;
  }

  override async onTrainBegin(): Promise<void> {
    if (this.resumed) {
      this.resumed = false;
      return;
    }
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestEpoch = 0;
    this.disposeBestWeights();
  }

  override async onEpochEnd(epoch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = await resolveLogs(unresolved);
    const current = lookupMonitor(logs, this.monitor);
    if (current === undefined) {
      this.warn(missingMonitorMessage('Early stopping', this.monitor, logs));
      return;
    }
    if (epoch < this.startFromEpoch) return;
    const improved = this.isImprovement(current, this.best);
    // Keras snapshots the first monitored epoch, then again on every improvement; one snapshot suffices when both.
    const first = this.restoreBestWeights && this.bestWeights === undefined;
    if (first || improved) {
      if (this.restoreBestWeights) this.snapshot();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (improved) {
      this.best = current;
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  override async onTrainEnd(): Promise<void> {
    if (this.stoppedEpoch > 0 && this.verbose > 0)
      this.print(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== undefined) {
      if (this.verbose > 0) {
        this.print(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      }
      this.model.setWeights(this.bestWeights);
      this.disposeBestWeights();
    }
  }

  private isImprovement(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    // Keras compares with ops.less/ops.greater, which turn both Python floats into float32 tensors.
    const a = Math.fround(value - this.minDelta);
    const b = Math.fround(reference);
    return this.direction === 'min' ? a < b : a > b;
  }

  private snapshot(): void {
    this.disposeBestWeights();
    this.bestWeights = this.model.getWeights().map((w) => tf.clone(w));
  }

  private disposeBestWeights(): void {
    if (this.bestWeights !== undefined) tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
  }
}

/**
 * Keras 3's `EarlyStopping`, with `restoreBestWeights` and `startFromEpoch`, as a tfjs callback.
 *
 * @example
 * ```ts
 * await model.fit(x, y, {
 *   epochs: 10,
 *   validationSplit: 0.2,
 *   callbacks: [earlyStopping({ patience: 3, restoreBestWeights: true })],
 * });
 * ```
 */
export function earlyStopping(args?: EarlyStoppingArgs): EarlyStopping {
  return new EarlyStopping(args);
}
