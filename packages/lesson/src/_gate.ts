import * as tfl from '@tensorflow/tfjs-layers';

type Logs = Record<string, unknown>;

/**
 * Hands `inner` every callback event except the end of an epoch that was never validated (training stopped
 * mid-epoch by an abort): Keras' `fit` raises on Ctrl-C and no callback sees that epoch, so early stopping, the
 * checkpoint and the CSV log never act on unvalidated weights.
 */
export class ValidatedEpochs extends tfl.Callback {
  private readonly inner: tfl.Callback[];
  private readonly monitor: string;

  constructor(inner: tfl.Callback[], monitor = 'val_loss') {
    super();
    this.inner = inner;
    this.monitor = monitor;
  }

  override setParams(params: Parameters<tfl.Callback['setParams']>[0]): void {
    super.setParams(params);
    for (const c of this.inner) c.setParams(params);
  }

  override setModel(model: tfl.LayersModel): void {
    super.setModel(model);
    for (const c of this.inner) c.setModel(model);
  }

  override async onTrainBegin(logs?: Logs): Promise<void> {
    for (const c of this.inner) await c.onTrainBegin(logs as never);
  }

  override async onTrainEnd(logs?: Logs): Promise<void> {
    for (const c of this.inner) await c.onTrainEnd(logs as never);
  }

  override async onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    for (const c of this.inner) await c.onEpochBegin(epoch, logs as never);
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (logs?.[this.monitor] === undefined) return;
    for (const c of this.inner) await c.onEpochEnd(epoch, logs as never);
  }

  override async onBatchBegin(batch: number, logs?: Logs): Promise<void> {
    for (const c of this.inner) await c.onBatchBegin(batch, logs as never);
  }

  override async onBatchEnd(batch: number, logs?: Logs): Promise<void> {
    for (const c of this.inner) await c.onBatchEnd(batch, logs as never);
  }
}
