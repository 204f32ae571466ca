import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  defaultWarning,
  lookupMonitor,
  resolveLogs,
  type UnresolvedLogs,
  type WarningHandler,
} from './_logs.js';
import { checkMode, checkNonNegative, type MonitorMode, missingMonitorMessage } from './_monitor.js';
import { pyFloatRepr } from './_pyformat.js';
import { type CallbackState, decodeNumber, encodeNumber } from './_state.js';
import { CallbackError } from './errors.js';
import { getLearningRate, setLearningRate } from './learning_rate.js';

/** Arguments of {@link reduceLROnPlateau}; Keras' `ReduceLROnPlateau` arguments in camelCase. */
export interface ReduceLROnPlateauArgs {
  /**
   * Quantity to monitor.
   * @default 'val_loss'
   */
  monitor?: string;
  /**
   * Factor by which the learning rate is reduced: `newLr = lr * factor`; must be below 1.
   * @default 0.1
   */
  factor?: number;
  /**
   * Epochs without improvement after which the learning rate is reduced.
   * @default 10
   */
  patience?: number;
  /**
   * 1 prints each reduction (through `onMessage`).
   * @default 0
   */
  verbose?: number;
  /**
   * `'min'`, `'max'`, or `'auto'` (Keras' rule for this callback: maximise when the name contains `acc`).
   * @default 'auto'
   */
  mode?: MonitorMode;
  /**
   * Threshold for measuring the new optimum, to only focus on significant changes.
   * @default 1e-4
   */
  minDelta?: number;
  /**
   * Epochs to wait before resuming normal operation after the learning rate has been reduced.
   * @default 0
   */
  cooldown?: number;
  /**
   * Lower bound on the learning rate.
   * @default 0
   */
  minLr?: number;
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
 * Reduces the optimizer's learning rate when a metric has stopped improving, and adds `learning_rate` to the
 * epoch logs as Keras 3 does. Works with the optimizers in {@link SUPPORTED_OPTIMIZERS}; the rate is stored
 * rounded to float32, as Keras keeps it in a float32 variable.
 * Port of keras/src/callbacks/reduce_lr_on_plateau.py.
 */
export class ReduceLROnPlateau extends tfl.Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  cooldownCounter = 0;
  wait = 0;
  best: number = Infinity;
  private readonly direction: 'min' | 'max';
  private resumed = false;
  private resumedLearningRate: number | undefined;
  private readonly warn: WarningHandler;
  private readonly print: (message: string) => void;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    const name = 'ReduceLROnPlateau';
    this.monitor = args.monitor ?? 'val_loss';
    const factor = args.factor ?? 0.1;
    if (typeof factor !== 'number' || !(factor < 1) || !(factor >= 0)) {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `${name} does not support a factor >= 1.0 or < 0. Expected 0 <= factor < 1; received factor=${factor}.`,
      );
    }
    this.factor = factor;
    this.patience = checkNonNegative(name, 'patience', args.patience ?? 10, true);
    this.cooldown = checkNonNegative(name, 'cooldown', args.cooldown ?? 0, true);
    this.minLr = checkNonNegative(name, 'minLr', args.minLr ?? 0);
    this.minDelta = checkNonNegative(name, 'minDelta', args.minDelta ?? 1e-4);
    this.verbose = args.verbose ?? 0;
    this.mode = checkMode(name, args.mode ?? 'auto');
    // Keras' own rule here (not MonitorCallback's): 'auto' maximises whenever the monitor contains "acc".
    this.direction =
      this.mode === 'min' || (this.mode === 'auto' && !this.monitor.includes('acc')) ? 'min' : 'max';
    this.warn = args.onWarning ?? defaultWarning;
    this.print = args.onMessage ?? defaultWarning;
    this.reset();
  }

  private reset(): void {
    this.best = this.direction === 'min' ? Infinity : -Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  private improves(current: number, best: number): boolean {
    return this.direction === 'min' ? current < best - this.minDelta : current > best + this.minDelta;
  }

  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** `wait`, `cooldownCounter`, `best`, and the optimizer's learning rate. */
  getState(): CallbackState {
    const values: CallbackState['values'] = {
      wait: this.wait,
      cooldownCounter: this.cooldownCounter,
      best: encodeNumber(this.best),
    };
    const optimizer = (this.model as { optimizer?: tf.Optimizer } | undefined)?.optimizer;
    if (optimizer != null) values['learningRate'] = getLearningRate(optimizer);
    return { values };
  }

  /** Restores {@link ReduceLROnPlateau.getState}'s state (and the learning rate, once the model is set). */
  setState(state: CallbackState): void {
    const { values } = state;
    this.wait = Number(values['wait'] ?? 0);
    this.cooldownCounter = Number(values['cooldownCounter'] ?? 0);
    this.best = decodeNumber(values['best']) ?? (this.direction === 'min' ? Infinity : -Infinity);
    const lr = values['learningRate'];
    this.resumedLearningRate = typeof lr === 'number' ? lr : undefined;
    this.resumed = true;
  }

  override async onTrainBegin(): Promise<void> {
    if (this.resumed) {
      this.resumed = false;
      if (this.resumedLearningRate !== undefined) {
        setLearningRate(this.model.optimizer, this.resumedLearningRate);
      }
      return;
    }
    this.reset();
  }

  override async onEpochEnd(epoch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = await resolveLogs(unresolved);
    const optimizer = this.model.optimizer;
    logs['learning_rate'] = Math.fround(getLearningRate(optimizer));
    const current = lookupMonitor(logs, this.monitor);
    if (current === undefined) {
      this.warn(`${missingMonitorMessage('Learning rate reduction is', this.monitor, logs)}.`);
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const oldLr = Math.fround(getLearningRate(optimizer));
        if (oldLr > Math.fround(this.minLr)) {
          const newLr = Math.max(oldLr * this.factor, this.minLr);
          setLearningRate(optimizer, Math.fround(newLr));
          if (this.verbose > 0) {
            this.print(
              `\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pyFloatRepr(newLr)}.`,
            );
          }
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/**
 * Keras' `ReduceLROnPlateau` as a tfjs callback.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: tf.train.rmsprop(1e-3), loss: 'binaryCrossentropy' });
 * await model.fit(x, y, { epochs: 30, validationSplit: 0.2, callbacks: [reduceLROnPlateau({ patience: 2 })] });
 * ```
 */
export function reduceLROnPlateau(args?: ReduceLROnPlateauArgs): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}
