// tfjs ModelArtifacts (layers topology + weights) → a Keras 3 model: the `config.json` of a `.keras` file, the
// `model_config` of a legacy `.h5`, and the layers with their weights in Keras' order. Port of what
// keras/src/models/functional.py and sequential.py `get_config()` write, and of serialization_lib's object form.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { type KerasLayer, type TfjsLayer, toKerasLayer, type WeightValue } from './_to_keras_layers.js';
import { dtypePolicy, type Json, type JsonObject, unsupported } from './_to_keras_objects.js';

/** A Keras model ready to write. */
export interface KerasModel {
  /** `config.json` of a `.keras` file (Keras 3 `serialize_keras_object(model)`). */
  config: JsonObject;
  /** The `model_config` root attribute of a legacy `.h5` file (`{class_name, config}`, legacy layer form). */
  legacyConfig: JsonObject;
  /** `model.layers` as Keras lists them (a Functional model's InputLayers included, a Sequential's not). */
  layers: { name: string; layer: KerasLayer }[];
}

interface Tensor {
  shape: (number | null)[];
  dtype: string;
}

type NodeRef = [string, number, number];

function fail(message: string, cause?: unknown): ModelsError {
  return new ModelsError('KERAS_EXPORT_UNSUPPORTED', `encodeKerasModel: ${message}`, { cause });
}

function topologyOf(artifacts: tf.io.ModelArtifacts): JsonObject {
  const topology = artifacts.modelTopology;
  if (topology == null || topology instanceof ArrayBuffer) {
    throw fail(
      'expected the JSON layers topology of a tfjs LayersModel, got ' +
        (topology == null ? 'none.' : 'a GraphDef.'),
    );
  }
  const json = topology as JsonObject;
  return (json['model_config'] as JsonObject | undefined) ?? json;
}

function decodeWeights(artifacts: tf.io.ModelArtifacts): Map<string, WeightValue> {
  const out = new Map<string, WeightValue>();
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) return out;
  const tensors = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    for (const [name, t] of Object.entries(tensors)) {
      if (t.dtype !== 'float32' && t.dtype !== 'int32') {
        throw fail(`weight ${JSON.stringify(name)} has dtype ${t.dtype}; expected float32 or int32.`);
      }
      const data = t.dataSync() as Float32Array | Int32Array;
      out.set(name, { shape: t.shape, data: data.slice() });
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return out;
}

function tensorOf(t: tfl.SymbolicTensor): Tensor {
  return { shape: [...t.shape], dtype: t.dtype };
}

function kerasTensor(t: Tensor, ref: NodeRef): JsonObject {
  return {
    class_name: '__keras_tensor__',
    config: { shape: t.shape, dtype: t.dtype, keras_history: ref },
  };
}

function serialize(layer: KerasLayer): JsonObject {
  return {
    module: layer.module,
    class_name: layer.className,
    config: layer.config,
    registered_name: layer.registeredName,
  };
}

function legacySerialize(layer: KerasLayer): JsonObject {
  // keras/src/legacy/saving/serialization.py: `{class_name: registered name, config}`.
  return { class_name: layer.registeredName ?? layer.className, config: layer.config };
}

function inputLayer(name: string, t: Tensor): KerasLayer {
  return {
    className: 'InputLayer',
    module: 'keras.layers',
    registeredName: null,
    config: { batch_shape: t.shape, dtype: t.dtype, sparse: false, name },
    vars: [],
  };
}

function buildConfig(shapes: (number | null)[][]): JsonObject {
  return { input_shape: shapes.length === 1 ? shapes[0]! : shapes };
}

/**
 * The one layer seqlab drops on export: `OneHot` right after an input becomes that input, one-hot already
 * (`simple-rnn-onehot` is the lesson's `SimpleRNN` on `(maxlen, numWords)` float input).
 */
function oneHotInput(layer: tfl.layers.Layer): { input: string; depth: number } {
  const node = layer.inboundNodes[0];
  const source = node?.inboundLayers[0];
  if (
    node === undefined ||
    source === undefined ||
    source.getClassName() !== 'InputLayer' ||
    node.inboundLayers.length !== 1 ||
    source.outboundNodes.length !== 1
  ) {
    throw unsupported(
      layer.name,
      'a OneHot layer is exported only directly after a model input that nothing else reads (the input then ' +
        'takes one-hot rows).',
    );
  }
  if (layer.getConfig()['maskZero'] === true) {
    // Keras has no layer that masks id 0 of one-hot rows (Masking needs all-zero rows): refuse, not drop the mask.
    throw unsupported(layer.name, 'a OneHot layer with maskZero has no Keras equivalent.');
  }
  return { input: source.name, depth: layer.getConfig()['depth'] as number };
}

/** Converts tfjs artifacts; `model` is the same model rebuilt from them (for shapes). */
function convert(artifacts: tf.io.ModelArtifacts, topology: JsonObject, model: tfl.LayersModel): KerasModel {
  const weights = decodeWeights(artifacts);
  const sequential = topology['class_name'] === 'Sequential';
  const rawLayers = ((topology['config'] as JsonObject)['layers'] ?? topology['config']) as JsonObject[];
  const configs = new Map<string, JsonObject>();
  for (const raw of rawLayers) {
    const config = raw['config'] as JsonObject;
    configs.set((raw['name'] as string | undefined) ?? (config['name'] as string), raw);
  }

  // OneHot layers dropped, and the inputs they read widened to one-hot rows.
  const redirect = new Map<string, string>();
  const widened = new Map<string, Tensor>();
  const modelLayers = model.layers;
  for (const layer of modelLayers) {
    if (layer.getClassName() !== 'SeqlabOneHot') continue;
    const { input, depth } = oneHotInput(layer);
    redirect.set(layer.name, input);
    const t = tensorOf(layer.inboundNodes[0]!.inputTensors[0]!);
    widened.set(input, { shape: [...t.shape, depth], dtype: 'float32' });
  }

  const outputOf = (name: string, node: number, index: number): Tensor => {
    const target = redirect.get(name) ?? name;
    const w = widened.get(target);
    if (w !== undefined) return w;
    const layer = model.getLayer(target);
    const t = layer.inboundNodes[node]?.outputTensors[index];
    if (t === undefined) throw fail(`layer ${JSON.stringify(target)} has no output ${node}:${index}.`);
    return tensorOf(t);
  };

  const layers: { name: string; layer: KerasLayer }[] = [];
  const kerasLayers: JsonObject[] = [];
  const legacyLayers: JsonObject[] = [];

  // A Sequential lists an InputLayer first in its config, but not in `model.layers`.
  if (sequential) {
    const first = modelLayers[0];
    const firstInput = first?.inboundNodes[0]?.inputTensors[0];
    if (first === undefined || firstInput === undefined)
      throw fail('the Sequential model has no input shape.');
    const inputName = `${model.name}_input`;
    const widenedFirst = first.getClassName() === 'SeqlabOneHot';
    const t = tensorOf(firstInput);
    const inputTensor = widenedFirst
      ? { shape: [...t.shape, first.getConfig()['depth'] as number], dtype: 'float32' }
      : t;
    const input = inputLayer(inputName, inputTensor);
    kerasLayers.push(serialize(input));
    legacyLayers.push(legacySerialize(input));
  }

  for (const layer of modelLayers) {
    const className = layer.getClassName();
    // The OneHot is dropped (its input takes one-hot rows); a Sequential's InputLayer is written above.
    if (className === 'SeqlabOneHot' || (sequential && className === 'InputLayer')) continue;
    const raw = configs.get(layer.name);
    if (raw === undefined) throw fail(`layer ${JSON.stringify(layer.name)} is missing from the topology.`);
    let keras: KerasLayer;
    if (className === 'InputLayer') {
      keras = inputLayer(
        layer.name,
        widened.get(layer.name) ?? tensorOf(layer.inboundNodes[0]!.outputTensors[0]!),
      );
    } else {
      const values = layer.weights.map((w) => {
        const value = weights.get(w.originalName);
        if (value === undefined)
          throw fail(`weight ${JSON.stringify(w.originalName)} is missing from the artifacts.`);
        return value;
      });
      const tfjs: TfjsLayer = { className, name: layer.name, config: raw['config'] as JsonObject };
      keras = toKerasLayer(tfjs, values);
    }
    layers.push({ name: layer.name, layer: keras });
    const entry = serialize(keras);
    const legacy = legacySerialize(keras);
    if (className !== 'InputLayer') {
      const inputs = (layer.inboundNodes[0]?.inputTensors ?? []).map((t, i) => {
        const src = layer.inboundNodes[0]!.inboundLayers[i]!;
        return redirect.has(src.name) || widened.has(src.name)
          ? outputOf(src.name, 0, 0).shape
          : tensorOf(t).shape;
      });
      entry['build_config'] = buildConfig(inputs);
    }
    if (!sequential) {
      const nodes = ((raw['inbound_nodes'] ?? []) as Json[][]).map((node) => {
        const tensors = (node as Json[][]).map((ref) => {
          const [name, nodeIndex, tensorIndex] = ref as [string, number, number];
          const target = redirect.get(name) ?? name;
          return kerasTensor(outputOf(name, nodeIndex, tensorIndex), [
            target,
            redirect.has(name) ? 0 : nodeIndex,
            redirect.has(name) ? 0 : tensorIndex,
          ]);
        });
        return { args: tensors.length === 1 ? [tensors[0]!] : [tensors], kwargs: {} } as JsonObject;
      });
      for (const target of [entry, legacy]) {
        target['name'] = layer.name;
        target['inbound_nodes'] = nodes;
      }
    }
    kerasLayers.push(entry);
    legacyLayers.push(legacy);
  }

  const modelName = model.name;
  let config: JsonObject;
  let legacyConfig: JsonObject;
  if (sequential) {
    const first = kerasLayers[0]!['config'] as JsonObject;
    const inputShape = first['batch_shape'] as Json;
    const inner = (layerList: JsonObject[]): JsonObject => ({
      name: modelName,
      trainable: true,
      dtype: dtypePolicy(),
      layers: layerList,
      build_input_shape: inputShape,
    });
    config = {
      module: 'keras',
      class_name: 'Sequential',
      config: inner(kerasLayers),
      registered_name: null,
      build_config: { input_shape: inputShape },
      compile_config: null,
    };
    legacyConfig = { class_name: 'Sequential', config: inner(legacyLayers) };
  } else {
    const topConfig = topology['config'] as JsonObject;
    const refs = (value: Json | undefined): Json => {
      const list = ((value ?? []) as NodeRef[]).map(([name, node, index]) =>
        redirect.has(name) ? [redirect.get(name)!, 0, 0] : [name, node, index],
      );
      return list.length === 1 ? list[0]! : list;
    };
    const inner = (layerList: JsonObject[]): JsonObject => ({
      name: modelName,
      trainable: true,
      layers: layerList,
      input_layers: refs(topConfig['input_layers']),
      output_layers: refs(topConfig['output_layers']),
    });
    const inputShapes = model.inputs.map((t) => {
      const input = t.sourceLayer.name;
      return widened.get(input)?.shape ?? [...t.shape];
    });
    config = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: inner(kerasLayers),
      registered_name: 'Functional',
      build_config: buildConfig(inputShapes),
      compile_config: null,
    };
    legacyConfig = { class_name: 'Functional', config: inner(legacyLayers) };
  }
  return { config, legacyConfig, layers };
}

/**
 * Converts tfjs `ModelArtifacts` (JSON layers topology, weight specs and data) to the Keras 3 model they describe.
 * The topology is rebuilt as a tfjs model once (without its weights) to know every layer's shapes.
 */
export async function toKerasModel(artifacts: tf.io.ModelArtifacts): Promise<KerasModel> {
  const topology = topologyOf(artifacts);
  let model: tfl.LayersModel;
  try {
    model = await tfl.models.modelFromJSON({
      modelTopology: topology,
    } as unknown as tfl.ModelAndWeightsConfig);
  } catch (cause) {
    throw fail(
      `the topology does not rebuild as a tfjs model: ${(cause as Error)?.message ?? String(cause)}`,
      cause,
    );
  }
  try {
    return convert(artifacts, topology, model);
  } finally {
    model.dispose();
  }
}
