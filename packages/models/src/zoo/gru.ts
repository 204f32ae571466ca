import type * as tfl from '@tensorflow/tfjs-layers';
import * as tflayers from '@tensorflow/tfjs-layers';
import { KerasGRU } from '../layers/gru.js';
import {
  apply,
  classifierHead,
  embedding,
  Inits,
  idsInput,
  type RecurrentModelOptions,
  resolveBase,
  resolveMaskZero,
} from './_common.js';

/** Options of the `gru` model. */
export interface GruOptions extends RecurrentModelOptions {
  /**
   * Keras `reset_after`: `true` is Keras' default (bias `[2, 3u]`); `false` the original GRU, as in tfjs.
   * @default true
   */
  resetAfter?: boolean;
}

/**
 * `Embedding(500, 16)`, `GRU(8, dropout=0.3)` with Keras' `reset_after=True`, `Dense(1, sigmoid)`:
 * 8,633 parameters with the defaults (8,609 with `resetAfter: false`).
 */
export function gru(options: GruOptions = {}): tfl.LayersModel {
  const base = resolveBase('gru', options);
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits, resolveMaskZero('gru', options)), input);
  const h = apply(
    new KerasGRU({
      units: base.units,
      dropout: base.dropout,
      resetAfter: options.resetAfter ?? true,
      kernelInitializer: inits.glorotUniform(),
      recurrentInitializer: inits.orthogonal(),
      seed: inits.seed(),
      name: 'gru',
    }),
    emb,
  );
  return tflayers.model({ inputs: input, outputs: apply(classifierHead(base, inits), h), name: 'gru' });
}
