import * as tf from '@tensorflow/tfjs-core';
import { KerasLSTM, type KerasLSTMArgs, KerasLSTMCell } from './lstm.js';

/** Arguments of {@link PeepholeLSTMCell} and {@link PeepholeLSTM}: {@link KerasLSTMArgs} with peepholes on. */
export type PeepholeLSTMArgs = Omit<KerasLSTMArgs, 'usePeepholes'>;

/**
 * LSTM cell with peephole connections (Gers & Schmidhuber 2000), tf.keras' `PeepholeLSTMCell`: Keras' LSTM weights
 * plus `input_gate_peephole_weights`, `forget_gate_peephole_weights`, `output_gate_peephole_weights` `[u]`.
 */
export class PeepholeLSTMCell extends KerasLSTMCell {
  /** @nocollapse */
  static override className = 'SeqlabPeepholeLSTMCell';

  constructor(args: PeepholeLSTMArgs) {
    super({ ...args, usePeepholes: true });
  }
}
tf.serialization.registerClass(PeepholeLSTMCell);

/** An LSTM layer with peephole connections over {@link PeepholeLSTMCell}. */
export class PeepholeLSTM extends KerasLSTM {
  /** @nocollapse */
  static override className = 'SeqlabPeepholeLSTM';

  constructor(args: PeepholeLSTMArgs) {
    super({ ...args, usePeepholes: true });
  }
}
tf.serialization.registerClass(PeepholeLSTM);

/**
 * Creates an LSTM layer with peephole connections (4·(d·u + u² + u) + 3u parameters on `d` features).
 *
 * @example
 * ```ts
 * const layer = peepholeLSTM({ units: 8, dropout: 0.3 }); // 824 params on 16 features
 * ```
 */
export function peepholeLSTM(args: PeepholeLSTMArgs): PeepholeLSTM {
  return new PeepholeLSTM(args);
}
