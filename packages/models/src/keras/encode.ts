import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import { type H5Writer, writeH5 } from './_h5_write.js';
import type { KerasLayer } from './_to_keras_layers.js';
import { type KerasModel, toKerasModel } from './_to_keras_model.js';
import { writeKerasZip } from './_zip_write.js';

/** A Keras model file format: `'h5'` (legacy HDF5, `model.save("x.h5")`) or `'keras'` (Keras 3's zip). */
export type KerasFormat = 'h5' | 'keras';

/**
 * The Keras version whose file layout seqlab writes, and which it records as `keras_version` (in `.h5` root
 * attributes, in `.keras` `metadata.json`). Files are Keras 3.x compatible: laid out as this version writes them,
 * not written by Keras itself (`metadata.json` also names `@seqlab/models` as the writer).
 */
export const KERAS_VERSION = '3.13.2';

/**
 * Recorded as the `backend` of `.h5` files: the weights have TensorFlow's layouts (channels-last convolution
 * kernels, Keras' gate order), which is what Keras 2 loaders check this attribute for.
 */
const BACKEND = 'tensorflow';

export const KERAS_FORMATS: readonly KerasFormat[] = ['h5', 'keras'];

/**
 * What {@link encodeKerasArtifacts} writes: a {@link KerasFormat}, or `'weights.h5'`, the weights-only file of
 * Keras 3's `model.save_weights("x.weights.h5")` (the `model.weights.h5` of a `.keras` zip, on its own).
 */
export type KerasFileFormat = KerasFormat | 'weights.h5';

function checkFormat(format: unknown): KerasFormat {
  if (format !== 'h5' && format !== 'keras') {
    throw new ModelsError(
      'INVALID_OPTION',
      `encodeKerasModel: format must be one of ${KERAS_FORMATS.map((f) => `'${f}'`).join(', ')}, got ` +
        `${JSON.stringify(format)}.`,
    );
  }
  return format;
}

/** keras/src/utils/naming.py `to_snake_case`: how `.keras` weight files name a layer's group. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The cell's name as Keras names it (`lstm_cell`), read off the legacy weight path. */
function cellName(layer: KerasLayer, store: string): string {
  const v = layer.vars.find((x) => x.store === store);
  const parts = v?.path.split('/') ?? [];
  return parts[parts.length - 2] ?? 'cell';
}

/** `model.weights.h5` of a `.keras` file: keras/src/saving/saving_lib.py `_save_state` over `model.layers`. */
function writeWeightsStore(h5: H5Writer, model: KerasModel, modelName: string): void {
  h5.group('vars');
  h5.attr('vars', 'name', modelName);
  const used = new Map<string, number>();
  for (const { name, layer } of model.layers) {
    let key = toSnakeCase(layer.className);
    const seen = used.get(key);
    if (seen === undefined) used.set(key, 0);
    else {
      used.set(key, seen + 1);
      key = `${key}_${seen + 1}`;
    }
    const root = `layers/${key}`;
    h5.group(`${root}/vars`);
    h5.attr(`${root}/vars`, 'name', name);
    const stores = [...new Set(layer.vars.map((v) => v.store))];
    for (const store of stores) {
      if (store === '') continue;
      // Each object on the way down (a Bidirectional's forward_layer, an RNN's cell) has its own vars group.
      const parts = store.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const path = `${root}/${parts.slice(0, i).join('/')}/vars`;
        h5.group(path);
        const objectName =
          parts[i - 1] === 'cell'
            ? cellName(layer, parts.slice(0, i).join('/'))
            : String(
                (
                  layer.config[parts[i - 1] === 'forward_layer' ? 'layer' : 'backward_layer'] as {
                    config: { name: string };
                  }
                ).config.name,
              );
        h5.attr(path, 'name', objectName);
      }
    }
    const counters = new Map<string, number>();
    for (const v of layer.vars) {
      const i = counters.get(v.store) ?? 0;
      counters.set(v.store, i + 1);
      const dir = v.store === '' ? `${root}/vars` : `${root}/${v.store}/vars`;
      h5.dataset(`${dir}/${i}`, v.shape, v.data);
    }
  }
}

/** A legacy `.h5` file: keras/src/legacy/saving/legacy_h5_format.py `save_model_to_hdf5` (no optimizer). */
function writeLegacyH5(h5: H5Writer, model: KerasModel): void {
  h5.attr('', 'backend', BACKEND);
  h5.attr('', 'keras_version', KERAS_VERSION);
  h5.attr('', 'model_config', JSON.stringify(model.legacyConfig));
  h5.group('model_weights');
  h5.attr(
    'model_weights',
    'layer_names',
    model.layers.map((l) => l.name),
  );
  h5.attr('model_weights', 'backend', BACKEND);
  h5.attr('model_weights', 'keras_version', KERAS_VERSION);
  // Keras sorts the groups by layer name ("so that group names are strictly growing").
  const sorted = [...model.layers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { name, layer } of sorted) {
    const group = `model_weights/${name}`;
    h5.group(group);
    h5.attr(
      group,
      'weight_names',
      layer.vars.map((v) => v.path),
    );
    for (const v of layer.vars) h5.dataset(`${group}/${v.path}`, v.shape, v.data);
  }
  h5.group('model_weights/top_level_model_weights');
  h5.attr('model_weights/top_level_model_weights', 'weight_names', []);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `datetime.now().strftime("%Y-%m-%d@%H:%M:%S")`. */
function dateSaved(now: Date): string {
  return (
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`
  );
}

/**
 * Encodes tfjs `ModelArtifacts` (what `model.save` hands an IOHandler) as a Keras file. See
 * {@link encodeKerasModel}; `'weights.h5'` writes Keras 3's weights-only file (`model.load_weights` reads it).
 */
export async function encodeKerasArtifacts(
  artifacts: tf.io.ModelArtifacts,
  format: KerasFileFormat,
  now: Date = new Date(),
): Promise<Uint8Array> {
  if (format !== 'weights.h5') checkFormat(format);
  const model = await toKerasModel(artifacts);
  const modelName = String((model.config['config'] as { name: string }).name);
  if (format === 'h5') return writeH5((h5) => writeLegacyH5(h5, model));
  if (format === 'weights.h5') return writeH5((h5) => writeWeightsStore(h5, model, modelName));
  const weights = await writeH5((h5) => writeWeightsStore(h5, model, modelName));
  const metadata = JSON.stringify({
    keras_version: KERAS_VERSION,
    date_saved: dateSaved(now),
    generated_by: '@seqlab/models',
  });
  return writeKerasZip(metadata, JSON.stringify(model.config), weights, now);
}

/**
 * Encodes a tfjs model as a Keras model file, laid out as Keras 3 writes it, in Node and in the browser:
 * `'keras'` is Keras 3's zip (`metadata.json`, `config.json`, `model.weights.h5`), `'h5'` the legacy HDF5 file
 * (`model_config`, `model_weights/<layer>/…`). Keras' class names and defaults are written (seqlab's GRU as
 * `GRU(reset_after=True)`, the causal convolution as `Conv1D(padding="causal")`, the `OneHot` input layer dropped
 * so that the model takes one-hot rows as the lesson's does); the peephole LSTM, which Keras lacks, as the custom
 * class `seqlab>PeepholeLSTM`. No optimizer state or compile config is written.
 *
 * @throws {ModelsError} `KERAS_EXPORT_UNSUPPORTED` for a layer or option Keras 3 cannot compute the same way
 * (e.g. tfjs' `hardSigmoid`, which is Keras 2's and not Keras 3's), naming the layer and the option.
 *
 * @example
 * ```ts
 * const model = createModel('lstm', { seed: 1 });
 * const bytes = await encodeKerasModel(model, 'keras'); // keras.models.load_model reads it
 * ```
 */
export async function encodeKerasModel(model: tfl.LayersModel, format: KerasFormat): Promise<Uint8Array> {
  checkFormat(format);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  return encodeKerasArtifacts(artifacts!, format);
}
