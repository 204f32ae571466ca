// One shard of a data-parallel training step: what the main thread and every training thread run on their rows.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { MaskSource, withShardRows } from './layers/_util.js';

/** What a compiled tfjs-layers model keeps of its compile (public fields that tfjs' typings do not export). */
interface CompiledModel {
  lossFunctions: Array<(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor>;
  metricsTensors: Array<[(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor, number]>;
  collectedTrainableWeights: Array<{ read(): tf.Variable }>;
  calculateLosses(): tf.Scalar[];
}

/**
 * Shard sizes of a batch of `rows` split over `n` threads: contiguous, in order, the first `rows % n` shards one row
 * longer (empty shards when `rows < n`). Shard `k` starts at the sum of the sizes before it.
 */
export function shardSizes(rows: number, n: number): number[] {
  const base = Math.floor(rows / n);
  const extra = rows % n;
  return Array.from({ length: n }, (_, k) => base + (k < extra ? 1 : 0));
}

/** One shard's mean loss (plus the model's regularization penalties), its metrics and gradients. */
export interface ShardGradients {
  loss: tf.Scalar;
  metrics: tf.Scalar[];
  /** One per trainable weight, in the model's order. */
  grads: tf.Tensor[];
}

/**
 * What tfjs-layers' `makeTrainFunction` computes for a batch, without the optimizer step, on the rows
 * `[offset, offset + x.shape[0])` of a batch of `total` rows (seeded dropout masks are the whole batch's rows).
 * The caller disposes the result.
 */
export function shardGradients(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  offset: number,
  total: number,
): ShardGradients {
  const compiled = model as unknown as CompiledModel;
  const variables = compiled.collectedTrainableWeights.map((w) => w.read());
  const metrics: tf.Scalar[] = [];
  const lossFunction = compiled.lossFunctions[0]!;
  const { value, grads } = withShardRows(offset, total, () =>
    tf.variableGrads(() => {
      const output = model.apply(x, { training: true }) as tf.Tensor;
      let loss = tf.mean(lossFunction(y, output)) as tf.Scalar;
      for (const [metric] of compiled.metricsTensors) {
        metrics.push(tf.keep(tf.mean(metric(y, output)) as tf.Scalar));
      }
      for (const penalty of compiled.calculateLosses()) loss = tf.add(loss, penalty);
      return loss;
    }, variables),
  );
  return { loss: value, metrics, grads: variables.map((v) => grads[v.name]!) };
}

/** The seeded dropout-mask sources of a model's layers, in a fixed order (the same for a rebuilt copy). */
function maskSources(model: tfl.LayersModel): MaskSource[] {
  const found: MaskSource[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const field of Object.values(record)) {
      if (field instanceof MaskSource) found.push(field);
    }
    // RNN layers hold a cell, Bidirectional two layers, wrappers one layer, nested models their layers.
    for (const key of ['cell', 'forwardLayer', 'backwardLayer', 'layer']) visit(record[key]);
    if (Array.isArray(record['layers'])) for (const layer of record['layers']) visit(layer);
  };
  visit(model);
  return found;
}

/** How many masks each seeded dropout source of the model has drawn. */
export function maskCounters(model: tfl.LayersModel): number[] {
  return maskSources(model).map((m) => m.drawn);
}

/** Sets the mask counters of a copy of the model (from {@link maskCounters} of the original). */
export function setMaskCounters(model: tfl.LayersModel, counters: ArrayLike<number>): void {
  maskSources(model).forEach((m, i) => {
    m.drawn = counters[i]!;
  });
}
