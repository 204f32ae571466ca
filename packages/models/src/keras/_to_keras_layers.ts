// One tfjs-layers layer (its snake_case config as tfjs saves it, and its weights) → the Keras 3 layer: class,
// config, and where each weight goes. Configs follow Keras 3's `get_config()` (keras/src/layers/**); weights
// follow Keras' variable order (`_trainable_variables + _non_trainable_variables`), which for every layer here is
// tfjs' order too, with the same shapes.
import {
  activationName,
  constraint,
  dtypePolicy,
  initializer,
  type Json,
  type JsonObject,
  regularizer,
  unsupported,
} from './_to_keras_objects.js';

/** A weight as saved: its values and shape. */
export interface WeightValue {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A weight as Keras stores it. */
export interface KerasVar extends WeightValue {
  /** Where the owning object sits below the layer in `model.weights.h5` (`''`, `'cell'`, `'forward_layer/cell'`). */
  store: string;
  /** The variable's path, as legacy `.h5` files name it (`lstm/lstm_cell/kernel`). */
  path: string;
}

/** A Keras layer to write. */
export interface KerasLayer {
  className: string;
  module: string;
  /** Keras 3's `registered_name`: `null` for built-ins, `package>Class` for custom classes. */
  registeredName: string | null;
  config: JsonObject;
  vars: KerasVar[];
}

/** A layer of the tfjs topology. */
export interface TfjsLayer {
  className: string;
  name: string;
  config: JsonObject;
}

/** Module, registered name and legacy `.h5` class name of the one custom class seqlab exports. */
export const PEEPHOLE_LSTM = {
  className: 'PeepholeLSTM',
  module: 'seqlab',
  registeredName: 'seqlab>PeepholeLSTM',
} as const;

function base(layer: TfjsLayer): JsonObject {
  return { name: layer.name, trainable: layer.config['trainable'] ?? true, dtype: dtypePolicy() };
}

function builtin(className: string, config: JsonObject, vars: KerasVar[] = []): KerasLayer {
  return { className, module: 'keras.layers', registeredName: null, config, vars };
}

function expectWeights(layer: TfjsLayer, weights: WeightValue[], names: string[]): void {
  if (weights.length !== names.length) {
    throw unsupported(
      layer.name,
      `expected ${names.length} weights (${names.join(', ')}) for ${layer.className}, got ${weights.length}.`,
    );
  }
}

function vars(prefix: string, store: string, names: string[], weights: WeightValue[]): KerasVar[] {
  return weights.map((w, i) => ({ ...w, store, path: `${prefix}/${names[i]}` }));
}

function tuple(value: Json | undefined, fallback: number): number[] {
  if (value == null) return [fallback];
  return Array.isArray(value) ? (value as number[]) : [value as number];
}

function noRegularizers(layer: TfjsLayer, fields: string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    out[field] = field.endsWith('_constraint')
      ? constraint(layer.config[field], layer.name)
      : regularizer(layer.config[field], layer.name);
  }
  return out;
}

/** The activity regularizer, only when set (Keras 3's Dense/Conv config omits it otherwise). */
function activity(layer: TfjsLayer): JsonObject {
  const value = regularizer(layer.config['activity_regularizer'], layer.name);
  return value === null ? {} : { activity_regularizer: value };
}

/** What Keras' `Dense` and `Conv1D` configs share: activation, bias, initializers, no regularizers or constraints. */
function kernelBiasConfig(layer: TfjsLayer, c: JsonObject, useBias: boolean): JsonObject {
  return {
    activation: activationName(c['activation'], layer.name),
    use_bias: useBias,
    kernel_initializer: initializer(c['kernel_initializer'], layer.name),
    bias_initializer: initializer(c['bias_initializer'], layer.name),
    ...noRegularizers(layer, [
      'kernel_regularizer',
      'bias_regularizer',
      'kernel_constraint',
      'bias_constraint',
    ]),
    ...activity(layer),
  };
}

function dense(layer: TfjsLayer, weights: WeightValue[]): KerasLayer {
  const c = layer.config;
  const useBias = c['use_bias'] !== false;
  const names = useBias ? ['kernel', 'bias'] : ['kernel'];
  expectWeights(layer, weights, names);
  return builtin(
    'Dense',
    {
      ...base(layer),
      units: c['units'] as number,
      ...kernelBiasConfig(layer, c, useBias),
    },
    vars(layer.name, '', names, weights),
  );
}

function embedding(layer: TfjsLayer, weights: WeightValue[]): KerasLayer {
  const c = layer.config;
  expectWeights(layer, weights, ['embeddings']);
  return builtin(
    'Embedding',
    {
      ...base(layer),
      input_dim: c['input_dim'] as number,
      output_dim: c['output_dim'] as number,
      embeddings_initializer: initializer(c['embeddings_initializer'], layer.name),
      embeddings_regularizer: regularizer(c['embeddings_regularizer'], layer.name),
      activity_regularizer: regularizer(c['activity_regularizer'], layer.name),
      embeddings_constraint: constraint(c['embeddings_constraint'], layer.name),
      mask_zero: c['mask_zero'] === true,
    },
    vars(layer.name, '', ['embeddings'], weights),
  );
}

interface RnnKind {
  kerasClass: string;
  cell: string;
  gated: boolean;
}

const RNN_KINDS: Record<string, RnnKind> = {
  SimpleRNN: { kerasClass: 'SimpleRNN', cell: 'simple_rnn_cell', gated: false },
  SeqlabSimpleRNN: { kerasClass: 'SimpleRNN', cell: 'simple_rnn_cell', gated: false },
  LSTM: { kerasClass: 'LSTM', cell: 'lstm_cell', gated: true },
  SeqlabLSTM: { kerasClass: 'LSTM', cell: 'lstm_cell', gated: true },
  SeqlabPeepholeLSTM: { kerasClass: 'LSTM', cell: 'lstm_cell', gated: true },
  GRU: { kerasClass: 'GRU', cell: 'gru_cell', gated: true },
  SeqlabGRU: { kerasClass: 'GRU', cell: 'gru_cell', gated: true },
};

const PEEPHOLES = [
  'input_gate_peephole_weights',
  'forget_gate_peephole_weights',
  'output_gate_peephole_weights',
];

/** A recurrent layer; `prefix`/`store` place its weights (a Bidirectional's inner layers sit deeper). */
function recurrent(layer: TfjsLayer, weights: WeightValue[], prefix?: string, store = 'cell'): KerasLayer {
  const kind = RNN_KINDS[layer.className]!;
  const c = layer.config;
  const peephole = layer.className === 'SeqlabPeepholeLSTM' || c['use_peepholes'] === true;
  if (c['use_bias'] === false)
    throw unsupported(layer.name, 'recurrent layers without a bias are not exported.');
  if (c['stateful'] === true) throw unsupported(layer.name, 'stateful recurrent layers are not exported.');
  if (c['return_state'] === true) throw unsupported(layer.name, 'return_state is not exported.');
  const config: JsonObject = {
    ...base(layer),
    return_sequences: c['return_sequences'] === true,
    return_state: false,
    go_backwards: c['go_backwards'] === true,
    stateful: false,
    unroll: c['unroll'] === true,
    zero_output_for_mask: false,
    units: c['units'] as number,
    activation: activationName(c['activation'] ?? 'tanh', layer.name),
  };
  if (kind.gated) {
    // tfjs' default is hardSigmoid, which it writes out; seqlab's layers write sigmoid (Keras' default).
    config['recurrent_activation'] = activationName(
      c['recurrent_activation'],
      layer.name,
      'recurrentActivation',
    );
  }
  Object.assign(config, {
    use_bias: true,
    kernel_initializer: initializer(c['kernel_initializer'], layer.name),
    recurrent_initializer: initializer(c['recurrent_initializer'], layer.name),
    bias_initializer: initializer(c['bias_initializer'], layer.name),
  });
  if (kind.kerasClass === 'LSTM') config['unit_forget_bias'] = c['unit_forget_bias'] === true;
  Object.assign(
    config,
    noRegularizers(layer, [
      'kernel_regularizer',
      'recurrent_regularizer',
      'bias_regularizer',
      'activity_regularizer',
      'kernel_constraint',
      'recurrent_constraint',
      'bias_constraint',
    ]),
  );
  config['dropout'] = (c['dropout'] as number | undefined) ?? 0;
  config['recurrent_dropout'] = (c['recurrent_dropout'] as number | undefined) ?? 0;
  config['seed'] = (c['seed'] as number | undefined) ?? null;
  if (kind.kerasClass === 'GRU') config['reset_after'] = c['reset_after'] === true;
  const names = ['kernel', 'recurrent_kernel', 'bias', ...(peephole ? PEEPHOLES : [])];
  expectWeights(layer, weights, names);
  const cell = peephole ? 'peephole_lstm_cell' : kind.cell;
  const out = builtin(
    kind.kerasClass,
    config,
    vars(`${prefix ?? layer.name}/${cell}`, store, names, weights),
  );
  if (peephole) {
    // Keras has no peephole LSTM: the layer is written as the custom class `seqlab>PeepholeLSTM` (Keras' LSTM
    // config and weights, plus tf.keras PeepholeLSTMCell's three peephole vectors at vars/3, 4, 5).
    out.className = PEEPHOLE_LSTM.className;
    out.module = PEEPHOLE_LSTM.module;
    out.registeredName = PEEPHOLE_LSTM.registeredName;
  }
  return out;
}

function serialized(layer: KerasLayer): JsonObject {
  return {
    module: layer.module,
    class_name: layer.className,
    config: layer.config,
    registered_name: layer.registeredName,
  };
}

function bidirectional(layer: TfjsLayer, weights: WeightValue[]): KerasLayer {
  const c = layer.config;
  const inner = c['layer'] as JsonObject;
  const innerClass = inner['class_name'] as string;
  if (RNN_KINDS[innerClass] === undefined) {
    throw unsupported(layer.name, `Bidirectional over ${JSON.stringify(innerClass)} is not exported.`);
  }
  const innerConfig = inner['config'] as JsonObject;
  const innerName = String(innerConfig['name'] ?? innerClass.toLowerCase()).replace(/^forward_/, '');
  const half = weights.length / 2;
  const forwardName = `forward_${innerName}`;
  const backwardName = `backward_${innerName}`;
  const forward = recurrent(
    { className: innerClass, name: forwardName, config: innerConfig },
    weights.slice(0, half),
    `${layer.name}/${forwardName}`,
    'forward_layer/cell',
  );
  const backward = recurrent(
    {
      className: innerClass,
      name: backwardName,
      config: { ...innerConfig, go_backwards: innerConfig['go_backwards'] !== true },
    },
    weights.slice(half),
    `${layer.name}/${backwardName}`,
    'backward_layer/cell',
  );
  // Keras 3's Bidirectional sets its layers' zero_output_for_mask to its return_sequences.
  for (const side of [forward, backward])
    side.config['zero_output_for_mask'] = side.config['return_sequences'] === true;
  if (forward.registeredName !== null) {
    throw unsupported(layer.name, 'a Bidirectional peephole LSTM is not exported.');
  }
  return builtin(
    'Bidirectional',
    {
      ...base(layer),
      merge_mode: (c['merge_mode'] as string | null | undefined) ?? null,
      layer: serialized(forward),
      backward_layer: serialized(backward),
    },
    [...forward.vars, ...backward.vars],
  );
}

function conv1d(layer: TfjsLayer, weights: WeightValue[]): KerasLayer {
  const c = layer.config;
  const causal = layer.className === 'SeqlabCausalConv1D';
  const dataFormat = c['data_format'] ?? 'channels_last';
  if (dataFormat !== 'channels_last')
    throw unsupported(layer.name, `data_format ${dataFormat} is not exported.`);
  const useBias = c['use_bias'] !== false;
  const names = useBias ? ['kernel', 'bias'] : ['kernel'];
  expectWeights(layer, weights, names);
  return builtin(
    'Conv1D',
    {
      ...base(layer),
      filters: c['filters'] as number,
      kernel_size: tuple(c['kernel_size'], 1),
      strides: tuple(c['strides'], 1),
      padding: causal ? 'causal' : ((c['padding'] as string | undefined) ?? 'valid'),
      data_format: 'channels_last',
      dilation_rate: tuple(c['dilation_rate'], 1),
      groups: 1,
      ...kernelBiasConfig(layer, c, useBias),
    },
    vars(layer.name, '', names, weights),
  );
}

function pooling(kerasClass: string) {
  return (layer: TfjsLayer): KerasLayer => {
    const c = layer.config;
    const poolSize = tuple(c['pool_size'], 2);
    return builtin(kerasClass, {
      ...base(layer),
      pool_size: poolSize,
      padding: (c['padding'] as string | undefined) ?? 'valid',
      strides: c['strides'] == null ? poolSize : tuple(c['strides'], poolSize[0]!),
      data_format: 'channels_last',
    });
  };
}

function globalPooling(kerasClass: string) {
  return (layer: TfjsLayer): KerasLayer =>
    builtin(kerasClass, { ...base(layer), data_format: 'channels_last', keepdims: false });
}

function normalization(layer: TfjsLayer, weights: WeightValue[], batch: boolean): KerasLayer {
  const c = layer.config;
  const scale = c['scale'] !== false;
  const center = c['center'] !== false;
  const names = [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : [])];
  if (batch) names.push('moving_mean', 'moving_variance');
  expectWeights(layer, weights, names);
  const axis = c['axis'] ?? -1;
  const config: JsonObject = {
    ...base(layer),
    axis: Array.isArray(axis) && !batch ? axis : Array.isArray(axis) ? (axis[0] as number) : axis,
    epsilon: (c['epsilon'] as number | undefined) ?? 1e-3,
    center,
    scale,
    beta_initializer: initializer(c['beta_initializer'], layer.name),
    gamma_initializer: initializer(c['gamma_initializer'], layer.name),
    beta_regularizer: regularizer(c['beta_regularizer'], layer.name),
    gamma_regularizer: regularizer(c['gamma_regularizer'], layer.name),
    beta_constraint: constraint(c['beta_constraint'], layer.name),
    gamma_constraint: constraint(c['gamma_constraint'], layer.name),
  };
  if (batch) {
    Object.assign(config, {
      momentum: (c['momentum'] as number | undefined) ?? 0.99,
      moving_mean_initializer: initializer(c['moving_mean_initializer'], layer.name),
      moving_variance_initializer: initializer(c['moving_variance_initializer'], layer.name),
      synchronized: false,
    });
  }
  // Keras names the vars of both layers after these fields; tfjs' BatchNormalization order is Keras' order.
  return builtin(
    batch ? 'BatchNormalization' : 'LayerNormalization',
    config,
    vars(layer.name, '', names, weights),
  );
}

type Converter = (layer: TfjsLayer, weights: WeightValue[]) => KerasLayer;

function weightless(make: (layer: TfjsLayer) => KerasLayer): Converter {
  return (layer, weights) => {
    expectWeights(layer, weights, []);
    return make(layer);
  };
}

const CONVERTERS: Record<string, Converter> = {
  Dense: dense,
  Embedding: embedding,
  ...Object.fromEntries(Object.keys(RNN_KINDS).map((name) => [name, (l, w) => recurrent(l, w)] as const)),
  Bidirectional: bidirectional,
  Conv1D: conv1d,
  SeqlabCausalConv1D: conv1d,
  MaxPooling1D: weightless(pooling('MaxPooling1D')),
  AveragePooling1D: weightless(pooling('AveragePooling1D')),
  GlobalMaxPooling1D: weightless(globalPooling('GlobalMaxPooling1D')),
  GlobalAveragePooling1D: weightless(globalPooling('GlobalAveragePooling1D')),
  Dropout: weightless((l) =>
    builtin('Dropout', {
      ...base(l),
      rate: l.config['rate'] as number,
      seed: (l.config['seed'] as number | undefined) ?? null,
      noise_shape: (l.config['noise_shape'] as Json | undefined) ?? null,
    }),
  ),
  SpatialDropout1D: weightless((l) =>
    builtin('SpatialDropout1D', {
      ...base(l),
      rate: l.config['rate'] as number,
      seed: (l.config['seed'] as number | undefined) ?? null,
    }),
  ),
  Flatten: weightless((l) => builtin('Flatten', { ...base(l), data_format: 'channels_last' })),
  Masking: weightless((l) =>
    builtin('Masking', { ...base(l), mask_value: (l.config['mask_value'] as number | undefined) ?? 0 }),
  ),
  Activation: weightless((l) =>
    builtin('Activation', { ...base(l), activation: activationName(l.config['activation'], l.name) }),
  ),
  Concatenate: weightless((l) =>
    builtin('Concatenate', { ...base(l), axis: (l.config['axis'] as number | undefined) ?? -1 }),
  ),
  Add: weightless((l) => builtin('Add', base(l))),
  Multiply: weightless((l) => builtin('Multiply', base(l))),
  LayerNormalization: (l, w) => normalization(l, w, false),
  BatchNormalization: (l, w) => normalization(l, w, true),
};

/** The Keras 3 class names {@link toKerasLayer} writes, by the tfjs class names it reads. */
export const EXPORTABLE_CLASSES: readonly string[] = Object.keys(CONVERTERS);

/** Converts one tfjs layer (not InputLayer, not OneHot: the model converter handles those). */
export function toKerasLayer(layer: TfjsLayer, weights: WeightValue[]): KerasLayer {
  const convert = CONVERTERS[layer.className];
  if (convert === undefined) {
    throw unsupported(
      layer.name,
      `class ${JSON.stringify(layer.className)} is not exported to Keras. Exported classes: ` +
        `${[...EXPORTABLE_CLASSES].sort().join(', ')}.`,
    );
  }
  return convert(layer, weights);
}
