import * as tfl from '@tensorflow/tfjs-layers';
import { resolveLogs, type UnresolvedLogs } from './_logs.js';
import { pyFloatRepr } from './_pyformat.js';
import { CallbackError } from './errors.js';

/** Arguments of {@link terminateOnNaN}. */
export interface TerminateOnNaNArgs {
  /**
   * Throw a {@link CallbackError} (code `NAN_LOSS`) at once instead of stopping training gracefully.
   * @default false
   */
  raiseError?: boolean;
  /**
   * Receives the "Invalid loss" message of a graceful stop.
   * @default console.warn
   */
  onMessage?: (message: string) => void;
}

/**
 * Stops training when a batch loss is NaN or infinite. Reading each batch loss waits for the backend, as Keras'
 * own check does. Port of keras/src/callbacks/terminate_on_nan.py.
 */
export class TerminateOnNaN extends tfl.Callback {
  readonly raiseError: boolean;
  private readonly print: (message: string) => void;

  constructor(args: TerminateOnNaNArgs = {}) {
    super();
    this.raiseError = args.raiseError ?? false;
    this.print = args.onMessage ?? ((message) => console.warn(message));
  }

  override async onBatchEnd(batch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = await resolveLogs(unresolved);
    const loss = logs['loss'];
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new CallbackError(
        'NAN_LOSS',
        `NaN or Inf loss encountered at batch ${batch}. Loss value: ${pyFloatRepr(loss)}. ` +
          'Terminating training immediately.',
      );
    }
    this.print(`Batch ${batch}: Invalid loss, terminating training`);
    this.model.stopTraining = true;
  }
}

/**
 * Keras' `TerminateOnNaN` as a tfjs callback.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 10, callbacks: [terminateOnNaN()] });
 * ```
 */
export function terminateOnNaN(args?: TerminateOnNaNArgs): TerminateOnNaN {
  return new TerminateOnNaN(args);
}
