import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { dropoutMultipliers } from './_dropout_mask.js';

export type Initializer = ReturnType<typeof tfl.initializers.zeros>;

/** An initializer as stored in a layer config: tfjs' `{className, config}` form. */
export interface InitializerConfig {
  className: string;
  config: tf.serialization.ConfigDict;
}

export function serializeInitializer(init: Initializer): InitializerConfig {
  return { className: init.getClassName(), config: init.getConfig() };
}

/** Rebuilds an initializer registered with tfjs' serialization map (all of `tfl.initializers` are). */
export function deserializeInitializer(value: Initializer | InitializerConfig): Initializer {
  if (!isConfig(value)) return value;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[value.className];
  if (entry === undefined) {
    throw new ModelsError(
      'INVALID_OPTION',
      `Unknown initializer class ${JSON.stringify(value.className)}: expected one registered with ` +
        'tf.serialization.registerClass (e.g. GlorotUniform, Orthogonal, Zeros).',
    );
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, value.config) as Initializer;
}

function isConfig(value: Initializer | InitializerConfig): value is InitializerConfig {
  return typeof (value as InitializerConfig).className === 'string' && !('apply' in value);
}

/** Name of an activation the seqlab layers accept (Keras names, camelCase). */
export type ActivationName = 'tanh' | 'sigmoid' | 'hardSigmoid' | 'hardSigmoidKeras3' | 'relu' | 'linear';

/** Activations by Keras name. */
export const ACTIVATIONS: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  tanh: (x: tf.Tensor) => tf.tanh(x),
  sigmoid: (x: tf.Tensor) => tf.sigmoid(x),
  // Keras 3 hard_sigmoid: relu6(x + 3) / 6; tfjs' hardSigmoid is the Keras 2 slope 0.2 variant.
  hardSigmoid: (x: tf.Tensor) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  // Keras 3's hard_sigmoid (for models read from Keras 3 files; per-step path, not fused).
  hardSigmoidKeras3: (x: tf.Tensor) => tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6),
  relu: (x: tf.Tensor) => tf.relu(x),
  linear: (x: tf.Tensor) => x,
};

export function activation(name: string, field: string, layer: string): (x: tf.Tensor) => tf.Tensor {
  const fn = (ACTIVATIONS as Record<string, (x: tf.Tensor) => tf.Tensor>)[name];
  if (fn === undefined) {
    throw new ModelsError(
      'INVALID_OPTION',
      `${layer}: ${field} must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${JSON.stringify(name)}.`,
    );
  }
  return fn;
}

export function checkUnits(units: unknown, field: string, layer: string): number {
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    throw new ModelsError(
      'INVALID_OPTION',
      `${layer}: ${field} must be a positive integer, got ${String(units)}.`,
    );
  }
  return units;
}

export function checkRate(rate: unknown, field: string, layer: string): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new ModelsError(
      'INVALID_OPTION',
      `${layer}: ${field} must be a number in [0, 1), got ${String(rate)}.`,
    );
  }
  return rate;
}

/**
 * A seeded dropout-mask source: each call draws a new mask, from `seed`, `seed + 1`, … so that a training run
 * repeats exactly when the seed is set; from `Math.random` when it is not.
 */
export class MaskSource {
  private calls = 0;
  constructor(private readonly seed: number | undefined) {}

  mask(shape: number[], rate: number): tf.Tensor {
    if (this.seed === undefined) return tf.tidy(() => tf.dropout(tf.ones(shape), rate));
    // tf.dropout's seeded values, drawn here in one loop instead of five kernels (see _dropout_mask.ts).
    const seed = this.seed + this.calls++;
    const rows = shardRows;
    if (rows !== null && shape.length > 0) {
      // One shard of a data-parallel batch: its rows of the mask the whole batch draws (value after value, row
      // major), so threads split the batch without changing the masks.
      const row = shape.slice(1).reduce((a, b) => a * b, 1);
      const all = dropoutMultipliers(rows.total * row, rate, seed);
      return tf.tensor(all.slice(rows.offset * row, (rows.offset + shape[0]!) * row), shape, 'float32');
    }
    return tf.tensor(dropoutMultipliers(tf.util.sizeFromShape(shape), rate, seed), shape, 'float32');
  }

  /**
   * Masks drawn so far (the next seed is `seed + drawn`): data-parallel threads keep their copies in step, and a
   * resumed run restores it from its training state.
   */
  get drawn(): number {
    return this.calls;
  }

  set drawn(value: number) {
    this.calls = value;
  }
}

let shardRows: { offset: number; total: number } | null = null;

/**
 * Runs `fn` (one shard's forward pass) with every seeded dropout mask drawn for the whole batch of `total` rows and
 * cut to the shard's rows from `offset`: the masks of a batch do not depend on how it is split.
 */
export function withShardRows<T>(offset: number, total: number, fn: () => T): T {
  const outer = shardRows;
  shardRows = { offset, total };
  try {
    return fn();
  } finally {
    shardRows = outer;
  }
}
