// The convolution layers on @seqlab/wasm's fused kernel (the wasm backend) against the same layers on tfjs' ops
// (`fused = false`, and the cpu backend): equal forward values and gradients, equal seeded training curves, no
// leaked tensors, and the fused module's memory flat over many steps (frozen layers included).
import { join } from 'node:path';
import { fusedMemoryStats, initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CausalConv1D, createModel, loadKerasModel, rmsprop } from '../src/index.node.js';
import { KerasConv1D, kerasConv1d } from '../src/layers/_conv.js';
import { fuseConvLayers } from '../src/layers/_conv_graph.js';
import { expectCurvesClose, maxDiff, toyCurve, toyData, uniform } from './_toy.js';

const MAXLEN = 12;

beforeAll(async () => {
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('wasm');
});

/** Switches every convolution layer of `model` to the fused kernel or to tfjs' ops; returns how many it switched. */
function setFused(model: tfl.LayersModel, fused: boolean): number {
  let n = 0;
  for (const layer of model.layers) {
    if (layer instanceof KerasConv1D || layer instanceof CausalConv1D) {
      layer.fused = fused;
      n++;
    }
  }
  return n;
}

/** The layer's output and the gradients of a weighted sum of it for the input and every weight. */
function valueAndGrads(layer: tfl.layers.Layer, x: tf.Tensor): tf.Tensor[] {
  const w = uniform(layer.computeOutputShape(x.shape) as number[], 99);
  const weights = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const f = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, w)) as tf.Scalar;
  const { value, grads } = tf.variableGrads(() => f(x), weights);
  const dx = tf.grad(f)(x);
  value.dispose();
  return [layer.apply(x) as tf.Tensor, dx, ...weights.map((v) => grads[v.name]!)];
}

describe('convolution layers: fused kernel vs tfjs ops', () => {
  const layers: [string, () => tfl.layers.Layer][] = [
    ['Conv1D valid relu', () => kerasConv1d({ filters: 7, kernelSize: 3, activation: 'relu' })],
    [
      'Conv1D same dilation 2 sigmoid',
      () =>
        kerasConv1d({ filters: 5, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'sigmoid' }),
    ],
    [
      'CausalConv1D dilation 4 tanh',
      () => new CausalConv1D({ filters: 6, kernelSize: 2, dilationRate: 4, activation: 'tanh' }),
    ],
    [
      'CausalConv1D 1×1 linear, no bias',
      () => new CausalConv1D({ filters: 3, kernelSize: 1, useBias: false }),
    ],
  ];
  for (const [name, make] of layers) {
    it(`${name}: the same values and gradients (1e-5) on the fused kernel, tfjs' wasm ops and the cpu backend`, async () => {
      const before = tf.memory().numTensors;
      const layer = make();
      const x = uniform([3, 13, 5], 1);
      tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
      const weights = layer.getWeights().map((w, i) => uniform(w.shape, 10 + i));
      layer.setWeights(weights);
      tf.dispose(weights);
      (layer as KerasConv1D).fused = true;
      const fused = tf.tidy(() => valueAndGrads(layer, x));
      (layer as KerasConv1D).fused = false;
      // Dilated 'same' has no stock gradient in tfjs (conv1d's gradients need dilation 1): values only then.
      const stockGrads = !name.includes('same dilation');
      const stock = tf.tidy(() => (stockGrads ? valueAndGrads(layer, x) : [layer.apply(x) as tf.Tensor]));
      for (const [i, t] of stock.entries()) expect(maxDiff(fused[i]!, t), `output ${i}`).toBeLessThan(1e-5);
      await tf.setBackend('cpu');
      try {
        const xc = tf.tensor(x.dataSync(), x.shape);
        const onCpu = tf.tidy(() => (stockGrads ? valueAndGrads(layer, xc) : [layer.apply(xc) as tf.Tensor]));
        for (const [i, t] of onCpu.entries())
          expect(maxDiff(fused[i]!, t), `cpu output ${i}`).toBeLessThan(1e-5);
        tf.dispose([xc, ...onCpu]);
      } finally {
        await tf.setBackend('wasm');
      }
      tf.dispose([x, ...fused, ...stock]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe.each(['conv1d', 'wavenet'] as const)('%s on the fused convolutions', (name) => {
  it('traces the stock layers’ training curve for a fixed seed, with no tensor leaked', {
    timeout: 120_000,
  }, async () => {
    const curve = async (fused: boolean) => {
      const before = tf.memory().numTensors;
      const model = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 21 });
      expect(setFused(model, fused)).toBe(name === 'conv1d' ? 1 : 16);
      const run = await toyCurve(model, MAXLEN);
      expect(tf.memory().numTensors).toBe(before);
      return run;
    };
    const ours = await curve(true);
    const theirs = await curve(false);
    expectCurvesClose(ours, theirs, { curve: 1e-4, weights: 1e-3 });
  });

  for (const frozen of [false, true]) {
    it(`keeps the fused memory and the tensor count flat over 200 steps${frozen ? ' (all but the head frozen)' : ''}`, async () => {
      const model = createModel(name, { numWords: 50, maxlen: MAXLEN, seed: 7 });
      if (frozen) for (const layer of model.layers) if (layer.name !== 'output') layer.trainable = false;
      model.compile({ optimizer: rmsprop({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
      const { x: ids, y: labels } = toyData(16, 5, MAXLEN);
      const x = tf.tensor2d(ids.data as Int32Array, ids.shape as [number, number], 'int32');
      const y = tf.tensor2d(labels, [16, 1]);
      const convBefore = model
        .getLayer(name === 'conv1d' ? 'conv1d' : 'block0_gate')
        .getWeights()[0]!
        .dataSync();
      let early: { memory: ReturnType<typeof fusedMemoryStats>; tensors: number } | undefined;
      for (let step = 1; step <= 200; step++) {
        await model.trainOnBatch(x, y);
        if (step === 10) early = { memory: fusedMemoryStats(), tensors: tf.memory().numTensors };
      }
      expect(fusedMemoryStats()).toEqual(early!.memory);
      expect(early!.memory.heldForwards).toBe(0);
      expect(early!.memory.inUseBytes).toBe(0);
      expect(tf.memory().numTensors).toBe(early!.tensors);
      const convAfter = model
        .getLayer(name === 'conv1d' ? 'conv1d' : 'block0_gate')
        .getWeights()[0]!
        .dataSync();
      expect(Array.from(convAfter).every((v, i) => v === convBefore[i])).toBe(frozen);
      tf.dispose([x, y]);
      model.optimizer.dispose();
      model.dispose();
    }, 120_000);
  }
});

describe('pairing a convolution with the GlobalMaxPooling1D that reads it', () => {
  it('pools in the kernel only when the pooling layer is the one reader and the output is not a model output', () => {
    const before = tf.memory().numTensors;
    const zoo = createModel('conv1d', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const conv = zoo.getLayer('conv1d') as KerasConv1D;
    expect(conv.pooledBy).toBe(zoo.getLayer('global_max_pooling1d'));
    // Keras-shaped all the same: the conv's symbolic output keeps its steps.
    expect(conv.outputShape).toEqual([null, MAXLEN - 4, 32]);

    const build = (extraReader: boolean, convIsOutput: boolean) => {
      const input = tfl.input({ shape: [MAXLEN, 4] });
      const c = kerasConv1d({ filters: 3, kernelSize: 2, activation: 'relu' });
      const y = c.apply(input) as tfl.SymbolicTensor;
      const pooled = tfl.layers.globalMaxPooling1d().apply(y) as tfl.SymbolicTensor;
      const outputs = [pooled];
      if (extraReader) outputs.push(tfl.layers.flatten().apply(y) as tfl.SymbolicTensor);
      if (convIsOutput) outputs.push(y);
      const model = fuseConvLayers(tfl.model({ inputs: input, outputs }));
      return { model, c };
    };
    for (const [extra, isOutput, paired] of [
      [false, false, true],
      [true, false, false],
      [false, true, false],
    ] as const) {
      const { model, c } = build(extra, isOutput);
      expect(c.pooledBy !== null, `extra reader ${extra}, output ${isOutput}`).toBe(paired);
      // The same predictions as tfjs' own ops.
      const x = uniform([2, MAXLEN, 4], 3);
      const fused = model.predict(x) as tf.Tensor | tf.Tensor[];
      c.fused = false;
      const stock = model.predict(x) as tf.Tensor | tf.Tensor[];
      const list = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t : [t]);
      list(stock).forEach((s, i) => {
        expect(maxDiff(list(fused)[i]!, s)).toBeLessThan(1e-6);
      });
      tf.dispose([x, ...list(fused), ...list(stock)]);
      model.dispose();
    }
    zoo.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pairs the convolutions of a loaded Keras file from its graph; a strided one keeps its steps', async () => {
    const model = await loadKerasModel(
      join(import.meta.dirname, 'fixtures/keras/k2-functional-two-inputs.h5'),
    );
    const strided = model.getLayer('conv_strided') as KerasConv1D;
    expect(strided.pooledBy).toBe(model.getLayer('gmp'));
    expect(strided.fusable()).toBe(false); // stride 2: tfjs' ops, the whole output for the pooling layer
    expect((model.getLayer('conv_same') as KerasConv1D).pooledBy).toBeNull(); // read by MaxPooling1D
    model.dispose();
  });

  it("pairs each WaveNet block's filter and gate convolutions, and nothing else", () => {
    const model = createModel('wavenet', { numWords: 50, maxlen: MAXLEN, seed: 1, dilations: [1, 2, 4] });
    for (let i = 0; i < 3; i++) {
      const filter = model.getLayer(`block${i}_filter`) as CausalConv1D;
      const gate = model.getLayer(`block${i}_gate`) as CausalConv1D;
      expect(filter.gate).toBe(gate);
      expect(gate.gateOf).toBe(filter);
      expect(filter.gateOf).toBeNull();
      expect(gate.gate).toBeNull();
    }
    for (const name of ['causal_conv', 'block0_skip', 'block0_residual']) {
      const layer = model.getLayer(name) as CausalConv1D;
      expect([layer.gate, layer.gateOf]).toEqual([null, null]);
    }
    // A filter whose output something else reads too is not paired.
    const input = tfl.input({ shape: [MAXLEN, 4] });
    const f = new CausalConv1D({ filters: 3, kernelSize: 2, activation: 'tanh' });
    const g = new CausalConv1D({ filters: 3, kernelSize: 2, activation: 'sigmoid' });
    const fy = f.apply(input) as tfl.SymbolicTensor;
    const z = tfl.layers.multiply().apply([fy, g.apply(input) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    const other = fuseConvLayers(tfl.model({ inputs: input, outputs: [z, fy] }));
    expect([f.gate, g.gateOf]).toEqual([null, null]);
    other.dispose();
    model.dispose();
  });
});
