// Nested Keras objects of a layer config (initializers, regularizers, constraints, activations, dtype policy) from
// their tfjs-layers serialization (tfjs' snake_case `{class_name, config}`).
import { ModelsError } from '../errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Keras 3's serialized form of a built-in object (`serialization_lib.serialize_keras_object`). */
export function kerasObject(module: string, className: string, config: JsonObject): JsonObject {
  return { module, class_name: className, config, registered_name: null };
}

/** `float32` as Keras 3 writes a layer's `dtype`: a `DTypePolicy`. */
export function dtypePolicy(name = 'float32'): JsonObject {
  return kerasObject('keras', 'DTypePolicy', { name });
}

export function unsupported(layer: string, what: string): ModelsError {
  return new ModelsError(
    'KERAS_EXPORT_UNSUPPORTED',
    `encodeKerasModel: layer ${JSON.stringify(layer)}: ${what}`,
  );
}

// tfjs serializes GlorotUniform & co. as VarianceScaling; Keras' own subclasses take only `seed`, so the
// general VarianceScaling is written, which Keras constructs from exactly these fields.
const SEED_ONLY: Record<string, string> = {
  GlorotUniform: 'GlorotUniform',
  GlorotNormal: 'GlorotNormal',
  HeNormal: 'HeNormal',
  HeUniform: 'HeUniform',
  LeCunNormal: 'LecunNormal',
  LeCunUniform: 'LecunUniform',
};

function pick(config: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) out[key] = config[key] ?? null;
  return out;
}

/** A tfjs initializer → Keras 3 `keras.initializers` object. Initializers do not change predictions. */
export function initializer(value: Json | undefined, layer: string): Json {
  if (value == null) return null;
  if (typeof value === 'string') return value;
  const obj = value as JsonObject;
  const className = obj['class_name'] as string;
  const config = (obj['config'] ?? {}) as JsonObject;
  const seed = config['seed'] ?? null;
  if (className in SEED_ONLY) return kerasObject('keras.initializers', SEED_ONLY[className]!, { seed });
  switch (className) {
    case 'Zeros':
    case 'Ones':
      return kerasObject('keras.initializers', className, {});
    case 'Constant':
      return kerasObject('keras.initializers', className, { value: config['value'] ?? 0 });
    case 'RandomUniform':
      return kerasObject('keras.initializers', className, { ...pick(config, ['minval', 'maxval']), seed });
    case 'RandomNormal':
    case 'TruncatedNormal':
      return kerasObject('keras.initializers', className, { ...pick(config, ['mean', 'stddev']), seed });
    case 'Orthogonal':
      return kerasObject('keras.initializers', className, { gain: config['gain'] ?? 1, seed });
    case 'VarianceScaling': {
      // tfjs' 'normal' draws from a truncated normal, Keras' name for which is 'truncated_normal'.
      const distribution = config['distribution'] === 'normal' ? 'truncated_normal' : config['distribution'];
      return kerasObject('keras.initializers', className, {
        scale: config['scale'] ?? 1,
        mode: config['mode'] ?? 'fan_in',
        distribution: distribution ?? 'truncated_normal',
        seed,
      });
    }
    default:
      throw unsupported(layer, `initializer ${JSON.stringify(className)} has no Keras 3 counterpart here.`);
  }
}

/** A tfjs regularizer (only `L1L2` exists in tfjs) → Keras 3 `L1L2`. */
export function regularizer(value: Json | undefined, layer: string): Json {
  if (value == null) return null;
  const obj = value as JsonObject;
  if (obj['class_name'] !== 'L1L2') {
    throw unsupported(
      layer,
      `regularizer ${JSON.stringify(obj['class_name'])} has no Keras 3 counterpart here.`,
    );
  }
  const config = (obj['config'] ?? {}) as JsonObject;
  return kerasObject('keras.regularizers', 'L1L2', { l1: config['l1'] ?? 0, l2: config['l2'] ?? 0 });
}

/** Constraints are refused: they change training, and their tfjs and Keras arguments differ. */
export function constraint(value: Json | undefined, layer: string): Json {
  if (value == null) return null;
  throw unsupported(layer, 'weight constraints are not exported; remove them before saving as Keras.');
}

// tfjs activation names (snake_cased by tfjs' serializer) → Keras 3 names, for the ones that compute the same.
// `hard_sigmoid` is missing on purpose: tfjs' is Keras 2's `clip(0.2x + 0.5)`, Keras 3's is `relu6(x + 3) / 6`.
const ACTIVATION_NAMES: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softplus: 'softplus',
  softsign: 'softsign',
  softmax: 'softmax',
  log_softmax: 'log_softmax',
  swish: 'silu',
  mish: 'mish',
};

export function activationName(value: Json | undefined, layer: string, field = 'activation'): string {
  const name = value == null ? 'linear' : String(value);
  const keras = ACTIVATION_NAMES[name];
  if (keras !== undefined) return keras;
  if (name === 'hard_sigmoid') {
    throw unsupported(
      layer,
      `${field} 'hardSigmoid' is tfjs' (and Keras 2's) clip(0.2·x + 0.5), which Keras 3 has no activation for ` +
        "(Keras 3's hard_sigmoid is relu6(x + 3) / 6); use 'sigmoid' to export to Keras 3.",
    );
  }
  throw unsupported(layer, `${field} ${JSON.stringify(name)} has no Keras 3 counterpart here.`);
}
