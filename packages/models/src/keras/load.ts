import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelsError } from '../errors.js';
import type { H5Limits } from './_h5_read.js';
import { buildModel, declaredBatchShape, kerasMajor, openKerasFile, setWeights } from './_read_model.js';

/** Options of {@link loadKerasModel} and {@link inspectKerasModel}. */
export interface LoadKerasOptions {
  /**
   * The most weight data to read, in bytes, as the file declares it (one dataset, and all together; for a
   * `.keras` file also the declared size of `model.weights.h5`). Checked before anything is read, so a hostile
   * file cannot make the reader allocate more.
   * @default 2147483648 (2 GiB)
   */
  maxWeightBytes?: number;
  /**
   * What to call the file in error messages.
   * @default 'Keras model' (or the path, when loading a path in Node)
   */
  name?: string;
}

/** A Keras model file: bytes (`Uint8Array`, `ArrayBuffer`). */
export type KerasModelSource = Uint8Array | ArrayBuffer;

/** What {@link inspectKerasModel} tells about a Keras model file without building it. */
export interface KerasModelInfo {
  /** `'h5'`: legacy HDF5 (`model_config` attribute); `'keras'`: Keras 3 zip. */
  format: 'h5' | 'keras';
  /** The writing Keras' version (`keras_version`), e.g. `"2.15.0"`, `"3.13.2"`. */
  kerasVersion: string | undefined;
  /** The Keras backend the file names (legacy HDF5 only), e.g. `"tensorflow"`. */
  backend: string | undefined;
  /** `Sequential` or `Functional` (Keras 2's `Model`). */
  modelClass: 'Sequential' | 'Functional';
  /** The model's name. */
  name: string;
  /** The model's inputs: batch shape (`null` for free dimensions) and dtype, as declared. */
  inputs: { name: string; batchShape: (number | null)[] | undefined; dtype: string | undefined }[];
  /** Every layer, in the config's order, with its Keras class name. */
  layers: { name: string; className: string }[];
  /**
   * How the first input takes words: `'ids'` (`[batch, steps]` word ids into an `Embedding`), `'one-hot'`
   * (`[batch, steps, depth]` rows, as the lesson's `to_categorical` makes them for its `SimpleRNN`), or
   * `undefined` for other shapes.
   */
  inputKind: 'ids' | 'one-hot' | undefined;
  /**
   * The vocabulary size (Keras `num_words`): `input_dim` of the first `Embedding` layer, or the one-hot depth (the
   * last input dimension) of a model without one.
   */
  numWords: number | undefined;
  /** The sequence length: the first input's step count when the model fixes it (Keras `maxlen`). */
  maxlen: number | undefined;
}

const DEFAULT_MAX_WEIGHT_BYTES = 2 * 1024 * 1024 * 1024;

function limits(options: LoadKerasOptions | undefined): H5Limits {
  const max = options?.maxWeightBytes ?? DEFAULT_MAX_WEIGHT_BYTES;
  if (typeof max !== 'number' || !(max > 0)) {
    throw new ModelsError(
      'INVALID_OPTION',
      `loadKerasModel: maxWeightBytes must be a positive number, got ${String(max)}.`,
    );
  }
  return { maxDatasetBytes: max, maxTotalBytes: max };
}

function toBytes(source: KerasModelSource, fn: string): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new ModelsError(
    'INVALID_OPTION',
    `${fn}: expected the file's bytes as a Uint8Array or ArrayBuffer (or, in Node, a path), got ${source === null ? 'null' : typeof source}.`,
  );
}

/**
 * Describes a Keras model file — format, Keras version, layers, inputs, and the `numWords`/`maxlen` a text model
 * expects — without building the model or reading its weights.
 *
 * @example
 * ```ts
 * const info = await inspectKerasModel(bytes);
 * console.log(info.kerasVersion, info.numWords, info.maxlen); // "2.15.0" 5000 500
 * ```
 */
export async function inspectKerasModel(
  source: KerasModelSource,
  options?: LoadKerasOptions,
): Promise<KerasModelInfo> {
  const label = options?.name ?? 'Keras model';
  const file = await openKerasFile(toBytes(source, 'inspectKerasModel'), label, limits(options));
  try {
    const spec = file.spec;
    const inputLayers =
      spec.className === 'Sequential'
        ? spec.layers.slice(0, 1)
        : spec.inputs.map((r) => spec.layers.find((l) => l.name === r[0])).filter((l) => l !== undefined);
    const inputs = inputLayers.map((l) => {
      const dtype = l.config['dtype'];
      return {
        name: l.className === 'InputLayer' ? l.name : `${l.name}_input`,
        batchShape:
          declaredBatchShape(l.config) ??
          (spec.className === 'Sequential' ? spec.buildInputShape : undefined),
        dtype: typeof dtype === 'string' ? dtype : undefined,
      };
    });
    const embedding = spec.layers.find((l) => l.className === 'Embedding');
    const first = inputs[0]?.batchShape;
    const steps = first?.[1];
    const inputKind =
      embedding !== undefined && first?.length === 2
        ? 'ids'
        : first?.length === 3 && embedding === undefined
          ? 'one-hot'
          : undefined;
    const inputDim = inputKind === 'one-hot' ? first?.[2] : embedding?.config['input_dim'];
    return {
      format: file.format,
      kerasVersion: file.kerasVersion,
      backend: file.backend,
      modelClass: spec.className,
      name: spec.name,
      inputs,
      layers: spec.layers.map((l) => ({ name: l.name, className: l.className })),
      inputKind,
      numWords: typeof inputDim === 'number' ? inputDim : undefined,
      maxlen: typeof steps === 'number' ? steps : undefined,
    };
  } finally {
    file.weights.close();
  }
}

/**
 * Loads a model saved by Keras — a legacy HDF5 `.h5` (Keras 2.x / tf.keras `model.save("x.h5")`, also Keras 3's)
 * or a Keras 3 `.keras` zip — as a tfjs `LayersModel` that predicts what the Keras that wrote it predicts. The
 * recurrent layers and `Embedding` are seqlab's fused ones where they compute the same thing (run
 * `initWasm()` from `@seqlab/wasm` first for the WASM SIMD kernels); activations follow the writing Keras'
 * version (`hard_sigmoid` differs between Keras 2 and 3), and masks propagate as in Keras. Layers or options seqlab
 * does not implement, Lambda layers (never executed) and malformed files throw a {@link ModelsError}
 * (`KERAS_UNSUPPORTED`, `KERAS_MALFORMED`) naming the layer and option. In Node, `source` may also be a path.
 *
 * @example
 * ```ts
 * const model = await loadKerasModel(new Uint8Array(await (await fetch('Ex2.h5')).arrayBuffer()));
 * const p = model.predict(tf.tensor2d(ids, [1, 100], 'int32')) as tf.Tensor; // P(positive)
 * ```
 */
export async function loadKerasModel(
  source: KerasModelSource,
  options?: LoadKerasOptions,
): Promise<tfl.LayersModel> {
  const label = options?.name ?? 'Keras model';
  const file = await openKerasFile(toBytes(source, 'loadKerasModel'), label, limits(options));
  let model: tfl.LayersModel | undefined;
  try {
    const built = buildModel(file.spec, { kerasVersion: kerasMajor(file), label });
    model = built.model;
    setWeights(file, built.entries);
    return model;
  } catch (error) {
    model?.dispose();
    throw error;
  } finally {
    file.weights.close();
  }
}
