import type * as tfl from '@tensorflow/tfjs-layers';
import { KerasConv1D, pairConvPooling } from './_conv.js';
import { CausalConv1D } from './causal_conv1d.js';

/**
 * Pairs the model's convolution layers ({@link KerasConv1D}, {@link CausalConv1D}) with the `GlobalMaxPooling1D`
 * that alone reads them, so the fused kernel pools (see `pairConvPooling`); returns the model.
 */
export function fuseConvPooling(model: tfl.LayersModel): tfl.LayersModel {
  pairConvPooling(
    model,
    model.layers.filter((l) => l instanceof KerasConv1D || l instanceof CausalConv1D),
  );
  return model;
}
