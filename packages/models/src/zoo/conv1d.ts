import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { kerasConv1d } from '../layers/_conv.js';
import { fuseConvLayers } from '../layers/_conv_graph.js';
import { kerasGlobalMaxPooling1d } from '../layers/keras_global_max_pooling1d.js';
import {
  apply,
  type BaseModelOptions,
  classifierHead,
  embedding,
  Inits,
  idsInput,
  positiveInt,
  resolveBase,
} from './_common.js';

/** Options of the `conv1d` model. */
export interface Conv1dOptions extends BaseModelOptions {
  /**
   * Convolution filters.
   * @default 32
   */
  filters?: number;
  /**
   * Convolution width.
   * @default 5
   */
  kernelSize?: number;
}

/**
 * `Embedding(500, 16)`, `Conv1D(32, 5, activation='relu')`, `GlobalMaxPooling1D()`, `Dense(1, sigmoid)`:
 * 8,000 + 2,592 + 33 = 10,625 parameters with the defaults.
 */
export function conv1d(options: Conv1dOptions = {}): tfl.LayersModel {
  const base = resolveBase('conv1d', options);
  const filters = positiveInt(options.filters ?? 32, 'filters', 'conv1d');
  const kernelSize = positiveInt(options.kernelSize ?? 5, 'kernelSize', 'conv1d');
  if (base.maxlen < kernelSize) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('conv1d'): maxlen must be at least kernelSize (${kernelSize}), the convolution's receptive ` +
        `field, so that it has an output step, got ${base.maxlen}.`,
    );
  }
  const inits = new Inits(base.seed);
  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits), input);
  const conv = apply(
    kerasConv1d({
      filters,
      kernelSize,
      activation: 'relu',
      kernelInitializer: inits.glorotUniform(),
      biasInitializer: 'zeros',
      name: 'conv1d',
    }),
    emb,
  );
  const pooled = apply(kerasGlobalMaxPooling1d({ name: 'global_max_pooling1d' }), conv);
  // The fused kernel pools the convolution's output itself: the graph and the layers stay Keras'.
  return fuseConvLayers(
    tfl.model({ inputs: input, outputs: apply(classifierHead(base, inits), pooled), name: 'conv1d' }),
  );
}
