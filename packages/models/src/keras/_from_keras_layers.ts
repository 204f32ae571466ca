import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { kerasConv1d } from '../layers/_conv.js';
import type { ActivationName } from '../layers/_util.js';
import { CausalConv1D } from '../layers/causal_conv1d.js';
import { KerasEmbedding } from '../layers/embedding.js';
import { KerasGRU } from '../layers/gru.js';
import { KerasActivation, type KerasActivationName, kerasActivationFn } from '../layers/keras_activation.js';
import { kerasDense } from '../layers/keras_dense.js';
import { KerasGlobalAveragePooling1D } from '../layers/keras_global_average_pooling1d.js';
import { kerasGlobalMaxPooling1d } from '../layers/keras_global_max_pooling1d.js';
import { KerasAdd, KerasConcatenate, KerasMultiply } from '../layers/keras_merge.js';
import { KerasZeroMaskedSteps } from '../layers/keras_zero_masked_steps.js';
import { KerasLSTM } from '../layers/lstm.js';
import { PeepholeLSTM } from '../layers/peephole_lstm.js';
import { KerasSimpleRNN } from '../layers/simple_rnn.js';
import { isObject, type Json, type LayerSpec } from './_read_config.js';

/** What the builder knows about the file: which Keras wrote it (for `hard_sigmoid`), and its name for errors. */
export interface BuildContext {
  kerasVersion: 2 | 3;
  label: string;
}

/** How a layer treats an incoming mask, as Keras does it. */
export type MaskRule = 'pass' | 'drop' | 'own';

/** A Keras layer rebuilt from tfjs layers. */
export interface BuiltLayer {
  /** The layer that holds the weights, applied first. */
  main: tfl.layers.Layer;
  /** Layers applied after `main` (an activation tfjs lacks, Keras' zeroing of masked steps). */
  after: tfl.layers.Layer[];
  /** Whether the output of the whole carries a mask, given whether the input does (Keras' mask propagation). */
  outputMasked(inputMasked: boolean): boolean;
  /** Where a Keras 3 weights file keeps this layer's variables, below the layer's own path, in tfjs' order. */
  varPaths: string[];
  /** Whether the layer computes with its input's mask (recurrent layers, the masked average). */
  readsMask: boolean;
}

type Args<F extends (...a: never[]) => unknown> = Parameters<F>[0];

/** Activations tfjs-layers computes exactly as Keras does, by Keras name → tfjs name. */
const TFJS_SAME: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
};

const CAUSAL_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'hardSigmoid'];

/** Keras class names this reader rebuilds. */
export const SUPPORTED_LAYERS = [
  'InputLayer',
  'Embedding',
  'Masking',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'PeepholeLSTM',
  'Bidirectional',
  'Conv1D',
  'MaxPooling1D',
  'AveragePooling1D',
  'GlobalMaxPooling1D',
  'GlobalAveragePooling1D',
  'Dropout',
  'SpatialDropout1D',
  'Dense',
  'Flatten',
  'Concatenate',
  'Add',
  'Multiply',
  'Activation',
  'LayerNormalization',
  'BatchNormalization',
] as const;

const ALIASES: Record<string, string> = {
  Convolution1D: 'Conv1D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  AveragePool1D: 'AveragePooling1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAveragePool1D: 'GlobalAveragePooling1D',
  // seqlab's own export of its peephole LSTM (Keras has none): registered in Keras 3 as `seqlab>PeepholeLSTM`.
  'seqlab>PeepholeLSTM': 'PeepholeLSTM',
};

export function canonicalClass(className: string): string {
  return ALIASES[className] ?? className;
}

function unsupported(
  ctx: BuildContext,
  spec: LayerSpec,
  option: string,
  value: unknown,
  expected: string,
): ModelsError {
  return new ModelsError(
    'KERAS_UNSUPPORTED',
    `${ctx.label}: layer ${JSON.stringify(spec.name)} (${spec.className}): ${option}=${JSON.stringify(value)} is not ` +
      `supported; expected ${expected}.`,
  );
}

function get(spec: LayerSpec, key: string, fallback: unknown): unknown {
  const value = spec.config[key];
  return value === undefined ? fallback : value;
}

function int(ctx: BuildContext, spec: LayerSpec, key: string, fallback?: number): number {
  let value = get(spec, key, fallback);
  if (Array.isArray(value) && value.length === 1) value = value[0];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${ctx.label}: layer ${JSON.stringify(spec.name)} (${spec.className}): ${key} must be a positive integer, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function num(ctx: BuildContext, spec: LayerSpec, key: string, fallback: number): number {
  const value = get(spec, key, fallback);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${ctx.label}: layer ${JSON.stringify(spec.name)} (${spec.className}): ${key} must be a number, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function bool(spec: LayerSpec, key: string, fallback: boolean): boolean {
  return get(spec, key, fallback) === true;
}

/** Options that change what a layer computes and that seqlab does not implement: must be off. */
function requireOff(ctx: BuildContext, spec: LayerSpec, keys: string[]): void {
  for (const key of keys) {
    const value = spec.config[key];
    if (value !== undefined && value !== null && value !== false && value !== 0 && value !== 'None') {
      throw unsupported(ctx, spec, key, value, 'it off (false/None)');
    }
  }
}

/** A float32 dtype policy, as Keras 2 (`"float32"`) or Keras 3 (`{class_name: "DTypePolicy", …}`) writes it. */
function checkDtype(ctx: BuildContext, spec: LayerSpec): void {
  const dtype = spec.config['dtype'];
  if (dtype === undefined || dtype === null) return;
  const name =
    typeof dtype === 'string'
      ? dtype
      : isObject(dtype) && isObject(dtype['config'])
        ? dtype['config']['name']
        : undefined;
  if (spec.className === 'InputLayer' || spec.className === 'Embedding') return;
  if (name !== 'float32')
    throw unsupported(ctx, spec, 'dtype', name ?? dtype, '"float32" (seqlab computes in float32)');
}

/** Keras activation (a name, or Keras 3's serialized function) → its name. */
function activationName(ctx: BuildContext, spec: LayerSpec, key: string, fallback: string): string {
  const value = get(spec, key, fallback);
  if (value === null) return 'linear';
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['config'] === 'string') return value['config'];
  if (isObject(value) && typeof value['class_name'] === 'string' && value['module'] === 'keras.activations') {
    return value['class_name'];
  }
  throw unsupported(ctx, spec, key, value, 'a Keras activation name');
}

/**
 * A Keras activation as tfjs: the tfjs name when tfjs computes the same, or `'linear'` plus a
 * {@link KerasActivation} layer after.
 */
function splitActivation(
  ctx: BuildContext,
  spec: LayerSpec,
  key: string,
  fallback: string,
): { tfjs: string; after: tfl.layers.Layer[] } {
  const name = activationName(ctx, spec, key, fallback);
  const same = TFJS_SAME[name];
  if (same !== undefined) return { tfjs: same, after: [] };
  if (name === 'hard_sigmoid' && ctx.kerasVersion === 2) return { tfjs: 'hardSigmoid', after: [] };
  if (kerasActivationFn(name, ctx.kerasVersion) === undefined) {
    throw unsupported(
      ctx,
      spec,
      key,
      name,
      `one of ${[...Object.keys(TFJS_SAME), 'hard_sigmoid', 'hard_silu', 'relu6', 'silu', 'swish', 'gelu', 'exponential', 'leaky_relu', 'log_softmax', 'mish'].join(', ')}`,
    );
  }
  return {
    tfjs: 'linear',
    after: [
      new KerasActivation({
        activation: name as KerasActivationName,
        kerasVersion: ctx.kerasVersion,
        name: `${spec.name}_${name}`,
      }),
    ],
  };
}

function setMasking(layer: tfl.layers.Layer, rule: MaskRule): void {
  if (rule === 'pass') layer.supportsMasking = true;
  if (rule === 'drop') {
    layer.supportsMasking = false;
    layer.computeMask = () => null as unknown as tf.Tensor;
  }
}

function simple(main: tfl.layers.Layer, after: tfl.layers.Layer[], rule: MaskRule): BuiltLayer {
  setMasking(main, rule);
  return {
    main,
    after,
    outputMasked: (masked) => rule === 'pass' && masked,
    varPaths: [''],
    readsMask: false,
  };
}

/** The recurrent activation for seqlab's cells, or `undefined` when only a stock tfjs layer computes it. */
function cellActivation(name: string, ctx: BuildContext): ActivationName | undefined {
  switch (name) {
    case 'tanh':
    case 'sigmoid':
    case 'relu':
    case 'linear':
      return name;
    case 'hard_sigmoid':
      return ctx.kerasVersion === 2 ? 'hardSigmoid' : 'hardSigmoidKeras3';
    default:
      return undefined;
  }
}

/** Builds the recurrent layer of a Keras `SimpleRNN`/`LSTM`/`GRU` config (not yet wrapped). */
function recurrent(ctx: BuildContext, spec: LayerSpec, name: string): tfl.layers.RNN {
  const cls = canonicalClass(spec.className);
  requireOff(ctx, spec, ['return_state', 'stateful', 'time_major']);
  checkDtype(ctx, spec);
  const units = int(ctx, spec, 'units');
  const useBias = bool(spec, 'use_bias', true);
  const returnSequences = bool(spec, 'return_sequences', false);
  const goBackwards = bool(spec, 'go_backwards', false);
  const dropout = num(ctx, spec, 'dropout', 0);
  const recurrentDropout = num(ctx, spec, 'recurrent_dropout', 0);
  const act = activationName(ctx, spec, 'activation', 'tanh');
  const recAct =
    cls === 'SimpleRNN' ? 'sigmoid' : activationName(ctx, spec, 'recurrent_activation', 'sigmoid');
  const cellAct = cellActivation(act, ctx);
  const cellRecAct = cellActivation(recAct, ctx);
  // Zeros: the file's weights replace them (and orthogonal initialisation of a large matrix is slow).
  const base = {
    units,
    returnSequences,
    goBackwards,
    dropout,
    recurrentDropout,
    name,
    kernelInitializer: tfl.initializers.zeros(),
    recurrentInitializer: tfl.initializers.zeros(),
    biasInitializer: tfl.initializers.zeros(),
  };
  const tfjsName = (a: string, key: string): string => {
    const same = TFJS_SAME[a];
    if (same !== undefined) return same;
    if (a === 'hard_sigmoid' && ctx.kerasVersion === 2) return 'hardSigmoid';
    throw unsupported(
      ctx,
      spec,
      key,
      a,
      `tanh, sigmoid, relu, linear${ctx.kerasVersion === 2 ? ', hard_sigmoid' : ''} (or, off the fused path, ${Object.keys(TFJS_SAME).join(', ')})`,
    );
  };
  if (cls === 'GRU') {
    const resetAfter = bool(spec, 'reset_after', ctx.kerasVersion === 3);
    if (useBias && cellAct !== undefined && cellRecAct !== undefined) {
      return new KerasGRU({
        ...base,
        resetAfter,
        activation: cellAct,
        recurrentActivation: cellRecAct,
      } as never);
    }
    if (resetAfter)
      throw unsupported(
        ctx,
        spec,
        useBias ? 'activation' : 'use_bias',
        useBias ? act : false,
        'a GRU with reset_after=True, a bias and tanh/sigmoid/relu/linear activations',
      );
    return tfl.layers.gru({
      ...base,
      useBias,
      activation: tfjsName(act, 'activation'),
      recurrentActivation: tfjsName(recAct, 'recurrent_activation'),
    } as Args<typeof tfl.layers.gru>);
  }
  if (cls === 'PeepholeLSTM') {
    if (!useBias || cellAct === undefined || cellRecAct === undefined) {
      throw unsupported(
        ctx,
        spec,
        'activation',
        act,
        "seqlab's PeepholeLSTM as seqlab writes it (a bias, tanh/sigmoid)",
      );
    }
    return new PeepholeLSTM({
      ...base,
      activation: cellAct,
      recurrentActivation: cellRecAct,
      unitForgetBias: false,
    } as never);
  }
  if (cls === 'LSTM') {
    if (useBias && cellAct !== undefined && cellRecAct !== undefined) {
      // unit_forget_bias only initialises the bias, which the file's weights replace; off, because tfjs' own LSTM
      // cell (which Bidirectional builds for the backward direction) leaks tensors initialising it.
      return new KerasLSTM({
        ...base,
        activation: cellAct,
        recurrentActivation: cellRecAct,
        unitForgetBias: false,
      } as never);
    }
    return tfl.layers.lstm({
      ...base,
      useBias,
      activation: tfjsName(act, 'activation'),
      recurrentActivation: tfjsName(recAct, 'recurrent_activation'),
    } as Args<typeof tfl.layers.lstm>);
  }
  if (useBias && act === 'tanh') return new KerasSimpleRNN(base as never);
  return tfl.layers.simpleRNN({ ...base, useBias, activation: tfjsName(act, 'activation') } as Args<
    typeof tfl.layers.simpleRNN
  >);
}

function sameRnnConfig(a: Json, b: Json): boolean {
  const skip = new Set(['name', 'go_backwards', 'zero_output_for_mask', 'dtype', 'trainable', 'seed']);
  const keys = new Set(
    [...Object.keys(a), ...Object.keys(b)].filter((k) => !skip.has(k) && !k.endsWith('initializer')),
  );
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

function rnnLayer(ctx: BuildContext, spec: LayerSpec): BuiltLayer {
  const layer = recurrent(ctx, spec, spec.name);
  const after: tfl.layers.Layer[] = [];
  const returnSequences = bool(spec, 'return_sequences', false);
  if (!returnSequences && bool(spec, 'zero_output_for_mask', false)) {
    throw unsupported(ctx, spec, 'zero_output_for_mask', true, 'false unless return_sequences=True');
  }
  if (returnSequences && bool(spec, 'zero_output_for_mask', false)) {
    after.push(new KerasZeroMaskedSteps({ name: `${spec.name}_zero_masked` }));
  }
  return {
    main: layer,
    after,
    outputMasked: (masked) => masked && returnSequences,
    varPaths: ['cell'],
    readsMask: true,
  };
}

function bidirectional(ctx: BuildContext, spec: LayerSpec): BuiltLayer {
  const inner = spec.config['layer'];
  if (!isObject(inner) || typeof inner['class_name'] !== 'string' || !isObject(inner['config'])) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${ctx.label}: Bidirectional layer ${JSON.stringify(spec.name)} has no wrapped layer config.`,
    );
  }
  const innerClass = canonicalClass(inner['class_name']);
  if (!['SimpleRNN', 'LSTM', 'GRU'].includes(innerClass)) {
    throw unsupported(ctx, spec, 'layer', inner['class_name'], 'a SimpleRNN, LSTM or GRU');
  }
  const innerSpec: LayerSpec = {
    className: innerClass,
    name: String(inner['config']['name'] ?? 'rnn'),
    config: inner['config'],
    nodes: [],
  };
  if (bool(innerSpec, 'go_backwards', false))
    throw unsupported(ctx, innerSpec, 'go_backwards', true, 'false inside Bidirectional');
  const backward = spec.config['backward_layer'];
  if (isObject(backward) && isObject(backward['config'])) {
    if (
      canonicalClass(String(backward['class_name'])) !== innerClass ||
      !sameRnnConfig(inner['config'], backward['config'])
    ) {
      throw unsupported(
        ctx,
        spec,
        'backward_layer',
        backward['class_name'],
        'a backward layer configured like the forward layer (tfjs rebuilds it from the forward one)',
      );
    }
  }
  const mergeMode = get(spec, 'merge_mode', 'concat');
  if (mergeMode !== null && !['concat', 'sum', 'ave', 'mul'].includes(mergeMode as string)) {
    throw unsupported(ctx, spec, 'merge_mode', mergeMode, 'concat, sum, ave, mul or None');
  }
  checkDtype(ctx, spec);
  const layer = recurrent(ctx, innerSpec, innerSpec.name);
  const main = tfl.layers.bidirectional({
    layer,
    mergeMode: mergeMode as 'concat',
    name: spec.name,
  });
  const returnSequences = bool(innerSpec, 'return_sequences', false);
  // Keras' Bidirectional forces zero_output_for_mask = return_sequences on both directions.
  const after = returnSequences ? [new KerasZeroMaskedSteps({ name: `${spec.name}_zero_masked` })] : [];
  return {
    main,
    after,
    outputMasked: (masked) => masked && returnSequences,
    varPaths: ['forward_layer/cell', 'backward_layer/cell'],
    readsMask: true,
  };
}

function padding(ctx: BuildContext, spec: LayerSpec, allowed: string[]): string {
  const value = get(spec, 'padding', 'valid');
  if (typeof value !== 'string' || !allowed.includes(value))
    throw unsupported(ctx, spec, 'padding', value, allowed.join(', '));
  return value;
}

function channelsLast(ctx: BuildContext, spec: LayerSpec): void {
  const value = get(spec, 'data_format', 'channels_last');
  if (value !== 'channels_last' && value !== null)
    throw unsupported(ctx, spec, 'data_format', value, 'channels_last');
}

function pooling(ctx: BuildContext, spec: LayerSpec, kind: 'max' | 'average'): BuiltLayer {
  channelsLast(ctx, spec);
  const poolSize = int(ctx, spec, 'pool_size', 2);
  const stridesValue = get(spec, 'strides', null);
  const strides = stridesValue === null ? poolSize : int(ctx, spec, 'strides');
  const args = {
    poolSize,
    strides,
    padding: padding(ctx, spec, ['valid', 'same']) as 'valid',
    name: spec.name,
  };
  const layer = kind === 'max' ? tfl.layers.maxPooling1d(args) : tfl.layers.averagePooling1d(args);
  return simple(layer, [], 'drop');
}

/**
 * Rebuilds one Keras layer from its config as tfjs layers — seqlab's fused `KerasLSTM`/`KerasGRU`/
 * `KerasSimpleRNN`/`KerasEmbedding` where they compute the same thing — or throws a typed error naming the layer
 * and the option it cannot honour. Weights are set later.
 */
export function buildLayer(ctx: BuildContext, spec: LayerSpec): BuiltLayer {
  const cls = canonicalClass(spec.className);
  const s: LayerSpec = cls === spec.className ? spec : { ...spec, className: cls };
  switch (cls) {
    case 'Embedding': {
      requireOff(ctx, s, ['lora_rank', 'sparse', 'quantization_config']);
      const maskZero = bool(s, 'mask_zero', false);
      const layer = new KerasEmbedding({
        inputDim: int(ctx, s, 'input_dim'),
        outputDim: int(ctx, s, 'output_dim'),
        maskZero,
        embeddingsInitializer: 'zeros',
        name: s.name,
      });
      return {
        main: layer,
        after: [],
        outputMasked: (masked) => maskZero || masked,
        varPaths: [''],
        readsMask: false,
      };
    }
    case 'Masking': {
      const layer = tfl.layers.masking({ maskValue: num(ctx, s, 'mask_value', 0), name: s.name });
      return { main: layer, after: [], outputMasked: () => true, varPaths: [''], readsMask: false };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
    case 'PeepholeLSTM':
      return rnnLayer(ctx, s);
    case 'Bidirectional':
      return bidirectional(ctx, s);
    case 'Conv1D': {
      channelsLast(ctx, s);
      checkDtype(ctx, s);
      requireOff(ctx, s, ['lora_rank', 'quantization_config']);
      const groups = get(s, 'groups', 1);
      if (groups !== 1) throw unsupported(ctx, s, 'groups', groups, '1');
      const { tfjs, after } = splitActivation(ctx, s, 'activation', 'linear');
      const pad = padding(ctx, s, ['valid', 'same', 'causal']);
      const strides = int(ctx, s, 'strides', 1);
      if (pad === 'causal') {
        // tfjs' Conv1D gets the output length of padding='causal' wrong (it computes the 'valid' length).
        if (strides !== 1) throw unsupported(ctx, s, 'strides', strides, "1 with padding='causal'");
        // CausalConv1D applies the activations the seqlab layers share; others run in a tfjs Activation after it.
        const own = CAUSAL_ACTIVATIONS.includes(tfjs);
        const layer = new CausalConv1D({
          filters: int(ctx, s, 'filters'),
          kernelSize: int(ctx, s, 'kernel_size'),
          dilationRate: int(ctx, s, 'dilation_rate', 1),
          useBias: bool(s, 'use_bias', true),
          activation: own ? (tfjs as ActivationName) : 'linear',
          kernelInitializer: tfl.initializers.zeros(),
          name: s.name,
        });
        const extra = own
          ? []
          : [tfl.layers.activation({ activation: tfjs as 'linear', name: `${s.name}_${tfjs}` })];
        return simple(layer, [...extra, ...after], 'drop');
      }
      const layer = kerasConv1d({
        filters: int(ctx, s, 'filters'),
        kernelSize: int(ctx, s, 'kernel_size'),
        strides,
        dilationRate: int(ctx, s, 'dilation_rate', 1),
        padding: pad as 'valid',
        useBias: bool(s, 'use_bias', true),
        activation: tfjs as 'linear',
        kernelInitializer: 'zeros',
        name: s.name,
      });
      return simple(layer, after, 'drop');
    }
    case 'MaxPooling1D':
      return pooling(ctx, s, 'max');
    case 'AveragePooling1D':
      return pooling(ctx, s, 'average');
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling1D': {
      channelsLast(ctx, s);
      requireOff(ctx, s, ['keepdims']);
      if (cls === 'GlobalMaxPooling1D') return simple(kerasGlobalMaxPooling1d({ name: s.name }), [], 'drop');
      return {
        main: new KerasGlobalAveragePooling1D({ name: s.name }),
        after: [],
        outputMasked: () => false,
        varPaths: [''],
        readsMask: true,
      };
    }
    case 'Dropout':
    case 'SpatialDropout1D': {
      const rate = num(ctx, s, 'rate', 0);
      const layer =
        cls === 'Dropout'
          ? tfl.layers.dropout({ rate, name: s.name })
          : tfl.layers.spatialDropout1d({ rate, name: s.name });
      return simple(layer, [], 'pass');
    }
    case 'Dense': {
      checkDtype(ctx, s);
      requireOff(ctx, s, ['lora_rank', 'quantization_config']);
      const { tfjs, after } = splitActivation(ctx, s, 'activation', 'linear');
      const layer = kerasDense({
        units: int(ctx, s, 'units'),
        useBias: bool(s, 'use_bias', true),
        activation: tfjs as 'linear',
        kernelInitializer: 'zeros',
        name: s.name,
      });
      return simple(layer, after, 'pass');
    }
    case 'Flatten':
      channelsLast(ctx, s);
      return simple(tfl.layers.flatten({ name: s.name }), [], 'drop');
    case 'Concatenate': {
      const axis = get(s, 'axis', -1);
      if (typeof axis !== 'number' || !Number.isInteger(axis))
        throw unsupported(ctx, s, 'axis', axis, 'an integer');
      const layer = new KerasConcatenate({
        axis,
        maskReduce: ctx.kerasVersion === 3 ? 'any' : 'all',
        name: s.name,
      });
      return { main: layer, after: [], outputMasked: (masked) => masked, varPaths: [''], readsMask: false };
    }
    case 'Add':
    case 'Multiply': {
      const layer = cls === 'Add' ? new KerasAdd({ name: s.name }) : new KerasMultiply({ name: s.name });
      return { main: layer, after: [], outputMasked: (masked) => masked, varPaths: [''], readsMask: false };
    }
    case 'Activation': {
      const { tfjs, after } = splitActivation(ctx, s, 'activation', 'linear');
      if (after.length > 0) {
        const only = after[0]!;
        setMasking(only, 'pass');
        return {
          main: new KerasActivation({
            activation: (only as KerasActivation).activation,
            kerasVersion: ctx.kerasVersion,
            name: s.name,
          }),
          after: [],
          outputMasked: (m) => m,
          varPaths: [''],
          readsMask: false,
        };
      }
      return simple(tfl.layers.activation({ activation: tfjs as 'linear', name: s.name }), [], 'pass');
    }
    case 'LayerNormalization': {
      checkDtype(ctx, s);
      requireOff(ctx, s, ['rms_scaling']);
      const axis = get(s, 'axis', -1);
      const axes = Array.isArray(axis) ? axis : [axis];
      if (!axes.every((a) => Number.isInteger(a)))
        throw unsupported(ctx, s, 'axis', axis, 'an integer or a list of integers');
      const layer = tfl.layers.layerNormalization({
        axis: axes as number[],
        epsilon: num(ctx, s, 'epsilon', 1e-3),
        center: bool(s, 'center', true),
        scale: bool(s, 'scale', true),
        name: s.name,
      });
      return simple(layer, [], 'pass');
    }
    case 'BatchNormalization': {
      checkDtype(ctx, s);
      requireOff(ctx, s, ['renorm', 'synchronized', 'virtual_batch_size']);
      let axis = get(s, 'axis', -1);
      if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
      if (typeof axis !== 'number' || !Number.isInteger(axis))
        throw unsupported(ctx, s, 'axis', axis, 'one integer axis');
      const layer = tfl.layers.batchNormalization({
        axis,
        momentum: num(ctx, s, 'momentum', 0.99),
        epsilon: num(ctx, s, 'epsilon', 1e-3),
        center: bool(s, 'center', true),
        scale: bool(s, 'scale', true),
        name: s.name,
      });
      return simple(layer, [], 'pass');
    }
    case 'Lambda':
      throw new ModelsError(
        'KERAS_UNSUPPORTED',
        `${ctx.label}: layer ${JSON.stringify(s.name)} is a Lambda layer: its Python code is never executed by seqlab; ` +
          'replace it with built-in layers in Keras and save again.',
      );
    default:
      throw new ModelsError(
        'KERAS_UNSUPPORTED',
        `${ctx.label}: layer ${JSON.stringify(s.name)} has class ${JSON.stringify(spec.className)}, which seqlab cannot ` +
          `rebuild; supported: ${SUPPORTED_LAYERS.join(', ')}.`,
      );
  }
}
