import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { idsOutput, offerIds } from './_ids_pairing.js';

/** Arguments of {@link KerasEmbedding}: tfjs' `Embedding` arguments (Keras `Embedding`). */
export type KerasEmbeddingArgs = Parameters<typeof tfl.layers.embedding>[0];

type StockEmbedding = new (args: KerasEmbeddingArgs) => tfl.layers.Layer & { embeddings: tfl.LayerVariable };

// tfjs-layers exports only the `embedding` factory; its class is the one registered under 'Embedding'. Taken
// before this module registers its own class under that name.
const Stock = tf.serialization.SerializationMap.getMap().classNameMap[
  'Embedding'
]![0] as unknown as StockEmbedding;

/**
 * tfjs' `Embedding` (Keras `Embedding`), saved and loaded under the same class name, that also hands its ids and
 * table to the fused seqlab recurrent layers its output feeds in the model graph (directly, or inside a
 * `Bidirectional`): such a layer then reads `table[ids]` inside its kernel (with its input dropout), and the table's
 * gradient comes from the kernel instead of a `[batch, steps, dim]` gradient summed back by `UnsortedSegmentSum`.
 * With a layer in between, or outside a model, the recurrent layer reads the output as any other input. Outputs
 * and the tfjs API are those of the stock layer. In `trainLesson`'s training step, when every such layer will read
 * the ids, the gather is skipped (see `idsOutput`).
 */
export class KerasEmbedding extends Stock {
  /** @nocollapse */
  static className = 'Embedding';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const table = this.embeddings.read();
    const out = idsOutput(
      this,
      x,
      table,
      kwargs,
      table.shape[1]!,
      table.dtype,
      () => super.call(inputs, kwargs) as tf.Tensor,
    );
    offerIds(this, x, out, table);
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
