import type * as tfl from '@tensorflow/tfjs-layers';
import type { Logs } from './_logs.js';

/**
 * Why the epoch that just ended is unfinished, or undefined when it ran to its end: tfjs ends an epoch stopped
 * mid-way (`model.stopTraining` set during a batch, e.g. on Ctrl-C) with `onEpochEnd`, but without its remaining
 * batches and without validation, so its logs describe weights nobody validated. `batches` counts the epoch's
 * `onBatchEnd` calls.
 */
export function epochInterruption(callback: tfl.Callback, logs: Logs, batches: number): string | undefined {
  const params = (callback.params ?? {}) as {
    doValidation?: unknown;
    steps?: unknown;
    samples?: unknown;
    batchSize?: unknown;
  };
  if (params.doValidation === true && !Object.keys(logs).some((key) => key.startsWith('val_'))) {
    return 'no validation metrics in its logs';
  }
  const model = callback.model as (tfl.LayersModel & { stopTraining?: boolean }) | undefined;
  if (model?.stopTraining !== true) return undefined;
  const steps =
    typeof params.steps === 'number'
      ? params.steps
      : typeof params.samples === 'number' && typeof params.batchSize === 'number' && params.batchSize > 0
        ? Math.ceil(params.samples / params.batchSize)
        : undefined;
  if (steps !== undefined && batches < steps) return `after ${batches} of ${steps} batches`;
  return undefined;
}
