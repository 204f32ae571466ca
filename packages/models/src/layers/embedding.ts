import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Arguments of {@link KerasEmbedding}: tfjs' `Embedding` arguments (Keras `Embedding`). */
export type KerasEmbeddingArgs = Parameters<typeof tfl.layers.embedding>[0];

/** The ids and table behind an embedding output that {@link KerasEmbedding} made. */
export interface EmbeddingSource {
  /** `[batch, steps]` ids, row-major. */
  ids: Int32Array;
  shape: [number, number];
  /** The layer's `[inputDim, outputDim]` table (a variable: gradients reach it). */
  table(): tf.Tensor;
}

type StockEmbedding = new (args: KerasEmbeddingArgs) => tfl.layers.Layer & { embeddings: tfl.LayerVariable };

// tfjs-layers exports only the `embedding` factory; its class is the one registered under 'Embedding'. Taken
// before this module registers its own class under that name.
const Stock = tf.serialization.SerializationMap.getMap().classNameMap[
  'Embedding'
]![0] as unknown as StockEmbedding;

// Embedding outputs → their ids and table, so that a fused recurrent layer reading them looks the rows up itself.
const sources = new WeakMap<tf.Tensor, EmbeddingSource>();

/** The ids and table behind an embedding output, when {@link KerasEmbedding} made it from `[batch, steps]` ids. */
export function embeddingSource(t: tf.Tensor): EmbeddingSource | undefined {
  return sources.get(t);
}

/**
 * tfjs' `Embedding` (Keras `Embedding`), saved and loaded under the same class name, that also tells a fused
 * seqlab recurrent layer after it which ids and table made its output: the layer then reads `table[ids]` inside its
 * kernel (with its input dropout), and the table's gradient comes from the kernel instead of a `[batch, steps,
 * dim]` gradient summed back by `UnsortedSegmentSum`. Outputs and the tfjs API are those of the stock layer.
 */
export class KerasEmbedding extends Stock {
  /** @nocollapse */
  static className = 'Embedding';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const out = super.call(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank === 2 && !Array.isArray(out)) {
      const values = x.dataSync();
      // tfjs' Embedding casts its input to int32 (truncation) before the lookup; so do the ids here. Only read.
      const ids = values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
      sources.set(out, { ids, shape: x.shape as [number, number], table: () => this.embeddings.read() });
    }
    return out;
  }
}
tf.serialization.registerClass(
  KerasEmbedding as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/**
 * Creates a {@link KerasEmbedding} layer.
 *
 * @example
 * ```ts
 * const ids = tfl.input({ shape: [100], dtype: 'int32' });
 * const x = kerasEmbedding({ inputDim: 500, outputDim: 16 }).apply(ids); // [null, 100, 16]
 * ```
 */
export function kerasEmbedding(args: KerasEmbeddingArgs): KerasEmbedding {
  return new KerasEmbedding(args);
}
