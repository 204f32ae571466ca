import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

type MaskArg = tf.Tensor | tf.Tensor[] | null | undefined;
type LayerClass = new (args: Record<string, unknown>) => tfl.layers.Layer;

// tfjs-layers exports only factories; its classes are the ones registered under these names. Taken before this
// module registers its own classes under the same names.
const stock = tf.serialization.SerializationMap.getMap().classNameMap;
const StockAdd = stock['Add']![0] as unknown as LayerClass;
const StockMultiply = stock['Multiply']![0] as unknown as LayerClass;
const StockConcatenate = stock['Concatenate']![0] as unknown as LayerClass;

/**
 * Keras' `Merge.compute_mask` (Add, Multiply): the AND of the inputs' masks — tfjs 4.22's skips the last mask and
 * keeps an extra axis. Port of keras/src/layers/merging/base_merge.py.
 */
export function mergeMask(mask: MaskArg): tf.Tensor {
  const masks = (Array.isArray(mask) ? mask : [mask]).filter((m): m is tf.Tensor => m != null);
  if (masks.length === 0) return null as unknown as tf.Tensor;
  return tf.tidy(() => masks.map((m) => tf.cast(m, 'bool')).reduce((a, b) => tf.logicalAnd(a, b)));
}

/**
 * Keras' `Concatenate.compute_mask`: each input's mask broadcast over its features (all-true where an input has
 * none), concatenated along `axis`, reduced over the last axis with `all` (tf.keras 2) or `any` (Keras 3).
 * Port of keras/src/layers/merging/concatenate.py and tf.keras 2's.
 */
export function concatenateMask(
  inputs: tf.Tensor | tf.Tensor[],
  mask: MaskArg,
  axis: number,
  reduce: 'all' | 'any',
): tf.Tensor {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const masks = Array.isArray(mask) ? mask : [mask];
  if (masks.every((m) => m == null)) return null as unknown as tf.Tensor;
  return tf.tidy(() => {
    const full = list.map((x, i) => {
      const m = masks[i];
      if (m == null) return tf.cast(tf.onesLike(x), 'bool');
      const b = tf.cast(m, 'bool');
      return b.rank < x.rank ? tf.broadcastTo(tf.expandDims(b, -1), x.shape) : b;
    });
    const joined = tf.concat(full, axis);
    return reduce === 'any' ? tf.any(joined, -1) : tf.all(joined, -1);
  });
}

/** tfjs' `Add` (Keras `Add`) with Keras' output mask; saved and loaded under the same class name. */
export class KerasAdd extends StockAdd {
  /** @nocollapse */
  static className = 'Add';

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: MaskArg): tf.Tensor {
    return mergeMask(mask);
  }
}
tf.serialization.registerClass(
  KerasAdd as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/** tfjs' `Multiply` (Keras `Multiply`) with Keras' output mask; saved and loaded under the same class name. */
export class KerasMultiply extends StockMultiply {
  /** @nocollapse */
  static className = 'Multiply';

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: MaskArg): tf.Tensor {
    return mergeMask(mask);
  }
}
tf.serialization.registerClass(
  KerasMultiply as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/** Arguments of {@link KerasConcatenate}. */
export interface KerasConcatenateArgs {
  /**
   * Concatenation axis.
   * @default -1
   */
  axis?: number;
  /**
   * How the output mask reduces the concatenated masks over the last axis: `'all'` as tf.keras 2 (and tfjs), or
   * `'any'` as Keras 3.
   * @default 'all'
   */
  maskReduce?: 'all' | 'any';
  /** Layer name. */
  name?: string;
}

/**
 * tfjs' `Concatenate` with Keras' output mask (`maskReduce` picks Keras 2's or Keras 3's rule); saved and loaded
 * under the same class name (`maskReduce` only when `'any'`; stock tfjs ignores it).
 */
export class KerasConcatenate extends StockConcatenate {
  /** @nocollapse */
  static className = 'Concatenate';
  readonly maskReduce: 'all' | 'any';
  private readonly concatAxis: number;

  constructor(args: KerasConcatenateArgs = {}) {
    super(args as Record<string, unknown>);
    this.maskReduce = args.maskReduce ?? 'all';
    this.concatAxis = args.axis ?? -1;
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[], mask?: MaskArg): tf.Tensor {
    return concatenateMask(inputs, mask, this.concatAxis, this.maskReduce);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    if (this.maskReduce === 'any') config['maskReduce'] = 'any';
    return config;
  }
}
tf.serialization.registerClass(
  KerasConcatenate as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);
