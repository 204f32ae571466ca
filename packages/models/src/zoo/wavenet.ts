import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { fuseConvLayers } from '../layers/_conv_graph.js';
import { CausalConv1D } from '../layers/causal_conv1d.js';
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

/** Options of the `wavenet` model. */
export interface WavenetOptions extends BaseModelOptions {
  /**
   * Residual channels (filter and gate convolutions).
   * @default 16
   */
  filters?: number;
  /**
   * Skip channels.
   * @default 16
   */
  skipChannels?: number;
  /**
   * Width of the dilated causal convolutions.
   * @default 2
   */
  kernelSize?: number;
  /**
   * Dilation of each gated block.
   * @default [1, 2, 4, 8]
   */
  dilations?: number[];
}

/**
 * A WaveNet classifier (van den Oord et al. 2016): `Embedding(500, 16)`, a causal `Conv1D(16, 2)`, then per
 * dilation d in 1, 2, 4, 8 a gated block `tanh(CausalConv1D_d) * sigmoid(CausalConv1D_d)` with a 1×1 skip
 * convolution and (except the last block, whose residual output nothing reads) a 1×1 residual convolution added
 * to the block input; ReLU of the summed skips, `GlobalMaxPooling1D`, `Dense(1, sigmoid)`.
 * 8,000 + 528 + 4 · (528 + 528 + 272) + 3 · 272 + 17 = 14,673 parameters with the defaults.
 */
export function wavenet(options: WavenetOptions = {}): tfl.LayersModel {
  const base = resolveBase('wavenet', options);
  const filters = positiveInt(options.filters ?? 16, 'filters', 'wavenet');
  const skipChannels = positiveInt(options.skipChannels ?? 16, 'skipChannels', 'wavenet');
  const kernelSize = positiveInt(options.kernelSize ?? 2, 'kernelSize', 'wavenet');
  const dilations = options.dilations ?? [1, 2, 4, 8];
  if (!Array.isArray(dilations) || dilations.length === 0) {
    throw new ModelsError(
      'INVALID_OPTION',
      `createModel('wavenet'): dilations must be a non-empty array of positive integers, got ` +
        `${JSON.stringify(dilations)}.`,
    );
  }
  for (const d of dilations) positiveInt(d, 'dilations[]', 'wavenet');
  const inits = new Inits(base.seed);
  const conv = (
    name: string,
    f: number,
    k: number,
    d: number,
    act: 'linear' | 'tanh' | 'sigmoid' = 'linear',
  ) =>
    new CausalConv1D({
      filters: f,
      kernelSize: k,
      dilationRate: d,
      activation: act,
      kernelInitializer: inits.glorotUniform(),
      name,
    });

  const input = idsInput(base.maxlen);
  const emb = apply(embedding(base, inits), input);
  let h = apply(conv('causal_conv', filters, kernelSize, 1), emb);
  const skips: tfl.SymbolicTensor[] = [];
  dilations.forEach((d, i) => {
    const f = apply(conv(`block${i}_filter`, filters, kernelSize, d, 'tanh'), h);
    const g = apply(conv(`block${i}_gate`, filters, kernelSize, d, 'sigmoid'), h);
    const z = tfl.layers.multiply({ name: `block${i}_gated` }).apply([f, g]) as tfl.SymbolicTensor;
    skips.push(apply(conv(`block${i}_skip`, skipChannels, 1, 1), z));
    if (i < dilations.length - 1) {
      const res = apply(conv(`block${i}_residual`, filters, 1, 1), z);
      h = tfl.layers.add({ name: `block${i}_add` }).apply([h, res]) as tfl.SymbolicTensor;
    }
  });
  const summed =
    skips.length === 1 ? skips[0]! : (tfl.layers.add({ name: 'skips' }).apply(skips) as tfl.SymbolicTensor);
  const relu = apply(tfl.layers.activation({ activation: 'relu', name: 'skips_relu' }), summed);
  const pooled = apply(tfl.layers.globalMaxPooling1d({ name: 'global_max_pooling1d' }), relu);
  // Each block's filter and gate convolutions run as one fused call: the graph and the layers stay Keras'.
  return fuseConvLayers(
    tfl.model({ inputs: input, outputs: apply(classifierHead(base, inits), pooled), name: 'wavenet' }),
  );
}
