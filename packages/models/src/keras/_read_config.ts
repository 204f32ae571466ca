import { ModelsError } from '../errors.js';

/** A JSON object from a Keras config. */
export type Json = Record<string, unknown>;

/** `[layer name, node index, tensor index]`: one output of one call of a layer (Keras' `keras_history`). */
export type TensorRef = [string, number, number];

/** One call of a layer: its input tensors (one, or a list for merge layers). */
export interface CallNode {
  inputs: TensorRef[];
  /** Whether the layer was called on a list (`Concatenate([a, b])`) rather than on one tensor. */
  list: boolean;
}

/** One layer of a Keras model config, with the Keras names and values (snake_case) as written. */
export interface LayerSpec {
  className: string;
  name: string;
  config: Json;
  nodes: CallNode[];
}

/** A Keras model config (Sequential or Functional, Keras 2 or 3) as a graph of layer calls. */
export interface ModelSpec {
  className: 'Sequential' | 'Functional';
  name: string;
  layers: LayerSpec[];
  inputs: TensorRef[];
  outputs: TensorRef[];
  /** Keras 3 Sequential's `build_input_shape`, for a model built on data without an `InputLayer`. */
  buildInputShape?: (number | null)[];
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function malformedConfig(label: string, message: string): ModelsError {
  return new ModelsError('KERAS_MALFORMED', `${label}: ${message}`);
}

/** Parses JSON text (a root attribute or `config.json`), with a typed error. */
export function parseJson(text: unknown, what: string, label: string): Json {
  if (typeof text !== 'string')
    throw malformedConfig(label, `expected ${what} as JSON text, got ${typeof text}.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ModelsError('KERAS_MALFORMED', `${label}: ${what} is not valid JSON.`, { cause });
  }
  if (!isObject(value)) throw malformedConfig(label, `expected ${what} to be a JSON object.`);
  return value;
}

function ref(value: unknown, label: string, where: string): TensorRef {
  if (
    Array.isArray(value) &&
    value.length >= 3 &&
    typeof value[0] === 'string' &&
    Number.isInteger(value[1]) &&
    Number.isInteger(value[2])
  ) {
    return [value[0], value[1] as number, value[2] as number];
  }
  throw malformedConfig(
    label,
    `${where}: expected [layer name, node index, tensor index], got ${JSON.stringify(value)}.`,
  );
}

/** `input_layers`/`output_layers`: `[[name, 0, 0], …]`, or one `[name, 0, 0]` (Keras 3 with a single input). */
function refList(value: unknown, label: string, where: string): TensorRef[] {
  if (!Array.isArray(value))
    throw malformedConfig(label, `${where}: expected a list, got ${JSON.stringify(value)}.`);
  if (value.length >= 3 && typeof value[0] === 'string') return [ref(value, label, where)];
  return value.map((v) => ref(v, label, where));
}

/** A Keras 3 call argument: a `__keras_tensor__` (or a list of them, for merge layers). */
function kerasTensorRefs(arg: unknown, label: string, where: string): { refs: TensorRef[]; list: boolean } {
  if (Array.isArray(arg)) {
    return { refs: arg.map((a) => kerasTensorRefs(a, label, where).refs[0]!), list: true };
  }
  if (isObject(arg) && arg['class_name'] === '__keras_tensor__' && isObject(arg['config'])) {
    return { refs: [ref(arg['config']['keras_history'], label, where)], list: false };
  }
  throw malformedConfig(
    label,
    `${where}: expected a Keras tensor as the call argument, got ${JSON.stringify(arg)?.slice(0, 200)}.`,
  );
}

function parseNodes(value: unknown, label: string, layerName: string): CallNode[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw malformedConfig(label, `layer ${layerName}: inbound_nodes must be a list.`);
  const where = `layer ${layerName} inbound_nodes`;
  return value.map((node): CallNode => {
    if (isObject(node)) {
      // Keras 3: {args: [tensor or [tensors]], kwargs: {...}}
      const args = node['args'];
      if (!Array.isArray(args) || args.length === 0)
        throw malformedConfig(label, `${where}: a node without args.`);
      if (args.length > 1) {
        throw new ModelsError(
          'KERAS_UNSUPPORTED',
          `${label}: layer ${layerName} is called with ${args.length} positional arguments; seqlab reads layers called on one tensor or one list of tensors.`,
        );
      }
      const kwargs = node['kwargs'];
      if (isObject(kwargs) && (kwargs['initial_state'] != null || kwargs['mask'] != null)) {
        throw new ModelsError(
          'KERAS_UNSUPPORTED',
          `${label}: layer ${layerName} is called with ${kwargs['initial_state'] != null ? 'initial_state' : 'an explicit mask'}; seqlab does not read such calls.`,
        );
      }
      const { refs, list } = kerasTensorRefs(args[0], label, where);
      return { inputs: refs, list };
    }
    if (Array.isArray(node)) {
      // Keras 2: [[name, node, tensor, kwargs], …]; a list of several is a merge layer's list input.
      const refs = node.map((entry) => {
        if (
          Array.isArray(entry) &&
          isObject(entry[3]) &&
          (entry[3]['initial_state'] != null || entry[3]['mask'] != null)
        ) {
          throw new ModelsError(
            'KERAS_UNSUPPORTED',
            `${label}: layer ${layerName} is called with initial_state or an explicit mask; seqlab does not read such calls.`,
          );
        }
        return ref(entry, label, where);
      });
      return { inputs: refs, list: refs.length > 1 };
    }
    throw malformedConfig(label, `${where}: unexpected node ${JSON.stringify(node)?.slice(0, 200)}.`);
  });
}

function layerSpec(value: unknown, label: string, index: number): LayerSpec {
  if (!isObject(value) || typeof value['class_name'] !== 'string' || !isObject(value['config'])) {
    throw malformedConfig(
      label,
      `layer ${index}: expected {class_name, config}, got ${JSON.stringify(value)?.slice(0, 200)}.`,
    );
  }
  const config = value['config'];
  const name =
    typeof config['name'] === 'string'
      ? config['name']
      : typeof value['name'] === 'string'
        ? value['name']
        : undefined;
  if (name === undefined)
    throw malformedConfig(label, `layer ${index} (${value['class_name']}) has no name.`);
  const spec: LayerSpec = {
    className: value['class_name'],
    name,
    config,
    nodes: parseNodes(value['inbound_nodes'], label, name),
  };
  // Keras 3 records the built input shape separately; Sequential uses it when there is no InputLayer.
  const build = value['build_config'];
  if (
    isObject(build) &&
    Array.isArray(build['input_shape']) &&
    config['batch_shape'] === undefined &&
    config['batch_input_shape'] === undefined
  ) {
    spec.config = { ...config, __build_input_shape: build['input_shape'] };
  }
  return spec;
}

/**
 * Reads a Keras model config — `Sequential` (Keras 2.2+ `{name, layers}`, Keras ≤ 2.1's bare list of layers,
 * Keras 3's form with `module`/`registered_name`/`build_config`) or `Functional`/`Model` (Keras 2's node lists,
 * Keras 3's `args`/`keras_history`) — into one graph form. Port of the config readers of
 * keras/src/models/sequential.py and keras/src/models/functional.py (`functional_from_config`).
 */
export function readModelConfig(root: Json, label: string): ModelSpec {
  const className = root['class_name'];
  const config = root['config'];
  if (className === 'Sequential') {
    const list = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
    if (!Array.isArray(list)) throw malformedConfig(label, 'Sequential config has no list of layers.');
    const name = isObject(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential';
    const layers = list.map((l, i) => layerSpec(l, label, i));
    const spec: ModelSpec = { className: 'Sequential', name, layers, inputs: [], outputs: [] };
    const build = isObject(config) ? config['build_input_shape'] : undefined;
    if (Array.isArray(build)) spec.buildInputShape = build as (number | null)[];
    return spec;
  }
  if (className === 'Functional' || className === 'Model') {
    if (!isObject(config) || !Array.isArray(config['layers'])) {
      throw malformedConfig(label, `${className} config has no list of layers.`);
    }
    const layers = config['layers'].map((l, i) => layerSpec(l, label, i));
    return {
      className: 'Functional',
      name: typeof config['name'] === 'string' ? config['name'] : 'model',
      layers,
      inputs: refList(config['input_layers'], label, 'input_layers'),
      outputs: refList(config['output_layers'], label, 'output_layers'),
    };
  }
  throw new ModelsError(
    'KERAS_UNSUPPORTED',
    `${label}: the model is a ${JSON.stringify(className)}; seqlab reads Sequential and Functional (Model) ` +
      'models. A subclassed model has no config to rebuild it from.',
  );
}

/** Keras' `naming.to_snake_case`: the key a Keras 3 weights file stores a layer under (`Conv1D` → `conv1d`). */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras' version as `[major, minor]`, from strings like `"2.2.4-tf"` or `"3.13.2"`; `undefined` when absent. */
export function majorVersion(version: string | undefined): number | undefined {
  if (version === undefined) return undefined;
  const match = /^(\d+)\./.exec(version);
  return match === null ? undefined : Number(match[1]);
}
