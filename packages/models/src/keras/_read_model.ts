import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { fuseConvLayers } from '../layers/_conv_graph.js';
import { KerasMaskReset } from '../layers/keras_mask_reset.js';
import { type BuildContext, type BuiltLayer, buildLayer } from './_from_keras_layers.js';
import { type H5Array, type H5Limits, H5Reader, isHdf5 } from './_h5_read.js';
import {
  isObject,
  type Json,
  type LayerSpec,
  type ModelSpec,
  majorVersion,
  malformedConfig,
  parseJson,
  readModelConfig,
  type TensorRef,
  toSnakeCase,
} from './_read_config.js';
import { isZip, readKerasArchive } from './_read_zip.js';

/** A Keras model file opened for reading: its config, versions, and the HDF5 file holding its weights. */
export interface OpenedKerasFile {
  format: 'h5' | 'keras';
  kerasVersion: string | undefined;
  backend: string | undefined;
  spec: ModelSpec;
  weights: H5Reader;
  label: string;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

/** Opens a legacy `.h5` (Keras 2, tf.keras, Keras 3 `model.save("x.h5")`) or a Keras 3 `.keras` file. */
export async function openKerasFile(
  bytes: Uint8Array,
  label: string,
  limits: H5Limits,
): Promise<OpenedKerasFile> {
  if (isZip(bytes)) {
    const archive = readKerasArchive(bytes, label, limits.maxTotalBytes);
    const root = parseJson(archive.config, 'config.json', label);
    let kerasVersion: string | undefined;
    if (archive.metadata !== undefined) {
      try {
        kerasVersion = str((JSON.parse(archive.metadata) as Json)['keras_version']);
      } catch {
        kerasVersion = undefined;
      }
    }
    const spec = readModelConfig(root, label);
    const weights = await H5Reader.open(archive.weights, `${label} (model.weights.h5)`, limits);
    return { format: 'keras', kerasVersion, backend: undefined, spec, weights, label };
  }
  if (!isHdf5(bytes)) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${label}: expected a Keras model file — HDF5 (.h5) or a zip (.keras) — got ${bytes.length === 0 ? 'an empty file' : 'neither signature'}.`,
    );
  }
  const reader = await H5Reader.open(bytes, label, limits);
  try {
    const modelConfig = reader.attr('/', 'model_config');
    if (modelConfig === undefined) {
      const weightsOnly =
        reader.attr('/', 'layer_names') !== undefined || reader.isGroup('vars') || reader.isGroup('layers');
      throw new ModelsError(
        'KERAS_MALFORMED',
        `${label}: expected a whole model saved by model.save() (root attribute model_config), got ` +
          (weightsOnly
            ? 'a weights-only file (save_weights): it has no architecture to rebuild.'
            : 'an HDF5 file without one.'),
      );
    }
    const root = parseJson(str(modelConfig), 'the model_config attribute', label);
    const kerasVersion =
      str(reader.attr('/', 'keras_version')) ?? str(reader.attr('model_weights', 'keras_version'));
    const backend = str(reader.attr('/', 'backend')) ?? str(reader.attr('model_weights', 'backend'));
    return {
      format: 'h5',
      kerasVersion,
      backend,
      spec: readModelConfig(root, label),
      weights: reader,
      label,
    };
  } catch (error) {
    reader.close();
    throw error;
  }
}

/** Keras' major version: from the file's `keras_version`, else from the config's style (Keras 3 writes `module`). */
export function kerasMajor(file: OpenedKerasFile): 2 | 3 {
  const major = majorVersion(file.kerasVersion);
  if (major !== undefined && major < 2) {
    throw new ModelsError(
      'KERAS_UNSUPPORTED',
      `${file.label}: written by Keras ${file.kerasVersion}; seqlab reads files of Keras 2 and 3 (Keras 1 ` +
        'configs name their options differently). Load it in Keras 2 and save it again.',
    );
  }
  if (major !== undefined) return major >= 3 ? 3 : 2;
  if (file.format === 'keras') return 3;
  return file.spec.layers.some((l) => l.config['dtype'] !== undefined && isObject(l.config['dtype'])) ? 3 : 2;
}

type Sym = tfl.SymbolicTensor;

interface Output {
  tensors: Sym[];
  masked: boolean;
}

/** The batch shape a layer declares for its input (Keras 2 `batch_input_shape`, Keras 3 `batch_shape`). */
export function declaredBatchShape(config: Json): (number | null)[] | undefined {
  const shape = config['batch_input_shape'] ?? config['batch_shape'] ?? config['__build_input_shape'];
  if (Array.isArray(shape)) return shape as (number | null)[];
  const inputShape = config['input_shape'];
  if (Array.isArray(inputShape)) return [null, ...(inputShape as (number | null)[])];
  return undefined;
}

function inputDtype(config: Json): 'float32' | 'int32' {
  const dtype = config['dtype'];
  const name =
    typeof dtype === 'string'
      ? dtype
      : isObject(dtype) && isObject(dtype['config'])
        ? dtype['config']['name']
        : undefined;
  return typeof name === 'string' && /^u?int/.test(name) ? 'int32' : 'float32';
}

function makeInput(label: string, spec: LayerSpec, name: string): Sym {
  const shape = declaredBatchShape(spec.config);
  if (shape === undefined || shape.length < 2) {
    throw malformedConfig(
      label,
      `layer ${JSON.stringify(spec.name)} declares no input shape; the model cannot be built.`,
    );
  }
  for (const key of ['sparse', 'ragged']) {
    if (spec.config[key] === true) {
      throw new ModelsError(
        'KERAS_UNSUPPORTED',
        `${label}: input ${JSON.stringify(spec.name)}: ${key}=true is not supported; expected dense input.`,
      );
    }
  }
  if (!shape.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
    throw malformedConfig(
      label,
      `layer ${JSON.stringify(spec.name)}: bad input shape ${JSON.stringify(shape)}.`,
    );
  }
  return tfl.input({ batchShape: shape, dtype: inputDtype(spec.config), name });
}

/**
 * Applies a built layer. `resetMask`: the model has masks somewhere, and tfjs' executor hands a layer whose input
 * has none the last mask it saw; a mask-reading layer whose input Keras gives no mask then gets a
 * {@link KerasMaskReset} in front (an explicit all-true mask), which is saved with the model.
 */
function applyBuilt(
  built: BuiltLayer,
  inputs: Sym[],
  list: boolean,
  masked: boolean,
  resetMask: boolean,
): Output {
  const layers = [built.main, ...built.after];
  if (resetMask && built.readsMask && !masked && !list) {
    layers.unshift(new KerasMaskReset({ name: `${built.main.name}_no_mask` }));
  }
  let y: Sym | Sym[] = list ? inputs : inputs[0]!;
  for (const layer of layers) y = layer.apply(y) as Sym | Sym[];
  return { tensors: Array.isArray(y) ? y : [y], masked: built.outputMasked(masked) };
}

/** One Keras layer, built, in the order of Keras' `model.layers`. */
export interface BuiltEntry {
  spec: LayerSpec;
  built: BuiltLayer;
}

/** Rebuilds the model of a Keras config as a tfjs `LayersModel` (weights not yet set). */
export function buildModel(
  spec: ModelSpec,
  ctx: BuildContext,
): { model: tfl.LayersModel; entries: BuiltEntry[] } {
  const entries: BuiltEntry[] = [];
  const resetMask = spec.layers.some(
    (l) => l.className === 'Masking' || (l.className === 'Embedding' && l.config['mask_zero'] === true),
  );
  if (spec.className === 'Sequential') {
    const layers = [...spec.layers];
    if (layers.length === 0) throw malformedConfig(ctx.label, 'the Sequential model has no layers.');
    const first = layers[0]!;
    const declared =
      first.className !== 'InputLayer' &&
      declaredBatchShape(first.config) === undefined &&
      spec.buildInputShape
        ? { ...first, config: { ...first.config, batch_input_shape: spec.buildInputShape } }
        : first;
    const input =
      first.className === 'InputLayer'
        ? makeInput(ctx.label, layers.shift()!, first.name)
        : makeInput(ctx.label, declared, `${first.name}_input`);
    let out: Output = { tensors: [input], masked: false };
    for (const layer of layers) {
      const built = buildLayer(ctx, layer);
      entries.push({ spec: layer, built });
      if (out.tensors.length !== 1) {
        throw new ModelsError(
          'KERAS_UNSUPPORTED',
          `${ctx.label}: layer ${JSON.stringify(layer.name)} follows a layer with ${out.tensors.length} outputs in a Sequential model.`,
        );
      }
      out = applyBuilt(built, out.tensors, false, out.masked, resetMask);
    }
    return {
      model: fuseConvLayers(tfl.model({ inputs: input, outputs: out.tensors, name: spec.name })),
      entries,
    };
  }
  const outputs = new Map<string, Output[]>();
  const inputs = new Map<string, Sym>();
  for (const layer of spec.layers) {
    if (layer.className !== 'InputLayer') continue;
    const input = makeInput(ctx.label, layer, layer.name);
    inputs.set(layer.name, input);
    outputs.set(layer.name, [{ tensors: [input], masked: false }]);
  }
  const pending = spec.layers.filter((l) => l.className !== 'InputLayer');
  const builtByName = new Map<string, BuiltLayer>();
  for (const layer of pending) {
    const built = buildLayer(ctx, layer);
    builtByName.set(layer.name, built);
    entries.push({ spec: layer, built });
  }
  const resolve = (ref: TensorRef): { tensor: Sym; masked: boolean } | undefined => {
    const node = outputs.get(ref[0])?.[ref[1]];
    const tensor = node?.tensors[ref[2]];
    return tensor === undefined ? undefined : { tensor, masked: node!.masked };
  };
  const nodeDone = new Map<string, number>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const layer of pending) {
      const done = nodeDone.get(layer.name) ?? 0;
      const node = layer.nodes[done];
      if (node === undefined) continue;
      const resolved = node.inputs.map(resolve);
      if (resolved.some((r) => r === undefined)) continue;
      const ins = resolved as { tensor: Sym; masked: boolean }[];
      const out = applyBuilt(
        builtByName.get(layer.name)!,
        ins.map((r) => r.tensor),
        node.list,
        ins.some((r) => r.masked),
        resetMask,
      );
      const list = outputs.get(layer.name) ?? [];
      list.push(out);
      outputs.set(layer.name, list);
      nodeDone.set(layer.name, done + 1);
      progress = true;
    }
  }
  const modelInputs = spec.inputs.map((r) => {
    const input = inputs.get(r[0]);
    if (input === undefined)
      throw malformedConfig(
        ctx.label,
        `input_layers names ${JSON.stringify(r[0])}, which is not an InputLayer.`,
      );
    return input;
  });
  const modelOutputs = spec.outputs.map((r) => {
    const out = resolve(r);
    if (out === undefined) {
      throw malformedConfig(
        ctx.label,
        `output ${JSON.stringify(r)} cannot be computed from the inputs (a layer's inbound node refers to a missing layer or node).`,
      );
    }
    return out.tensor;
  });
  return {
    model: fuseConvLayers(tfl.model({ inputs: modelInputs, outputs: modelOutputs, name: spec.name })),
    entries,
  };
}

function arraysToString(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v) => String(v));
  return [];
}

/** The weight arrays of each layer with weights, from a legacy `.h5` (`model_weights/<layer>/<weight_names>`). */
function legacyWeights(file: OpenedKerasFile): { name: string; arrays: H5Array[] }[] {
  const r = file.weights;
  const base = r.isGroup('model_weights') ? 'model_weights' : '';
  let names = arraysToString(r.attr(base || '/', 'layer_names'));
  if (names.length === 0) names = r.keys(base || '/').filter((k) => k !== 'top_level_model_weights');
  const out: { name: string; arrays: H5Array[] }[] = [];
  for (const name of names) {
    const group = base ? `${base}/${name}` : name;
    const weightNames = arraysToString(r.attr(group, 'weight_names'));
    if (weightNames.length === 0) continue;
    out.push({ name, arrays: weightNames.map((w) => r.readFloat(`${group}/${w}`)) });
  }
  return out;
}

/** The variables of one Keras 3 saveable (`<path>/vars/0`, `1`, …). */
function v3Vars(file: OpenedKerasFile, path: string): H5Array[] | undefined {
  const vars = `${path}/vars`;
  if (!file.weights.isGroup(vars)) return undefined;
  const keys = file.weights.keys(vars);
  const indices = keys.map(Number).sort((a, b) => a - b);
  if (!indices.every((k, i) => k === i)) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${file.weights.label}: ${vars} holds ${JSON.stringify(keys)}; expected 0, 1, 2, ….`,
    );
  }
  return indices.map((i) => file.weights.readFloat(`${vars}/${i}`));
}

function assign(file: OpenedKerasFile, entry: BuiltEntry, arrays: H5Array[], where: string): void {
  const target = entry.built.main;
  const vars = target.weights;
  const describe = (shapes: number[][]) => shapes.map((s) => `[${s.join(', ')}]`).join(', ');
  const expected = vars.map((v) => v.shape as number[]);
  const received = arrays.map((a) => a.shape);
  if (
    vars.length !== arrays.length ||
    expected.some((s, i) => s.length !== received[i]!.length || s.some((d, j) => d !== received[i]![j]))
  ) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${file.label}: layer ${JSON.stringify(entry.spec.name)} (${entry.spec.className}) expects weights of shapes ` +
        `${describe(expected) || 'none'}; the file has ${describe(received) || 'none'} at ${where}.`,
    );
  }
  const tensors = arrays.map((a) => tf.tensor(a.values, a.shape, 'float32'));
  try {
    target.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** Sets the weights of the built layers from the file, matched as Keras matches them. */
export function setWeights(file: OpenedKerasFile, entries: BuiltEntry[]): void {
  const withWeights = entries.filter((e) => e.built.main.weights.length > 0);
  if (file.format === 'h5') {
    // Port of keras/src/legacy/saving/legacy_h5_format.py load_weights_from_hdf5_group: by order.
    const groups = legacyWeights(file);
    if (groups.length !== withWeights.length) {
      throw new ModelsError(
        'KERAS_MALFORMED',
        `${file.label}: the model has ${withWeights.length} layers with weights (${withWeights.map((e) => e.spec.name).join(', ')}); ` +
          `the file holds weights for ${groups.length} (${groups.map((g) => g.name).join(', ') || 'none'}).`,
      );
    }
    withWeights.forEach((entry, k) => {
      assign(file, entry, groups[k]!.arrays, `model_weights/${groups[k]!.name}`);
    });
    return;
  }
  // Port of keras/src/saving/saving_lib.py _load_state / _load_container_state: `layers/<snake_case class>[_n]`.
  const r = file.weights;
  const root = r.isGroup('layers')
    ? 'layers'
    : r.isGroup('_layer_checkpoint_dependencies')
      ? '_layer_checkpoint_dependencies'
      : 'layers';
  const used = new Map<string, number>();
  for (const entry of entries) {
    // Keras names the group after the Python class, which is the config's class_name.
    let key = toSnakeCase(entry.spec.className);
    const n = used.get(key);
    used.set(key, n === undefined ? 0 : n + 1);
    if (n !== undefined) key = `${key}_${n + 1}`;
    if (entry.built.main.weights.length === 0) continue;
    const path = `${root}/${key}`;
    const arrays: H5Array[] = [];
    for (const sub of entry.built.varPaths) {
      const at = sub === '' ? path : `${path}/${sub}`;
      const vars = v3Vars(file, at);
      if (vars === undefined) {
        throw new ModelsError(
          'KERAS_MALFORMED',
          `${file.weights.label}: no weights for layer ${JSON.stringify(entry.spec.name)} (${entry.spec.className}); expected the group ${at}/vars.`,
        );
      }
      arrays.push(...vars);
    }
    assign(file, entry, arrays, path);
  }
}
