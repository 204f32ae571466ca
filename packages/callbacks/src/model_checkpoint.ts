import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { epochInterruption } from './_interruption.js';
import {
  defaultWarning,
  type Logs,
  lookupMonitor,
  resolveLogs,
  type UnresolvedLogs,
  type WarningHandler,
} from './_logs.js';
import { checkMode, type MonitorMode, resolveDirection } from './_monitor.js';
import { type PyValue, pyFormat, pyFormatValue } from './_pyformat.js';
import { saveModelThrough } from './_save.js';
import { type CallbackState, decodeNumber, encodeNumber } from './_state.js';
import { type IOHandlerFactory, resolveHandler } from './_target.js';
import { CallbackError } from './errors.js';

/** Arguments of {@link modelCheckpoint}; Keras' `ModelCheckpoint` arguments in camelCase, plus where to save. */
export interface ModelCheckpointArgs {
  /**
   * Quantity to monitor when `saveBestOnly`. `accuracy`/`val_accuracy` and `acc`/`val_acc` find each other.
   * @default 'val_loss'
   */
  monitor?: string;
  /**
   * 1 prints each save decision (through `onMessage`), with Keras' wording.
   * @default 0
   */
  verbose?: number;
  /**
   * Save only when the monitored quantity improves on the best so far. Without `{epoch}` in the filepath, each
   * better model overwrites the previous one. An epoch whose logs lack the monitored quantity is not saved (with a
   * warning), as in tf.keras; Keras 3 saves it.
   * @default false
   */
  saveBestOnly?: boolean;
  /**
   * Save only what restores the weights: the same `model.json` + `weights.bin` artifacts as a full save, but
   * without the training configuration and optimizer state. Load them with {@link loadCheckpointWeights} into a
   * built model (or with `tf.loadLayersModel`, uncompiled).
   * @default false
   */
  saveWeightsOnly?: boolean;
  /**
   * `'min'`, `'max'`, or `'auto'` (maximise accuracy-like metrics, minimise losses and errors).
   * @default 'auto'
   */
  mode?: MonitorMode;
  /**
   * `'epoch'` saves at the end of each epoch; an integer N saves every N batches.
   * @default 'epoch'
   */
  saveFreq?: 'epoch' | number;
  /**
   * Initial "best" value when `saveBestOnly`: only a model better than this is saved.
   * @default undefined
   */
  initialValueThreshold?: number;
  /**
   * Include the optimizer state in full-model saves, as Keras' `.keras` files do (ignored with `saveWeightsOnly`).
   * @default true
   */
  includeOptimizer?: boolean;
  /**
   * Makes the IOHandler for a formatted filepath, e.g. `fileSystem` from `@seqlab/models`. Without it, the
   * filepath goes to tfjs' IOHandler routers: a URL as is, a plain path as `file://<absolute path>`.
   * @default undefined
   */
  handler?: IOHandlerFactory;
  /**
   * What a failed save does: `'throw'` stops training with a {@link CallbackError} (as Keras re-raises);
   * `'warn'` reports it through `onWarning` and trains on (the best value is not updated, so the next
   * improvement saves again).
   * @default 'throw'
   */
  onSaveError?: 'throw' | 'warn';
  /**
   * Receives warnings (a monitored metric missing from the logs, a failed save with `onSaveError: 'warn'`).
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
 * Saves the model (or its weights) during training, every epoch, every N batches, or only when the monitored
 * quantity improves. Port of keras/src/callbacks/model_checkpoint.py (Keras 3) over tfjs IOHandlers.
 *
 * Only finished epochs are saved (with `saveFreq: 'epoch'`): an epoch stopped mid-way by `model.stopTraining`
 * (Ctrl-C, say), which tfjs ends without validation, never writes a checkpoint.
 *
 * Atomicity is the IOHandler's: `@seqlab/models`' `file://` handler writes a directory elsewhere and renames it
 * into place, IndexedDB writes in one transaction, so a failed save leaves the previous checkpoint as it was.
 */
export class ModelCheckpoint extends tfl.Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: MonitorMode;
  readonly saveFreq: 'epoch' | number;
  readonly includeOptimizer: boolean;
  /** Best monitored value so far (`saveBestOnly`); starts at `initialValueThreshold` or ±Infinity. */
  best: number;
  /** Formatted filepaths saved so far, in order. */
  readonly saved: string[] = [];
  private readonly direction: 'min' | 'max';
  private readonly handlerFactory: IOHandlerFactory | undefined;
  private readonly onSaveError: 'throw' | 'warn';
  private readonly warn: WarningHandler;
  private readonly print: (message: string) => void;
  private batchesSinceLastSave = 0;
  private lastBatchSeen = 0;
  private currentEpoch = 0;
  private batchesThisEpoch = 0;

  constructor(filepath: string, args: ModelCheckpointArgs = {}) {
    super();
    const name = 'ModelCheckpoint';
    if (typeof filepath !== 'string' || filepath === '') {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `${name}: filepath must be a non-empty string, got ${JSON.stringify(filepath)}.`,
      );
    }
    this.filepath = filepath;
    this.monitor = args.monitor ?? 'val_loss';
    this.verbose = args.verbose ?? 0;
    this.saveBestOnly = args.saveBestOnly ?? false;
    this.saveWeightsOnly = args.saveWeightsOnly ?? false;
    this.mode = checkMode(name, args.mode ?? 'auto');
    const saveFreq = args.saveFreq ?? 'epoch';
    if (saveFreq !== 'epoch' && !(Number.isInteger(saveFreq) && saveFreq > 0)) {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `${name}: unrecognized saveFreq ${JSON.stringify(saveFreq)}. Expected 'epoch' or a positive integer.`,
      );
    }
    this.saveFreq = saveFreq;
    const onSaveError = args.onSaveError ?? 'throw';
    if (onSaveError !== 'throw' && onSaveError !== 'warn') {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `${name}: onSaveError must be 'throw' or 'warn', got ${JSON.stringify(onSaveError)}.`,
      );
    }
    this.onSaveError = onSaveError;
    this.includeOptimizer = args.includeOptimizer ?? true;
    this.direction = this.saveBestOnly ? resolveDirection(name, this.monitor, this.mode) : 'min';
    this.best = args.initialValueThreshold ?? (this.direction === 'min' ? Infinity : -Infinity);
    this.handlerFactory = args.handler;
    this.warn = args.onWarning ?? defaultWarning;
    this.print = args.onMessage ?? defaultWarning;
  }

  /** `best` (the only state Keras' ModelCheckpoint carries across epochs with `saveFreq: 'epoch'`). */
  getState(): CallbackState {
    return { values: { best: encodeNumber(this.best) } };
  }

  /** Restores {@link ModelCheckpoint.getState}'s state for a resumed run. */
  setState(state: CallbackState): void {
    this.best = decodeNumber(state.values['best']) ?? this.best;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.currentEpoch = epoch;
    this.batchesThisEpoch = 0;
  }

  override async onBatchEnd(batch: number, unresolved?: UnresolvedLogs): Promise<void> {
    this.batchesThisEpoch += 1;
    if (!this.shouldSaveOnBatch(batch)) return;
    const logs = { ...(await resolveLogs(unresolved)) };
    // tfjs adds `batch` (0-based) and `size` to batch logs; Keras' `{batch}` is 1-based and logs have neither.
    delete logs['batch'];
    delete logs['size'];
    await this.saveModel(this.currentEpoch, batch, logs);
  }

  override async onEpochEnd(epoch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = await resolveLogs(unresolved);
    if (this.saveFreq !== 'epoch') return;
    const interrupted = epochInterruption(this, logs, this.batchesThisEpoch);
    if (interrupted !== undefined) {
      this.warn(
        `ModelCheckpoint: epoch ${epoch + 1} was stopped before its end (${interrupted}); ` +
          'not saving the weights of an unfinished epoch.',
      );
      return;
    }
    await this.saveModel(epoch, undefined, logs);
  }

  /** The filepath for a save at 0-based `epoch` (and `batch`): Keras' `filepath.format(epoch=epoch + 1, **logs)`. */
  formatFilepath(epoch: number, batch: number | undefined, logs: Logs): string {
    const values: Record<string, PyValue> = {};
    for (const [key, value] of Object.entries(logs)) values[key] = { kind: 'float', value };
    values['epoch'] = { kind: 'int', value: epoch + 1 };
    if (batch !== undefined) values['batch'] = { kind: 'int', value: batch + 1 };
    try {
      return pyFormat(this.filepath, values);
    } catch (error) {
      throw new CallbackError(
        'FILEPATH_FORMAT',
        `ModelCheckpoint: failed to format this callback filepath: "${this.filepath}". ` +
          `Reason: ${(error as Error).message}.`,
        { cause: error },
      );
    }
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === 'epoch') return false;
    const added = batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.batchesSinceLastSave += added;
    this.lastBatchSeen = batch;
    if (this.batchesSinceLastSave >= this.saveFreq) {
      this.batchesSinceLastSave = 0;
      return true;
    }
    return false;
  }

  private fmt5(value: number): string {
    return pyFormatValue({ kind: 'float', value }, '.5f');
  }

  private isImprovement(value: number): boolean {
    // Keras compares with ops.less/ops.greater, which turn both Python floats into float32 tensors.
    const a = Math.fround(value);
    const b = Math.fround(this.best);
    return this.direction === 'min' ? a < b : a > b;
  }

  private shouldSave(epoch: number, logs: Logs, filepath: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: saving model to ${filepath}`);
      return true;
    }
    const current = lookupMonitor(logs, this.monitor);
    if (current === undefined) {
      // Keras 3 saves anyway here; tf.keras (Keras 2) skips, which is what "save the best" can promise: a model
      // whose monitored value is unknown cannot be the best one.
      this.warn(
        `Can save best model only with ${this.monitor} available, skipping. ` +
          `Available metrics are: ${Object.keys(logs).join(',')}`,
      );
      return false;
    }
    const bestText = this.fmt5(this.best);
    if (this.isImprovement(current)) {
      if (this.verbose > 0) {
        this.print(
          `\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestText} to ${this.fmt5(current)}, ` +
            `saving model to ${filepath}`,
        );
      }
      this.best = current;
      return true;
    }
    if (this.verbose > 0)
      this.print(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestText}`);
    return false;
  }

  private async saveModel(epoch: number, batch: number | undefined, logs: Logs): Promise<void> {
    const filepath = this.formatFilepath(epoch, batch, logs);
    const previousBest = this.best;
    if (!this.shouldSave(epoch, logs, filepath)) return;
    try {
      const target = resolveHandler('ModelCheckpoint', filepath, 'save', this.handlerFactory);
      if (typeof target.save !== 'function') {
        throw new CallbackError(
          'NO_SAVE_HANDLER',
          `ModelCheckpoint: the IOHandler for '${filepath}' cannot save; expected a handler with save().`,
        );
      }
      const weightsOnly = this.saveWeightsOnly;
      const adapter: tf.io.IOHandler = {
        save: async (artifacts) => {
          const out: tf.io.ModelArtifacts = { ...artifacts };
          if (weightsOnly) delete out.trainingConfig;
          const result = await target.save!(out);
          if (result.responses === undefined && result.errors !== undefined && result.errors.length > 0) {
            throw new Error(result.errors.map(String).join('; '));
          }
          return result;
        },
      };
      await saveModelThrough(this.model, adapter, !weightsOnly && this.includeOptimizer);
    } catch (error) {
      this.best = previousBest;
      const wrapped =
        error instanceof CallbackError && error.code === 'NO_SAVE_HANDLER'
          ? error
          : new CallbackError(
              'CHECKPOINT_SAVE_FAILED',
              `ModelCheckpoint: saving the ${this.saveWeightsOnly ? 'weights' : 'model'} of epoch ${epoch + 1} ` +
                `to '${filepath}' failed: ${(error as Error)?.message ?? String(error)}. ` +
                'The previous checkpoint, if any, is unchanged.',
              { cause: error },
            );
      if (this.onSaveError === 'warn') {
        this.warn(wrapped.message);
        return;
      }
      throw wrapped;
    }
    this.saved.push(filepath);
    if (this.verbose > 0) this.print(`\nEpoch ${epoch + 1}: finished saving model to ${filepath}`);
  }
}

/**
 * Keras 3's `ModelCheckpoint` as a tfjs callback, saving through tfjs IOHandlers.
 *
 * @example
 * ```ts
 * import '@seqlab/models'; // registers the file:// router in Node
 * const checkpoint = modelCheckpoint('runs/ex2-{epoch:02d}-{val_loss:.4f}', { saveBestOnly: true });
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [checkpoint] });
 * ```
 */
export function modelCheckpoint(filepath: string, args?: ModelCheckpointArgs): ModelCheckpoint {
  return new ModelCheckpoint(filepath, args);
}
