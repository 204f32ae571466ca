// Keras model files written by encodeKerasModel / saveKerasModel, read back by h5py and a NumPy forward pass
// written from the Keras 3 layer sources (test/fixtures/keras/check_keras.py, run with Debian's /usr/bin/python3).
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModel,
  encodeKerasModel,
  KERAS_VERSION,
  type KerasFormat,
  KerasGRU,
  KerasLSTM,
  KerasSimpleRNN,
  kerasEmbedding,
  MODEL_NAMES,
  type ModelName,
  ModelsError,
  oneHot,
  saveKerasModel,
} from '../src/index.node.js';

const PYTHON = '/usr/bin/python3';
const CHECKER = fileURLToPath(new URL('./fixtures/keras/check_keras.py', import.meta.url));
const run = promisify(execFile);

interface Report {
  errors: string[];
  classes?: string[];
  registered?: (string | null)[];
  weights?: Record<string, number[]>;
  predictions?: number[];
}

/** Four padded rows of ids in [0, 500), pre-padded with zeros like `padSequences`. */
const IDS: number[][] = [0, 1, 2, 3].map((r) =>
  Array.from({ length: 100 }, (_, c) => (c < 10 * r ? 0 : (r * 7919 + c * 104729) % 500)),
);

let root: string;
beforeAll(async () => {
  // No skipping: without Debian's python3-h5py and python3-numpy these tests fail and say what to install.
  try {
    await run(PYTHON, ['-c', 'import h5py, numpy']);
  } catch (cause) {
    throw new Error(
      `The Keras file tests read the written files with ${PYTHON} (h5py and numpy), which failed: ` +
        `${(cause as Error).message.trim()}. Install them with: apt-get install -y python3-h5py python3-numpy`,
    );
  }
  await initWasm();
  root = await mkdtemp(join(tmpdir(), 'seqlab-keras-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function check(
  files: string[],
  inputs: unknown,
  configs: Record<string, string> = {},
): Promise<Record<string, Report>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [CHECKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`check_keras.py exited with ${code}: ${err}`));
      else resolve(JSON.parse(out) as Record<string, Report>);
    });
    child.stdin.end(JSON.stringify({ files, inputs, configs }));
  });
}

/** A seeded zoo model whose every weight (biases too) is a seeded normal draw, so each weight's layout matters. */
function seeded(model: tfl.LayersModel, seed = 1000): tfl.LayersModel {
  const values = model
    .getWeights()
    .map((w, i) => tf.mul(tf.randomNormal(w.shape, 0, 1, 'float32', seed + i), 0.5));
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

function predict(model: tfl.LayersModel, x: tf.Tensor): number[] {
  return tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
}

function expectClose(actual: number[] | undefined, expected: number[], tolerance = 1e-5): void {
  expect(actual).toHaveLength(expected.length);
  actual!.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tolerance);
  });
}

async function writeBoth(model: tfl.LayersModel, name: string): Promise<Record<KerasFormat, string>> {
  const paths = { h5: join(root, `${name}.h5`), keras: join(root, `${name}.keras`) };
  for (const format of ['h5', 'keras'] as const) {
    await writeFile(paths[format], await encodeKerasModel(model, format));
  }
  return paths;
}

function kerasConfig(bytes: Uint8Array): {
  names: string[];
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
} {
  const files = unzipSync(bytes);
  return {
    names: Object.keys(files),
    config: JSON.parse(new TextDecoder().decode(files['config.json']!)),
    meta: JSON.parse(new TextDecoder().decode(files['metadata.json']!)),
  };
}

const ZOO_CLASSES: Record<ModelName, string[]> = {
  'simple-rnn-onehot': ['InputLayer', 'SimpleRNN', 'Dense'],
  'embedding-simple-rnn': ['InputLayer', 'Embedding', 'SimpleRNN', 'Dense'],
  lstm: ['InputLayer', 'Embedding', 'LSTM', 'Dense'],
  'stacked-lstm': ['InputLayer', 'Embedding', 'LSTM', 'LSTM', 'Dense'],
  gru: ['InputLayer', 'Embedding', 'GRU', 'Dense'],
  'peephole-lstm': ['InputLayer', 'Embedding', 'PeepholeLSTM', 'Dense'],
  conv1d: ['InputLayer', 'Embedding', 'Conv1D', 'GlobalMaxPooling1D', 'Dense'],
  wavenet: [
    'InputLayer',
    'Embedding',
    ...['Conv1D'],
    ...[0, 1, 2].flatMap(() => ['Conv1D', 'Conv1D', 'Multiply', 'Conv1D', 'Add']),
    ...['Conv1D', 'Conv1D', 'Multiply'],
    ...['Conv1D', 'Conv1D', 'Conv1D', 'Conv1D', 'Add', 'Activation', 'GlobalMaxPooling1D', 'Dense'],
  ],
  'bidirectional-lstm': ['InputLayer', 'Embedding', 'Bidirectional', 'Dense'],
};

describe('every zoo model as .h5 and .keras', () => {
  it('reads back with h5py in Keras 3 layout and predicts, in NumPy from the Keras sources, what tfjs predicts (≤ 1e-5)', async () => {
    const files: string[] = [];
    const expected: Record<string, number[]> = {};
    const x = tf.tensor2d(IDS, undefined, 'int32');
    for (const name of MODEL_NAMES) {
      const model = seeded(createModel(name, { seed: 42 }));
      const before = tf.memory().numTensors;
      const paths = await writeBoth(model, name);
      expect(tf.memory().numTensors).toBe(before);
      const want = predict(model, x);
      for (const path of Object.values(paths)) {
        files.push(path);
        expected[path] = want;
      }
      model.dispose();
    }
    x.dispose();
    const reports = await check(files, IDS);
    for (const name of MODEL_NAMES) {
      for (const format of ['h5', 'keras']) {
        const path = join(root, `${name}.${format}`);
        const report = reports[path]!;
        expect({ path, errors: report.errors }).toEqual({ path, errors: [] });
        expect(report.classes).toEqual(ZOO_CLASSES[name]);
        expectClose(report.predictions, expected[path]!);
      }
    }
    // Not a constant model: the rows differ.
    expect(new Set(expected[join(root, 'lstm.h5')]!.map((v) => v.toFixed(4))).size).toBe(4);
    expect(reports[join(root, 'lstm.keras')]!.weights).toEqual({
      'layers/embedding/vars/0': [500, 16],
      'layers/lstm/cell/vars/0': [16, 32],
      'layers/lstm/cell/vars/1': [8, 32],
      'layers/lstm/cell/vars/2': [32],
      'layers/dense/vars/0': [8, 1],
      'layers/dense/vars/1': [1],
    });
    expect(reports[join(root, 'gru.h5')]!.weights).toEqual({
      'embedding/embedding/embeddings': [500, 16],
      'gru/gru/gru_cell/kernel': [16, 24],
      'gru/gru/gru_cell/recurrent_kernel': [8, 24],
      'gru/gru/gru_cell/bias': [2, 24],
      'output/output/kernel': [8, 1],
      'output/output/bias': [1],
    });
    expect(reports[join(root, 'peephole-lstm.keras')]!.registered).toEqual([
      null,
      null,
      'seqlab>PeepholeLSTM',
      null,
    ]);
    expect(Object.keys(reports[join(root, 'peephole-lstm.keras')]!.weights!)).toContain(
      'layers/peephole_lstm/cell/vars/5',
    );
    expect(Object.keys(reports[join(root, 'wavenet.keras')]!.weights!)).toContain('layers/conv1d_12/vars/1');
  }, 240_000);

  it('writes the zoo with Keras class names and options: GRU(reset_after), Conv1D(causal), sigmoid gates, the lesson’s one-hot SimpleRNN', async () => {
    const layersOf = async (name: ModelName) => {
      const model = createModel(name, { seed: 1 });
      const { config } = kerasConfig(await encodeKerasModel(model, 'keras'));
      model.dispose();
      return (config['config'] as { layers: { class_name: string; config: Record<string, unknown> }[] })
        .layers;
    };
    const onehot = await layersOf('simple-rnn-onehot');
    expect(onehot[0]!.config).toEqual({
      batch_shape: [null, 100, 500],
      dtype: 'float32',
      sparse: false,
      name: 'ids',
    });
    expect(onehot[1]!.class_name).toBe('SimpleRNN');
    const gru = (await layersOf('gru'))[2]!.config;
    expect(gru).toMatchObject({
      reset_after: true,
      recurrent_activation: 'sigmoid',
      activation: 'tanh',
      dropout: 0.3,
    });
    for (const name of ['lstm', 'stacked-lstm', 'peephole-lstm'] as const) {
      for (const layer of (await layersOf(name)).filter((l) => /LSTM/.test(l.class_name))) {
        expect(layer.config).toMatchObject({ recurrent_activation: 'sigmoid', unit_forget_bias: true });
      }
    }
    const convs = (await layersOf('wavenet')).filter((l) => l.class_name === 'Conv1D');
    expect(convs.map((l) => [l.config['padding'], l.config['dilation_rate']])).toContainEqual([
      'causal',
      [8],
    ]);
    expect(new Set(convs.map((l) => l.config['padding']))).toEqual(new Set(['causal']));
  }, 60_000);
});

/** Models of every layer listed in the issue, beyond the zoo. */
function maskedRecurrent(): tfl.LayersModel {
  const ids = tfl.input({ shape: [12], dtype: 'int32', name: 'ids' });
  let h = kerasEmbedding({ inputDim: 30, outputDim: 5, maskZero: true, name: 'emb' }).apply(
    ids,
  ) as tfl.SymbolicTensor;
  h = tfl.layers
    .bidirectional({
      layer: new KerasLSTM({ units: 3, returnSequences: true }) as unknown as tfl.RNN,
      mergeMode: 'concat',
      name: 'bi',
    })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dropout({ rate: 0.2, name: 'drop' }).apply(h) as tfl.SymbolicTensor;
  h = new KerasGRU({ units: 4, returnSequences: true, resetAfter: false, name: 'gru_before' }).apply(
    h,
  ) as tfl.SymbolicTensor;
  h = new KerasSimpleRNN({ units: 3, name: 'rnn' }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 2, activation: 'softmax', name: 'out' })
    .apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: ids, outputs: out, name: 'masked' });
}

function mergeModes(): tfl.LayersModel {
  const ids = tfl.input({ shape: [12], dtype: 'int32', name: 'ids' });
  let h = kerasEmbedding({ inputDim: 30, outputDim: 4, maskZero: true, name: 'emb' }).apply(
    ids,
  ) as tfl.SymbolicTensor;
  const bi = (layer: tfl.layers.Layer, mergeMode: 'sum' | 'mul' | 'ave' | 'concat', name: string) =>
    tfl.layers
      .bidirectional({ layer: layer as unknown as tfl.RNN, mergeMode, name })
      .apply(h) as tfl.SymbolicTensor;
  h = bi(new KerasGRU({ units: 3, returnSequences: true }), 'sum', 'bi_gru');
  h = bi(new KerasSimpleRNN({ units: 3, returnSequences: true }), 'mul', 'bi_rnn');
  const a = bi(new KerasLSTM({ units: 2 }), 'ave', 'bi_lstm');
  const b = tfl.layers
    .lstm({ units: 2, recurrentActivation: 'sigmoid', goBackwards: true, name: 'backwards' })
    .apply(h) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([a, b]) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 1, activation: 'sigmoid', name: 'out' })
    .apply(cat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: ids, outputs: out, name: 'merges' });
}

function convolutional(): tfl.LayersModel {
  const ids = tfl.input({ shape: [16], dtype: 'int32', name: 'ids' });
  const e = kerasEmbedding({ inputDim: 30, outputDim: 4, name: 'emb' }).apply(ids) as tfl.SymbolicTensor;
  const a = tfl.layers
    .conv1d({ filters: 3, kernelSize: 3, strides: 2, activation: 'relu', name: 'conv_a' })
    .apply(e);
  const pa = tfl.layers.maxPooling1d({ poolSize: 2, name: 'max_pool' }).apply(a as tfl.SymbolicTensor);
  const b = tfl.layers
    .conv1d({
      filters: 3,
      kernelSize: 3,
      padding: 'same',
      dilationRate: 2,
      activation: 'tanh',
      name: 'conv_b',
    })
    .apply(e) as tfl.SymbolicTensor;
  const pb = tfl.layers.averagePooling1d({ poolSize: 2, strides: 2, name: 'avg_pool' }).apply(b);
  const fa = tfl.layers.flatten({ name: 'flat' }).apply(pa as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const ga = tfl.layers
    .globalAveragePooling1d({ name: 'gap' })
    .apply(pb as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const gm = tfl.layers.globalMaxPooling1d({ name: 'gmp' }).apply(b) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([fa, ga, gm]) as tfl.SymbolicTensor;
  const ln = tfl.layers.layerNormalization({ name: 'ln' }).apply(cat) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(ln) as tfl.SymbolicTensor;
  const d1 = tfl.layers.dense({ units: 4, name: 'd1' }).apply(bn) as tfl.SymbolicTensor;
  const d2 = tfl.layers.dense({ units: 4, name: 'd2' }).apply(bn) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([d1, d2]) as tfl.SymbolicTensor;
  const prod = tfl.layers.multiply({ name: 'prod' }).apply([sum, d1]) as tfl.SymbolicTensor;
  const act = tfl.layers.activation({ activation: 'elu', name: 'act' }).apply(prod) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 1, activation: 'sigmoid', name: 'out' })
    .apply(act) as tfl.SymbolicTensor;
  return tfl.model({ inputs: ids, outputs: out, name: 'convolutional' });
}

function sequentialMasking(): tfl.Sequential {
  return tfl.sequential({
    name: 'seq',
    layers: [
      tfl.layers.masking({ maskValue: 0, inputShape: [7, 3], name: 'mask' }),
      tfl.layers.simpleRNN({ units: 4, returnSequences: true, name: 'rnn' }),
      tfl.layers.spatialDropout1d({ rate: 0.1, name: 'sdrop' }),
      tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, name: 'gru' }),
      tfl.layers.lstm({ units: 2, recurrentActivation: 'sigmoid', name: 'lstm' }),
      tfl.layers.dense({ units: 1, name: 'out' }),
    ],
  });
}

describe('models built from the other layers Keras files carry', () => {
  it('Embedding(mask_zero), Bidirectional (concat, sum, mul, ave), go_backwards, Dropout, GRU(reset_after=False), Conv1D (strides, same, dilation), pooling, Flatten, Concatenate, Add, Multiply, Activation, Layer/BatchNormalization, Masking, SpatialDropout1D, Sequential: NumPy predicts what tfjs predicts', async () => {
    const ids = IDS.map((row) => row.slice(88).map((v) => v % 30));
    ids[3] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 3];
    const floats = [0, 1, 2, 3].map((r) =>
      Array.from({ length: 7 }, (_, t) =>
        t < 2 * r ? [0, 0, 0] : [Math.sin(r + t), Math.cos(3 * r - t), (r - t) / 4],
      ),
    );
    const cases: [string, tfl.LayersModel, number[][] | number[][][], string][] = [
      ['masked', seeded(maskedRecurrent(), 7), ids, 'int32'],
      ['merges', seeded(mergeModes(), 10), ids, 'int32'],
      [
        'convolutional',
        seeded(convolutional(), 8),
        IDS.map((row) => row.slice(84).map((v) => v % 30)),
        'int32',
      ],
      ['sequential', seeded(sequentialMasking(), 9), floats, 'float32'],
    ];
    for (const [name, model, input, dtype] of cases) {
      // BatchNormalization's moving variance must stay positive.
      const bn = model.layers.find((l) => l.name === 'bn');
      if (bn !== undefined) {
        const [g, b, mean, variance] = bn.getWeights();
        const positive = tf.abs(variance!);
        bn.setWeights([g!, b!, mean!, positive]);
        positive.dispose();
      }
      const x = tf.tensor(input as number[][], undefined, dtype as 'int32');
      const want = predict(model, x);
      x.dispose();
      const paths = await writeBoth(model, name);
      const reports = await check(Object.values(paths), input);
      for (const path of Object.values(paths)) {
        expect({ path, errors: reports[path]!.errors }).toEqual({ path, errors: [] });
        expectClose(reports[path]!.predictions, want);
      }
      model.dispose();
    }
  }, 120_000);
});

describe('encodeKerasModel', () => {
  it('writes the .keras zip and the .h5 root as Keras 3 does, with the keras_version it follows', async () => {
    const model = createModel('lstm', { seed: 3, numWords: 20, maxlen: 5 });
    const zip = await encodeKerasModel(model, 'keras');
    const { names, config, meta } = kerasConfig(zip);
    expect(names).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(Object.keys(meta)).toEqual(['keras_version', 'date_saved', 'generated_by']);
    expect(meta['keras_version']).toBe(KERAS_VERSION);
    expect(meta['date_saved']).toMatch(/^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
    expect(Object.keys(config)).toEqual([
      'module',
      'class_name',
      'config',
      'registered_name',
      'build_config',
      'compile_config',
    ]);
    expect(config).toMatchObject({ module: 'keras.src.models.functional', class_name: 'Functional' });
    const h5 = await encodeKerasModel(model, 'h5');
    expect(Array.from(h5.slice(0, 8))).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    model.dispose();
  }, 60_000);

  it('refuses what Keras 3 would compute differently, naming the layer and the option', async () => {
    const stock = tfl.sequential({
      layers: [tfl.layers.lstm({ units: 2, inputShape: [3, 2], name: 'tfjs_lstm' })],
    });
    await expect(encodeKerasModel(stock, 'keras')).rejects.toThrow(
      /layer "tfjs_lstm": recurrentActivation 'hardSigmoid' is tfjs' \(and Keras 2's\) clip\(0\.2·x \+ 0\.5\)/,
    );
    await expect(encodeKerasModel(stock, 'keras')).rejects.toMatchObject({
      code: 'KERAS_EXPORT_UNSUPPORTED',
    });
    const other = tfl.sequential({
      layers: [tfl.layers.repeatVector({ n: 2, inputShape: [3], name: 'rep' })],
    });
    await expect(encodeKerasModel(other, 'h5')).rejects.toThrow(
      /layer "rep": class "RepeatVector" is not exported to Keras\. Exported classes: Activation, Add,/,
    );
    const ids = tfl.input({ shape: [4], name: 'ids' });
    const both = tfl.layers
      .concatenate({ name: 'both' })
      .apply([
        oneHot({ depth: 3, name: 'hot' }).apply(ids) as tfl.SymbolicTensor,
        tfl.layers.reshape({ targetShape: [4, 1] }).apply(ids) as tfl.SymbolicTensor,
      ]);
    const twice = tfl.model({ inputs: ids, outputs: both as tfl.SymbolicTensor });
    await expect(encodeKerasModel(twice, 'keras')).rejects.toThrow(
      /layer "hot": a OneHot layer is exported only directly after a model input that nothing else reads/,
    );
    twice.dispose();
    await expect(encodeKerasModel(other, 'zip' as KerasFormat)).rejects.toThrow(
      new ModelsError('INVALID_OPTION', `encodeKerasModel: format must be one of 'h5', 'keras', got "zip".`),
    );
    stock.dispose();
    other.dispose();
  }, 60_000);
});

describe('saveKerasModel and the Keras-file save router (Node)', () => {
  it('saves by extension, atomically, and model.save() routes .h5/.keras paths and file:// URLs to it', async () => {
    const dir = join(root, 'saved');
    const model = seeded(createModel('gru', { seed: 5, numWords: 40, maxlen: 10 }));
    await saveKerasModel(model, join(dir, 'gru.keras'));
    await model.save(join(dir, 'Ex2.h5'));
    await model.save(`file://${join(dir, 'best.keras')}`);
    await saveKerasModel(model, join(dir, 'gru.keras')); // replaces it
    await model.save(join(dir, 'gru.weights.h5')); // Keras 3's model.save_weights file
    expect((await readdir(dir)).sort()).toEqual(['Ex2.h5', 'best.keras', 'gru.keras', 'gru.weights.h5']);
    const ids = IDS.map((row) => row.slice(90).map((v) => v % 40));
    const reports = await check(
      ['gru.keras', 'Ex2.h5', 'best.keras', 'gru.weights.h5'].map((f) => join(dir, f)),
      ids,
      { [join(dir, 'gru.weights.h5')]: join(dir, 'gru.keras') },
    );
    expect(Object.keys(reports[join(dir, 'gru.weights.h5')]!.weights!)).toEqual(
      Object.keys(reports[join(dir, 'gru.keras')]!.weights!),
    );
    const x = tf.tensor2d(ids, undefined, 'int32');
    const want = predict(model, x);
    x.dispose();
    for (const report of Object.values(reports)) {
      expect(report.errors).toEqual([]);
      expectClose(report.predictions, want);
    }
    await expect(saveKerasModel(model, join(dir, 'gru.json'))).rejects.toThrow(
      new ModelsError(
        'INVALID_OPTION',
        'saveKerasModel: expected a path ending in .keras, .h5, .hdf5 or .weights.h5 (the extension picks the ' +
          `format, as in Keras), got ${JSON.stringify(join(dir, 'gru.json'))}.`,
      ),
    );
    // A failed encode leaves no file and no temp file behind.
    const stock = tfl.sequential({ layers: [tfl.layers.lstm({ units: 2, inputShape: [3, 2] })] });
    await expect(saveKerasModel(stock, join(dir, 'bad.keras'))).rejects.toMatchObject({
      code: 'KERAS_EXPORT_UNSUPPORTED',
    });
    expect((await readdir(dir)).sort()).toEqual(['Ex2.h5', 'best.keras', 'gru.keras', 'gru.weights.h5']);
    expect((await readFile(join(dir, 'best.keras'))).subarray(0, 2).toString()).toBe('PK');
    stock.dispose();
    model.dispose();
  }, 60_000);
});
