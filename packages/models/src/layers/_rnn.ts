import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** What the seqlab cells share: per-sequence dropout masks, drawn on first use and dropped after each call. */
export interface MaskedCell {
  resetDropoutMasks(): void;
  /**
   * Optional: the input half of every step at once (`x·kernel + bias` for all steps in one MatMul). When present,
   * the layer passes the projected sequence to the step loop and the cell skips that part per step.
   */
  projectInputs?(x: tf.Tensor, training: boolean): tf.Tensor;
  projected?: boolean;
  /**
   * Optional: the whole layer in one call of `@seqlab/wasm`'s fused WebAssembly SIMD kernels (forward and
   * backward through time), or `null` when this configuration needs the per-step loop (recurrent dropout).
   */
  fusedCall?(
    x: tf.Tensor,
    training: boolean,
    returnSequences: boolean,
    mask: tf.Tensor | null,
  ): tf.Tensor | null;
}

type RnnArgs = ConstructorParameters<typeof tfl.layers.RNN>[0];

/**
 * An `RNN` over one seqlab cell that, like Keras' `RNN` and tfjs' `LSTM`/`GRU`, draws the cell's dropout masks
 * once per call (per batch) and frees them afterwards.
 */
export abstract class CellRNN extends tfl.layers.RNN {
  /** Whether to run the fused kernels when the configuration allows (see {@link MaskedCell.fusedCall}). */
  readonly fused: boolean;

  constructor(args: RnnArgs, fused: boolean) {
    super(args);
    this.fused = fused;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), fused: this.fused };
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const cell = this.cell as unknown as MaskedCell;
    cell.resetDropoutMasks();
    try {
      const initialState = kwargs?.['initialState'];
      if (
        this.fused &&
        cell.fusedCall !== undefined &&
        initialState == null &&
        !this.returnState &&
        !this.goBackwards
      ) {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const mask = (kwargs?.['mask'] as tf.Tensor | null | undefined) ?? null;
        const out = cell.fusedCall(x, kwargs?.['training'] === true, this.returnSequences, mask);
        if (out !== null) return out;
      }
      if (cell.projectInputs !== undefined) {
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        return tf.tidy(() => {
          const projected = cell.projectInputs!(x, kwargs?.['training'] === true);
          cell.projected = true;
          try {
            return super.call(projected, {
              mask: kwargs?.['mask'],
              training: kwargs?.['training'],
              initialState: kwargs?.['initialState'],
            });
          } finally {
            cell.projected = false;
          }
        });
      }
      return super.call(inputs, {
        mask: kwargs?.['mask'],
        training: kwargs?.['training'],
        initialState: kwargs?.['initialState'],
      });
    } finally {
      cell.resetDropoutMasks();
    }
  }
}
