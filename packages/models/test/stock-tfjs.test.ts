import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CausalConv1D,
  causalConv1d,
  createModel,
  fileSystem,
  KerasGRU,
  KerasLSTM,
  KerasSimpleRNN,
  type ModelName,
  PeepholeLSTM,
} from '../src/index.node.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const childScript = fileURLToPath(new URL('./stock/load_stock.mjs', import.meta.url));

// The zoo models stock TensorFlow.js can load, by the directory they are saved in.
const STOCK_LOADABLE: Record<string, [ModelName, Record<string, unknown>, string[]]> = {
  lstm: ['lstm', {}, ['InputLayer', 'Embedding', 'LSTM', 'Dense']],
  'stacked-lstm': ['stacked-lstm', {}, ['InputLayer', 'Embedding', 'LSTM', 'LSTM', 'Dense']],
  'embedding-simple-rnn': ['embedding-simple-rnn', {}, ['InputLayer', 'Embedding', 'SimpleRNN', 'Dense']],
  'gru-reset-before': ['gru', { resetAfter: false }, ['InputLayer', 'Embedding', 'GRU', 'Dense']],
  conv1d: ['conv1d', {}, ['InputLayer', 'Embedding', 'Conv1D', 'GlobalMaxPooling1D', 'Dense']],
};

/** Four padded rows of ids in [0, 500), pre-padded with zeros like `padSequences`. */
const IDS: number[][] = [0, 1, 2, 3].map((r) =>
  Array.from({ length: 100 }, (_, c) => (c < 10 * r ? 0 : (r * 7919 + c * 104729) % 500)),
);

let root: string;
beforeAll(async () => {
  await initWasm();
  root = await mkdtemp(join(tmpdir(), 'seqlab-stock-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A seeded zoo model whose every weight (biases too) is a seeded normal draw, so each weight's layout matters. */
function seededModel(name: ModelName, options: Record<string, unknown>): tfl.LayersModel {
  const model = createModel(name, { seed: 42, ...options });
  const values = model
    .getWeights()
    .map((w, i) => tf.mul(tf.randomNormal(w.shape, 0, 1, 'float32', 1000 + i), 0.5));
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

function predict(model: tfl.LayersModel, ids: number[][] = IDS): number[] {
  return tf.tidy(() =>
    Array.from((model.predict(tf.tensor2d(ids, undefined, 'int32')) as tf.Tensor).dataSync()),
  );
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!)).toBeLessThan(tolerance);
  });
}

interface StockResult {
  classes: string[];
  weights: string[];
  predictions: number[];
}

describe('zoo models in stock TensorFlow.js', () => {
  it('save lstm, stacked-lstm, embedding-simple-rnn, gru (resetAfter: false) and conv1d so a Node process with only tfjs-core, tfjs-layers and the CPU backend loads them and predicts the same', async () => {
    const dirs: Record<string, string> = {};
    const expected: Record<string, number[]> = {};
    const manifests: Record<string, string[]> = {};
    for (const [key, [name, options]] of Object.entries(STOCK_LOADABLE)) {
      const model = seededModel(name, options);
      const before = tf.memory().numTensors;
      expected[key] = predict(model);
      expect(tf.memory().numTensors).toBe(before);
      dirs[key] = join(root, key);
      await model.save(fileSystem(dirs[key]));
      const json = JSON.parse(await readFile(join(dirs[key], 'model.json'), 'utf8'));
      manifests[key] = json.weightsManifest.flatMap((g: { weights: { name: string }[] }) =>
        g.weights.map((w) => w.name),
      );
      model.dispose();
    }

    const { stdout } = await run(process.execPath, [childScript, JSON.stringify({ dirs, ids: IDS })], {
      cwd: packageDir,
      timeout: 60_000,
    });
    const stock = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, StockResult>;

    for (const [key, [, , classes]] of Object.entries(STOCK_LOADABLE)) {
      expect(stock[key]!.classes).toEqual(classes);
      expect(stock[key]!.weights).toEqual(manifests[key]);
      expectClose(stock[key]!.predictions, expected[key]!);
    }
    expect(manifests['lstm']).toEqual([
      'embedding/embeddings',
      'lstm/kernel',
      'lstm/recurrent_kernel',
      'lstm/bias',
      'output/kernel',
      'output/bias',
    ]);
    // Not a constant model: the rows differ.
    expect(new Set(expected['lstm']!.map((v) => v.toFixed(4))).size).toBe(4);
  }, 90_000);

  it('writes every config field stock tfjs writes, and of its own only the seed', () => {
    const cases: [tfl.layers.Layer, tfl.layers.Layer][] = [
      [new KerasLSTM({ units: 4, seed: 1 }), tfl.layers.lstm({ units: 4, unitForgetBias: true })],
      [new KerasGRU({ units: 4, seed: 1, resetAfter: false }), tfl.layers.gru({ units: 4 })],
      [new KerasSimpleRNN({ units: 4, seed: 1 }), tfl.layers.simpleRNN({ units: 4 })],
    ];
    for (const [ours, stock] of cases) {
      expect(ours.getClassName()).toBe(stock.getClassName());
      const mine = ours.getConfig();
      const theirs = Object.entries(stock.getConfig()).filter(([, v]) => v !== undefined);
      for (const [field] of theirs) expect(Object.keys(mine)).toContain(field);
      const extra = Object.keys(mine).filter((field) => !theirs.some(([f]) => f === field));
      expect(extra).toEqual(['seed']);
      expect(mine['recurrentActivation'] ?? 'sigmoid').toBe('sigmoid');
    }
    expect(new KerasLSTM({ units: 4 }).getConfig()['unitForgetBias']).toBe(true);
    expect(new KerasSimpleRNN({ units: 4, inputGradient: false, fused: false }).getConfig()).toMatchObject({
      inputGradient: false,
      fused: false,
    });
  });

  it('saves GRU(resetAfter) and the causal convolution under the names tfjs and Keras know; only peepholes and OneHot keep seqlab names', () => {
    expect(new KerasGRU({ units: 2 }).getClassName()).toBe('GRU');
    expect(new KerasGRU({ units: 2 }).getConfig()['resetAfter']).toBe(true);
    expect(new KerasGRU({ units: 2, resetAfter: false }).getClassName()).toBe('GRU');
    expect(causalConv1d({ filters: 2, kernelSize: 2 }).getClassName()).toBe('Conv1D');
    expect(new KerasLSTM({ units: 2, usePeepholes: true }).getClassName()).toBe('SeqlabLSTM');
    expect(new PeepholeLSTM({ units: 2 }).getClassName()).toBe('SeqlabPeepholeLSTM');
    const names = (name: ModelName) => {
      const model = createModel(name, { seed: 1, numWords: 20, maxlen: 6 });
      const classes = model.layers.map((l) => l.getClassName());
      model.dispose();
      return [...new Set(classes)].sort();
    };
    expect(names('gru')).toEqual(['Dense', 'Embedding', 'GRU', 'InputLayer']);
    expect(names('wavenet')).toEqual([
      'Activation',
      'Add',
      'Conv1D',
      'Dense',
      'Embedding',
      'GlobalMaxPooling1D',
      'InputLayer',
      'Multiply',
    ]);
    // No stock tfjs or Keras layer computes these: tfjs' and Keras' CategoryEncoding stop at rank-2 outputs.
    expect(names('peephole-lstm')).toContain('SeqlabPeepholeLSTM');
    expect(names('simple-rnn-onehot')).toContain('SeqlabOneHot');
  });

  it('writes the causal convolution with every config field stock tfjs Conv1D writes', () => {
    const ours = causalConv1d({ filters: 2, kernelSize: 3, dilationRate: 2 }).getConfig();
    const stock = tfl.layers
      .conv1d({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2 })
      .getConfig();
    expect(Object.keys(ours).sort()).toEqual(Object.keys(stock).sort());
    expect(ours).toMatchObject({ kernelSize: [3], strides: [1], padding: 'causal', dilationRate: [2] });
  });

  it('stock tfjs knows the class names of gru and wavenet, and stops only at what it cannot compute (reset_after, causal padding)', async () => {
    const dirs: Record<string, string> = {};
    for (const name of ['gru', 'wavenet'] as const) {
      const model = seededModel(name, {});
      dirs[name] = join(root, `names-${name}`);
      await model.save(fileSystem(dirs[name]));
      model.dispose();
    }
    const { stdout } = await run(process.execPath, [childScript, JSON.stringify({ dirs, ids: IDS })], {
      cwd: packageDir,
      timeout: 60_000,
    });
    const stock = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<
      string,
      StockResult & { error?: string }
    >;
    expect(stock['gru']!.error).toMatch(/GRUCell does not support reset_after parameter set to true/);
    // Stock tfjs knows Conv1D but sizes a causal output as a valid one, so the residual Add cannot be built.
    expect(stock['wavenet']!.error).not.toMatch(/Unknown layer/);
    expect(stock['wavenet']!.error).toMatch(
      /could not be broadcast together with shapes \[99,16\] \[98,16\]/,
    );
  }, 90_000);

  it('loads the causal convolution saved under its old name SeqlabCausalConv1D, and other Conv1D configs as stock tfjs', async () => {
    const input = tfl.input({ shape: [5, 3] });
    const causal = causalConv1d({ filters: 2, kernelSize: 2, dilationRate: 2, name: 'causal' });
    const valid = tfl.layers.conv1d({ filters: 2, kernelSize: 2, name: 'valid' });
    const out = valid.apply(causal.apply(input) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const dir = join(root, 'old-causal');
    await model.save(fileSystem(dir));
    const path = join(dir, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    const layer = json.modelTopology.config.layers[1];
    expect(layer.class_name).toBe('Conv1D');
    // The config seqlab wrote before: SeqlabCausalConv1D, plain numbers, no padding.
    layer.class_name = 'SeqlabCausalConv1D';
    layer.config = { ...layer.config, kernel_size: 2, dilation_rate: 2 };
    delete layer.config.padding;
    delete layer.config.strides;
    await writeFile(path, JSON.stringify(json));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(loaded.layers[1]).toBeInstanceOf(CausalConv1D);
    expect(loaded.layers[2]).not.toBeInstanceOf(CausalConv1D);
    expect(loaded.layers[2]!.getClassName()).toBe('Conv1D');
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 3);
    expectClose(
      Array.from((loaded.predict(x) as tf.Tensor).dataSync()),
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  }, 30_000);
});

describe('loading with @seqlab/models imported', () => {
  it('turns LSTM/GRU/SimpleRNN layers into the fused seqlab layers, with the same predictions', async () => {
    for (const [key, [name, options]] of Object.entries(STOCK_LOADABLE)) {
      if (key === 'conv1d') continue;
      const model = seededModel(name, options);
      const dir = join(root, `again-${key}`);
      await model.save(fileSystem(dir));
      const loaded = await tfl.loadLayersModel(fileSystem(dir));
      const rnn = loaded.layers.filter((l) => ['LSTM', 'GRU', 'SimpleRNN'].includes(l.getClassName()));
      expect(rnn.length).toBeGreaterThan(0);
      for (const layer of rnn)
        expect(layer).toSatisfy(
          (l) => l instanceof KerasLSTM || l instanceof KerasGRU || l instanceof KerasSimpleRNN,
        );
      expect(predict(loaded)).toEqual(predict(model));
      model.dispose();
      loaded.dispose();
    }
  });

  it('loads a model stock tfjs saved (hardSigmoid, glorotNormal, no unit forget bias) into seqlab layers that predict as stock', async () => {
    const input = tfl.input({ shape: [6, 3] });
    const lstm = tfl.layers.lstm({ units: 3, returnSequences: true, name: 'stock_lstm' }).apply(input);
    const gru = tfl.layers.gru({ units: 2, name: 'stock_gru' }).apply(lstm as tfl.SymbolicTensor);
    const stock = tfl.model({ inputs: input, outputs: gru as tfl.SymbolicTensor });
    const dir = join(root, 'written-by-stock');
    await stock.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expect(loaded.layers[1]).toBeInstanceOf(KerasLSTM);
    expect(loaded.layers[2]).toBeInstanceOf(KerasGRU);
    expect(loaded.layers[1]!.getConfig()).toMatchObject({
      recurrentActivation: 'hardSigmoid',
      unitForgetBias: false,
    });
    const x = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 5);
    const want = Array.from((stock.predict(x) as tf.Tensor).dataSync());
    expectClose(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), want);
    tf.dispose(x);
    stock.dispose();
    loaded.dispose();
  });

  it('hands configs the seqlab layers do not implement (regularizers, no bias, other activations) to stock tfjs', async () => {
    const input = tfl.input({ shape: [4, 2] });
    const a = tfl.layers
      .lstm({
        units: 2,
        returnSequences: true,
        kernelRegularizer: tfl.regularizers.l2(),
        name: 'regularized',
      })
      .apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.gru({ units: 2, returnSequences: true, useBias: false, name: 'no_bias' }).apply(a);
    const c = tfl.layers
      .simpleRNN({ units: 2, activation: 'relu', name: 'relu' })
      .apply(b as tfl.SymbolicTensor);
    const stock = tfl.model({ inputs: input, outputs: c as tfl.SymbolicTensor });
    const dir = join(root, 'stock-only');
    await stock.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    for (const layer of loaded.layers.slice(1)) {
      expect(layer).not.toBeInstanceOf(KerasLSTM);
      expect(layer).not.toBeInstanceOf(KerasGRU);
      expect(layer).not.toBeInstanceOf(KerasSimpleRNN);
    }
    expect(loaded.layers.slice(1).map((l) => l.getClassName())).toEqual(['LSTM', 'GRU', 'SimpleRNN']);
    const x = tf.randomNormal([2, 4, 2], 0, 1, 'float32', 6);
    expectClose(
      Array.from((loaded.predict(x) as tf.Tensor).dataSync()),
      Array.from((stock.predict(x) as tf.Tensor).dataSync()),
    );
    tf.dispose(x);
    stock.dispose();
    loaded.dispose();
  });

  it('still loads saves from before, when the layers were named SeqlabLSTM/SeqlabGRU/SeqlabSimpleRNN', async () => {
    const legacy = fileURLToPath(new URL('./fixtures/legacy/', import.meta.url));
    const fx = JSON.parse(await readFile(join(legacy, 'expected.json'), 'utf8')) as {
      ids: number[][];
      predictions: Record<string, number[]>;
    };
    const dirs = (await readdir(legacy, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(dirs.sort()).toEqual(Object.keys(fx.predictions).sort());
    for (const dir of dirs) {
      const saved = await readFile(join(legacy, dir, 'model.json'), 'utf8');
      expect(saved).toMatch(/"class_name":"Seqlab(LSTM|GRU|SimpleRNN|PeepholeLSTM)"/);
      const model = await tfl.loadLayersModel(fileSystem(join(legacy, dir)));
      expectClose(predict(model, fx.ids), fx.predictions[dir]!);
      const names = model.layers.map((l) => l.getClassName());
      const expectedName: Record<string, string> = {
        lstm: 'LSTM',
        'stacked-lstm': 'LSTM',
        'embedding-simple-rnn': 'SimpleRNN',
        gru: 'GRU',
        'gru-reset-before': 'GRU',
        'peephole-lstm': 'SeqlabPeepholeLSTM',
      };
      expect(names).toContain(expectedName[dir]);
      model.dispose();
    }
  });
});
