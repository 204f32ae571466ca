// WaveNet's gated blocks found in the model graph and run as one fused op (pairGatedBlocks): which layers make a
// block, the same predictions and gradients as the per-layer paths (the paired filter/gate, tfjs' ops, the cpu
// backend), gradients with respect to a block's input, the fallbacks, and a trained model through a Keras file.
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CausalConv1D, createModel, encodeKerasModel, loadKerasModel, rmsprop } from '../src/index.node.js';
import { fuseConvLayers } from '../src/layers/_conv_graph.js';
import { pairGatedBlocks } from '../src/layers/_gated_block.js';
import { pairSumReluPool } from '../src/layers/_sum_pool.js';
import { maxDiff, toyData, uniform } from './_toy.js';

const MAXLEN = 12;

beforeAll(async () => {
  expect((await initWasm()).backend).toBe('wasm');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('wasm');
});

type Mode = 'block' | 'paired' | 'stock';

/** Runs the model's convolutions as whole blocks, as filter/gate pairs only, or on tfjs' ops. */
function setMode(model: tfl.LayersModel, mode: Mode): void {
  fuseConvLayers(model);
  for (const layer of model.layers) {
    if (!(layer instanceof CausalConv1D)) continue;
    layer.fused = mode !== 'stock';
    if (mode !== 'block') layer.block = null;
  }
}

const ids = (rows: number) =>
  tf.tensor2d(toyData(rows, 5, MAXLEN).x.data as Int32Array, [rows, MAXLEN], 'int32');

/** The model's output and the gradients of a weighted sum of it for every trainable weight. */
function outputAndGrads(model: tfl.LayersModel, x: tf.Tensor): tf.Tensor[] {
  const weights = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const w = uniform([x.shape[0]!, 1], 77);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar,
    weights,
  );
  value.dispose();
  return [model.predict(x) as tf.Tensor, ...weights.map((v) => grads[v.name]!)];
}

/** The kernels a prediction runs (tf.profile), by name. */
async function kernelsOf(model: tfl.LayersModel, x: tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => model.predict(x) as tf.Tensor);
  tf.dispose(info.result as tf.Tensor);
  return info.kernelNames;
}

describe('WaveNet gated blocks as one fused op', () => {
  it('finds every block of the zoo model; the last one has no residual', () => {
    const model = createModel('wavenet', { numWords: 50, maxlen: MAXLEN, seed: 1, dilations: [1, 2, 4] });
    const blocks = pairGatedBlocks(model);
    expect(
      blocks.map((b) => [
        b.filter.name,
        b.gate.name,
        b.multiply.name,
        b.skip.name,
        b.residual?.name,
        b.add?.name,
      ]),
    ).toEqual([
      ['block0_filter', 'block0_gate', 'block0_gated', 'block0_skip', 'block0_residual', 'block0_add'],
      ['block1_filter', 'block1_gate', 'block1_gated', 'block1_skip', 'block1_residual', 'block1_add'],
      ['block2_filter', 'block2_gate', 'block2_gated', 'block2_skip', undefined, undefined],
    ]);
    expect((model.getLayer('causal_conv') as CausalConv1D).block).toBeNull();
    expect((model.getLayer('block1_residual') as CausalConv1D).block).toBe(blocks[1]);
    // Finding them again replaces the blocks; the Multiply and Add layers carry only the new ones.
    const again = pairGatedBlocks(model);
    expect(again).toHaveLength(3);
    expect((model.getLayer('block1_residual') as CausalConv1D).block).toBe(again[1]);
    model.dispose();
  });

  it('the same predictions and weight gradients (1e-5) as the paired filter/gate path and tfjs’ ops', async () => {
    const model = createModel('wavenet', { numWords: 50, maxlen: MAXLEN, seed: 4 });
    const x = ids(6);
    const before = tf.memory().numTensors;
    const results = {} as Record<Mode, tf.Tensor[]>;
    for (const mode of ['block', 'paired', 'stock'] as const) {
      setMode(model, mode);
      results[mode] = tf.tidy(() => outputAndGrads(model, x));
    }
    for (const mode of ['paired', 'stock'] as const) {
      results[mode].forEach((t, i) => {
        expect(maxDiff(results.block[i]!, t), `${mode} ${i}`).toBeLessThan(1e-5);
      });
    }
    // The block path runs no Multiply (the paired path multiplies by ones, the stock one by the gate), and the
    // fused tail no Relu or Max (the convolutions on tfjs' ops take the tail's own layers too).
    setMode(model, 'block');
    expect(await kernelsOf(model, x)).not.toEqual(expect.arrayContaining(['Multiply']));
    expect(await kernelsOf(model, x)).not.toEqual(expect.arrayContaining(['Relu']));
    expect(await kernelsOf(model, x)).not.toEqual(expect.arrayContaining(['Max']));
    setMode(model, 'paired');
    expect(await kernelsOf(model, x)).toContain('Multiply');
    setMode(model, 'stock');
    expect(await kernelsOf(model, x)).toEqual(expect.arrayContaining(['Multiply', 'Relu', 'Max']));
    tf.dispose(Object.values(results).flat());
    expect(tf.memory().numTensors).toBe(before);
    // The cpu backend runs each layer's own ops: the same predictions.
    setMode(model, 'block');
    const onWasm = model.predict(x) as tf.Tensor;
    await tf.setBackend('cpu');
    try {
      const xc = tf.tensor(x.dataSync(), x.shape, 'int32');
      const onCpu = model.predict(xc) as tf.Tensor;
      expect(maxDiff(onWasm, onCpu)).toBeLessThan(1e-5);
      tf.dispose([xc, onCpu]);
    } finally {
      await tf.setBackend('wasm');
    }
    tf.dispose([x, onWasm]);
    model.dispose();
  });

  /** h [T, C] → one gated block (with or without residual) → the skip (and next) outputs, summed and pooled. */
  function blockModel(residual: boolean, between: boolean) {
    const input = tfl.input({ shape: [MAXLEN, 5] });
    const conv = (name: string, f: number, k: number, d: number, act: 'linear' | 'tanh' | 'sigmoid') =>
      new CausalConv1D({ filters: f, kernelSize: k, dilationRate: d, activation: act, name });
    const f = conv('filter', 6, 3, 2, 'tanh').apply(input) as tfl.SymbolicTensor;
    const g = conv('gate', 6, 3, 2, 'sigmoid').apply(input) as tfl.SymbolicTensor;
    let z = tfl.layers.multiply({ name: 'gated' }).apply([f, g]) as tfl.SymbolicTensor;
    if (between)
      z = tfl.layers.activation({ activation: 'linear', name: 'between' }).apply(z) as tfl.SymbolicTensor;
    const skip = conv('skip', 7, 1, 1, 'linear').apply(z) as tfl.SymbolicTensor;
    let out = tfl.layers.globalMaxPooling1d().apply(skip) as tfl.SymbolicTensor;
    if (residual) {
      const res = conv('residual', 5, 1, 1, 'linear').apply(z) as tfl.SymbolicTensor;
      const next = tfl.layers.add({ name: 'add' }).apply([input, res]) as tfl.SymbolicTensor;
      const pooled = tfl.layers.globalAveragePooling1d().apply(next) as tfl.SymbolicTensor;
      out = tfl.layers.concatenate().apply([out, pooled]) as tfl.SymbolicTensor;
    }
    const model = fuseConvLayers(
      tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 1 }).apply(out) as tfl.SymbolicTensor }),
    );
    return model;
  }

  for (const residual of [true, false]) {
    it(`gradients with respect to the block's input (an intermediate of WaveNet) match tfjs' ops${residual ? '' : ' (last block)'}`, () => {
      const model = blockModel(residual, false);
      expect(pairGatedBlocks(model)).toHaveLength(1);
      const x = uniform([3, MAXLEN, 5], 5);
      const before = tf.memory().numTensors;
      const grad = (mode: Mode) => {
        setMode(model, mode);
        return tf.grad((h: tf.Tensor) => tf.sum(model.apply(h) as tf.Tensor))(x);
      };
      const fused = grad('block');
      const stock = grad('stock');
      expect(maxDiff(fused, stock)).toBeLessThan(1e-5);
      expect(tf.tidy(() => tf.sum(tf.abs(stock)).dataSync()[0])).toBeGreaterThan(0);
      tf.dispose([fused, stock]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  }

  it('is no block with a layer between the Multiply and the 1×1 convolutions; the layers keep their own paths', () => {
    const model = blockModel(true, true);
    expect(pairGatedBlocks(model)).toEqual([]);
    expect((model.getLayer('filter') as CausalConv1D).gate).toBe(model.getLayer('gate'));
    const x = uniform([2, MAXLEN, 5], 6);
    const fused = model.predict(x) as tf.Tensor;
    setMode(model, 'stock');
    const stock = model.predict(x) as tf.Tensor;
    expect(maxDiff(fused, stock)).toBeLessThan(1e-5);
    tf.dispose([x, fused, stock]);
    model.dispose();
  });

  it('a layer of the block with fused = false runs the whole block on the per-layer paths', () => {
    const model = blockModel(true, false);
    const x = uniform([2, MAXLEN, 5], 7);
    const fused = model.predict(x) as tf.Tensor;
    (model.getLayer('residual') as CausalConv1D).fused = false;
    const mixed = model.predict(x) as tf.Tensor;
    expect(maxDiff(fused, mixed)).toBeLessThan(1e-5);
    tf.dispose([x, fused, mixed]);
    model.dispose();
  });

  it("finds the summed skips' ReLU and pooling, and only after convolutions with each layer the only reader", () => {
    const model = createModel('wavenet', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const tails = pairSumReluPool(model);
    expect(tails.map((t) => [t.add.name, t.relu.name, t.pool.name, t.convs.map((c) => c.name)])).toEqual([
      ['skips', 'skips_relu', 'global_max_pooling1d', [0, 1, 2, 3].map((i) => `block${i}_skip`)],
    ]);
    model.dispose();
    // The ReLU's output read by another layer too: no tail; the same predictions as tfjs' ops.
    const tail = (extraReader: boolean) => {
      const input = tfl.input({ shape: [MAXLEN, 3] });
      const a = new CausalConv1D({ filters: 4, kernelSize: 2 }).apply(input) as tfl.SymbolicTensor;
      const b = new CausalConv1D({ filters: 4, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor;
      const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
      const relu = tfl.layers.activation({ activation: 'relu' }).apply(sum) as tfl.SymbolicTensor;
      const outputs = [tfl.layers.globalMaxPooling1d().apply(relu) as tfl.SymbolicTensor];
      if (extraReader) outputs.push(tfl.layers.flatten().apply(relu) as tfl.SymbolicTensor);
      return fuseConvLayers(tfl.model({ inputs: input, outputs }));
    };
    const both = tail(true);
    expect(pairSumReluPool(both)).toEqual([]);
    const alone = tail(false);
    expect(pairSumReluPool(alone)).toHaveLength(1);
    const x = uniform([2, MAXLEN, 3], 8);
    const fused = alone.predict(x) as tf.Tensor;
    setMode(alone, 'stock');
    const stock = alone.predict(x) as tf.Tensor;
    expect(maxDiff(fused, stock)).toBeLessThan(1e-6);
    tf.dispose([x, fused, stock]);
    both.dispose();
    alone.dispose();
  });

  it('a trained fused WaveNet round-trips through a Keras file, and the loaded model runs its blocks fused', async () => {
    const model = createModel('wavenet', { numWords: 50, maxlen: MAXLEN, seed: 9 });
    model.compile({ optimizer: rmsprop({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
    const { x: data, y: labels } = toyData(16, 5, MAXLEN);
    const x = tf.tensor2d(data.data as Int32Array, [16, MAXLEN], 'int32');
    const y = tf.tensor2d(labels, [16, 1]);
    for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
    const loaded = await loadKerasModel(await encodeKerasModel(model, 'keras'));
    expect(loaded.layers.filter((l) => l instanceof CausalConv1D && l.block !== null)).toHaveLength(15);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-6);
    tf.dispose([a, b, x, y]);
    model.optimizer.dispose();
    model.dispose();
    loaded.dispose();
  });
});
