import { readFileSync } from 'node:fs';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  KerasEmbedding,
  KerasGRU,
  KerasGRUCell,
  KerasLSTM,
  KerasSimpleRNN,
  OneHot,
  PeepholeLSTM,
  PeepholeLSTMCell,
} from '../src/index.js';
import type { KerasCell } from '../src/layers/_cell.js';

// Hand-computed with numpy by fixtures/gen_cells.py.
const fx = JSON.parse(readFileSync(new URL('./fixtures/cells.json', import.meta.url), 'utf8'));
const { B, D, U, T } = fx as { B: number; D: number; U: number; T: number };

beforeAll(async () => {
  await initWasm();
});

function close(actual: tf.Tensor, expected: number[][]): void {
  const got = actual.arraySync() as number[][];
  expect(got.length).toBe(expected.length);
  got.forEach((row, i) => {
    row.forEach((v, j) => {
      expect(v).toBeCloseTo(expected[i]![j]!, 5);
    });
  });
}

describe('KerasGRUCell', () => {
  for (const [key, resetAfter] of [
    ['gru_reset_after', true],
    ['gru_reset_before', false],
  ] as const) {
    it(`one step equals the numpy reference (resetAfter=${resetAfter})`, () => {
      const w = fx[key];
      const cell = new KerasGRUCell({ units: U, resetAfter });
      cell.build([null, D]);
      expect(cell.weights.map((v) => v.shape)).toEqual([
        [D, 3 * U],
        [U, 3 * U],
        resetAfter ? [2, 3 * U] : [3 * U],
      ]);
      cell.setWeights([tf.tensor(w.kernel), tf.tensor(w.recurrent_kernel), tf.tensor(w.bias)]);
      const x0 = tf.tidy(() => tf.reshape(tf.slice(tf.tensor(fx.x), [0, 0, 0], [B, 1, D]), [B, D]));
      const h0 = tf.tensor(fx.h0);
      const before = tf.memory().numTensors;
      const [h, state] = cell.call([x0, h0], { training: false });
      close(h!, w.step_h);
      close(state!, w.step_h);
      tf.dispose([h!, state!]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it(`a ${T}-step sequence through the KerasGRU layer equals the reference (resetAfter=${resetAfter})`, () => {
      const w = fx[key];
      const layer = new KerasGRU({ units: U, resetAfter });
      const x = tf.tensor(fx.x);
      tf.dispose(layer.apply(x) as tf.Tensor);
      layer.setWeights([tf.tensor(w.kernel), tf.tensor(w.recurrent_kernel), tf.tensor(w.bias)]);
      close(layer.apply(x) as tf.Tensor, w.sequence_h);
    });
  }

  it('has a [2, 3u] bias with resetAfter (Keras) and a [3u] one without', () => {
    const a = new KerasGRU({ units: 8 });
    const b = new KerasGRU({ units: 8, resetAfter: false });
    tf.dispose([a.apply(tf.zeros([1, 5, 16])) as tf.Tensor, b.apply(tf.zeros([1, 5, 16])) as tf.Tensor]);
    expect(a.countParams()).toBe(624);
    expect(b.countParams()).toBe(600);
  });
});

describe('PeepholeLSTMCell', () => {
  it('one step (h and c) equals the numpy reference', () => {
    const w = fx.peephole;
    const cell = new PeepholeLSTMCell({ units: U });
    cell.build([null, D]);
    cell.setWeights(
      [
        w.kernel,
        w.recurrent_kernel,
        w.bias,
        w.input_gate_peephole_weights,
        w.forget_gate_peephole_weights,
        w.output_gate_peephole_weights,
      ].map((v) => tf.tensor(v)),
    );
    const x0 = tf.reshape(tf.slice(tf.tensor(fx.x), [0, 0, 0], [B, 1, D]), [B, D]);
    const [h, h2, c] = cell.call([x0, tf.tensor(fx.h0), tf.tensor(fx.c0)], { training: false });
    close(h!, w.step_h);
    close(h2!, w.step_h);
    close(c!, w.step_c);
  });

  it(`a ${T}-step sequence through the PeepholeLSTM layer equals the reference`, () => {
    const w = fx.peephole;
    const layer = new PeepholeLSTM({ units: U });
    const x = tf.tensor(fx.x);
    tf.dispose(layer.apply(x) as tf.Tensor);
    layer.setWeights(
      [
        w.kernel,
        w.recurrent_kernel,
        w.bias,
        w.input_gate_peephole_weights,
        w.forget_gate_peephole_weights,
        w.output_gate_peephole_weights,
      ].map((v) => tf.tensor(v)),
    );
    close(layer.apply(x) as tf.Tensor, w.sequence_h);
  });

  it('initialises the forget-gate bias to 1 (unit_forget_bias) and the other gates to 0', () => {
    const layer = new PeepholeLSTM({ units: 3 });
    tf.dispose(layer.apply(tf.zeros([1, 2, 5])) as tf.Tensor);
    const bias = layer.getWeights()[2]!;
    expect(Array.from(bias.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(layer.countParams()).toBe(4 * (5 * 3 + 3 * 3 + 3) + 3 * 3);
  });
});

describe('recurrent dropout masks', () => {
  for (const make of [
    () => new KerasGRU({ units: 4, dropout: 0.5, seed: 3 }),
    () => new PeepholeLSTM({ units: 4, dropout: 0.5, seed: 3 }),
  ]) {
    it(`${make().getClassName()} drops inputs only in training, one seeded mask per call, no leaks`, () => {
      const x = tf.randomUniform([3, 5, 6], -1, 1, 'float32', 1);
      const a = make();
      const b = make();
      const inference = a.apply(x) as tf.Tensor;
      tf.dispose(b.apply(x) as tf.Tensor);
      const before = tf.memory().numTensors;
      const trainA = a.apply(x, { training: true }) as tf.Tensor;
      const trainB = b.apply(x, { training: true }) as tf.Tensor;
      b.setWeights(a.getWeights());
      const trainB2 = b.apply(x, { training: true }) as tf.Tensor;
      expect(tf.memory().numTensors - before).toBe(3);
      expect(Array.from(trainA.dataSync())).not.toEqual(Array.from(inference.dataSync()));
      // Same seed, same weights, same call index → the same mask (trainB was its first call, with other weights).
      const fresh = make();
      fresh.apply(x);
      fresh.setWeights(a.getWeights());
      const trainFresh = fresh.apply(x, { training: true }) as tf.Tensor;
      expect(Array.from(trainFresh.dataSync())).toEqual(Array.from(trainA.dataSync()));
      expect(Array.from(trainB2.dataSync())).not.toEqual(Array.from(trainA.dataSync()));
      tf.dispose([x, inference, trainA, trainB, trainB2, trainFresh]);
    });
  }
});

describe('fused kernels', () => {
  for (const [label, make] of [
    ['KerasGRU', (fused: boolean) => new KerasGRU({ units: 5, fused, returnSequences: true })],
    ['KerasGRU resetAfter=false', (fused: boolean) => new KerasGRU({ units: 5, fused, resetAfter: false })],
    ['PeepholeLSTM', (fused: boolean) => new PeepholeLSTM({ units: 5, fused, returnSequences: true })],
    ['KerasLSTM', (fused: boolean) => new KerasLSTM({ units: 5, fused })],
    ['KerasSimpleRNN', (fused: boolean) => new KerasSimpleRNN({ units: 5, fused, returnSequences: true })],
  ] as const) {
    it(`${label}: the fused kernel and the per-step loop agree on outputs and weight gradients`, () => {
      const x = tf.randomUniform([3, 7, 4], -1, 1, 'float32', 8);
      const fused = make(true);
      const loop = make(false);
      tf.dispose([fused.apply(x) as tf.Tensor, loop.apply(x) as tf.Tensor]);
      loop.setWeights(fused.getWeights());
      const lossOf = (layer: tf.serialization.Serializable & { apply: (x: tf.Tensor) => unknown }) => () =>
        tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar;
      const a = tf.variableGrads(
        lossOf(fused),
        fused.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      const b = tf.variableGrads(
        lossOf(loop),
        loop.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      expect(a.value.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0]!, 4);
      const ga = Object.values(a.grads);
      const gb = Object.values(b.grads);
      expect(ga).toHaveLength(fused.trainableWeights.length);
      ga.forEach((g, i) => {
        const want = gb[i]!.dataSync();
        g.dataSync().forEach((v, j) => {
          expect(v).toBeCloseTo(want[j]!, 4);
        });
      });
      tf.dispose([x, a.value, b.value, ...ga, ...gb]);
    });
  }
});

describe('OneHot into a fused SimpleRNN', () => {
  const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

  it('in a model, hands its ids to the SimpleRNN it feeds: equal to the SimpleRNN on the same floats, bit for bit', () => {
    const before = tf.memory().numTensors;
    const depth = 12;
    const ids = tf.tensor2d(
      Array.from({ length: 4 * 9 }, (_, i) => (i * 5 + 1) % depth),
      [4, 9],
      'int32',
    );
    const onehot = new OneHot({ depth });
    const rnn = new KerasSimpleRNN({ units: 6, inputGradient: false, returnSequences: true, seed: 3 });
    const input = tfl.input({ shape: [9], dtype: 'int32' });
    const model = tfl.model({ inputs: input, outputs: rnn.apply(onehot.apply(input)) as tfl.SymbolicTensor });
    const fusedCall = vi.spyOn(rnn.cell as unknown as KerasCell, 'fusedCall');
    const idsArgument = () => fusedCall.mock.calls.at(-1)![5];
    const plain = tf.oneHot(ids, depth, 1, 0, 'float32');
    const weights = rnn.trainableWeights.map((w) => w.read() as tf.Variable);
    const run = (f: () => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.square(f())) as tf.Scalar, weights);
    const fromIds = run(() => model.apply(ids, { training: true }) as tf.Tensor);
    expect(idsArgument()?.ids).toBe(ids);
    expect(idsArgument()?.table).toBeNull();
    // The same floats made by tf.oneHot carry no ids: the fused kernel reads the [4, 9, 12] floats.
    const fromFloats = run(() => rnn.apply(plain) as tf.Tensor);
    expect(idsArgument()).toBeNull();
    expect(bits(fromIds.value)).toEqual(bits(fromFloats.value));
    const ga = Object.values(fromIds.grads);
    const gb = Object.values(fromFloats.grads);
    expect(ga).toHaveLength(3);
    ga.forEach((g, i) => {
      expect(bits(g), rnn.trainableWeights[i]!.name).toEqual(bits(gb[i]!));
    });
    // Input dropout in training masks the floats: that takes the float path, and still trains.
    const dropping = new KerasSimpleRNN({ units: 6, inputGradient: false, dropout: 0.5, seed: 1 });
    const dropModel = tfl.model({
      inputs: input,
      outputs: dropping.apply(new OneHot({ depth }).apply(input)) as tfl.SymbolicTensor,
    });
    const dropped = dropModel.apply(ids, { training: true }) as tf.Tensor;
    expect(dropped.shape).toEqual([4, 6]);
    tf.dispose([ids, plain, fromIds.value, fromFloats.value, ...ga, ...gb, dropped]);
    fusedCall.mockRestore();
    model.dispose();
    dropModel.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Embedding into a fused recurrent layer', () => {
  const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

  // Without input dropout the SimpleRNN reads the projected table E·W + b by id, and its kernel's gradient is
  // Eᵀ·(dz summed by id): the same sum in another order, so close rather than equal.
  for (const [label, make, reordered] of [
    ['KerasLSTM', () => new KerasLSTM({ units: 5, dropout: 0.3, seed: 4 }), []],
    ['KerasGRU', () => new KerasGRU({ units: 4, dropout: 0.3, seed: 4, returnSequences: true }), []],
    ['KerasSimpleRNN', () => new KerasSimpleRNN({ units: 6, seed: 4 }), [0]],
    ['KerasSimpleRNN with dropout', () => new KerasSimpleRNN({ units: 6, dropout: 0.5, seed: 4 }), []],
  ] as const) {
    it(`${label} after it in a model reads the table by id: the outputs and gradients of the stock Embedding`, () => {
      const before = tf.memory().numTensors;
      const ids = tf.tensor2d(
        Array.from({ length: 3 * 8 }, (_, i) => (i * 7 + 2) % 20),
        [3, 8],
        'int32',
      );
      const tagging = new KerasEmbedding({ inputDim: 20, outputDim: 6, name: 'tagging' });
      const stock = tfl.layers.embedding({ inputDim: 20, outputDim: 6, name: 'stock' });
      const [a, b] = [make(), make()];
      const input = tfl.input({ shape: [8], dtype: 'int32' });
      const paired = tfl.model({
        inputs: input,
        outputs: a.apply(tagging.apply(input)) as tfl.SymbolicTensor,
      });
      const general = tfl.model({
        inputs: input,
        outputs: b.apply(stock.apply(input)) as tfl.SymbolicTensor,
      });
      stock.setWeights(tagging.getWeights());
      b.setWeights(a.getWeights());
      const fusedCalls = [a, b].map((layer) => vi.spyOn(layer.cell as unknown as KerasCell, 'fusedCall'));
      const run = (model: tfl.LayersModel, emb: tfl.layers.Layer, rnn: tfl.layers.Layer) =>
        tf.variableGrads(
          () => tf.sum(tf.square(model.apply(ids, { training: true }) as tf.Tensor)) as tf.Scalar,
          [...emb.trainableWeights, ...rnn.trainableWeights].map((w) => w.read() as tf.Variable),
        );
      const ga = run(paired, tagging, a);
      const gb = run(general, stock, b);
      expect(fusedCalls[0]!.mock.calls.at(-1)![5]?.table).toBe(tagging.trainableWeights[0]!.read());
      expect(fusedCalls[1]!.mock.calls.at(-1)![5]).toBeNull();
      expect(bits(ga.value)).toEqual(bits(gb.value));
      const [da, ...wa] = Object.values(ga.grads);
      const [db, ...wb] = Object.values(gb.grads);
      const close = (got: tf.Tensor, expected: tf.Tensor) => {
        const want = expected.dataSync();
        got.dataSync().forEach((v, i) => {
          expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i]!)));
        });
      };
      // The table's gradient: rows summed in float32 by the kernel, in float64 by UnsortedSegmentSum.
      close(da!, db!);
      expect(wa).toHaveLength(3);
      wa.forEach((g, i) => {
        if ((reordered as readonly number[]).includes(i)) close(g, wb[i]!);
        else expect(bits(g), a.trainableWeights[i]!.name).toEqual(bits(wb[i]!));
      });
      tf.dispose([ids, ga.value, gb.value, da!, db!, ...wa, ...wb]);
      for (const spy of fusedCalls) spy.mockRestore();
      paired.dispose();
      general.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('saves as the stock Embedding class and loads back as itself', async () => {
    const ids = tfl.input({ shape: [4], dtype: 'int32' });
    const layer = new KerasEmbedding({ inputDim: 5, outputDim: 2 });
    const model = tfl.model({ inputs: ids, outputs: layer.apply(ids) as tfl.SymbolicTensor });
    const json = model.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Embedding']);
    const back = await tfl.models.modelFromJSON({ modelTopology: json });
    expect(back.layers[1]).toBeInstanceOf(KerasEmbedding);
    model.dispose();
    back.dispose();
  });
});
