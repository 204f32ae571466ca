import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createModel,
  encodeKerasModel,
  KerasEmbedding,
  KerasGRU,
  KerasLSTM,
  KerasSimpleRNN,
  loadKerasModel,
  OneHot,
  trainLesson,
} from '../src/index.js';
import { KerasConv1D } from '../src/layers/_conv.js';
import { isStandIn, readingIds } from '../src/layers/_ids_pairing.js';

// The ids agreement: inside a training step (readingIds, as trainLesson runs tfjs' train function), an Embedding or
// OneHot whose every reader will read its ids skips its values (no GatherV2 / OneHot kernel) and returns a stand-in.
// Each case compares the loss and every weight's gradient with the same call outside the agreement (today's path,
// which the other tests check against the CPU backend): bit for bit, since both read the ids or both the values.

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  expect((await initWasm()).backend).toBe('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const B = 3;
const T = 8;
const VOCAB = 20;
const DIM = 6;
const IDS = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 2) % VOCAB);
// Ids with padding (0) at the end of two rows, for Embedding(maskZero).
const PADDED = IDS.map((v, i) => (i % T >= T - 1 - (Math.floor(i / T) % 2) * 3 ? 0 : v === 0 ? 1 : v));

interface Step {
  losses: number[];
  grads: Float32Array[];
  /** tfjs kernels run in the step, by name. */
  kernels: string[];
}

/** Σ coef[b] · y[b, …] over every output: a loss whose gradient differs per row. */
function weightedSum(ys: tf.Tensor | tf.Tensor[]): tf.Scalar {
  const list = Array.isArray(ys) ? ys : [ys];
  return tf.addN(
    list.map((y) => {
      const coef = tf.reshape(tf.tensor1d([1, -0.5, 2]), [B, ...y.shape.slice(1).map(() => 1)]);
      return tf.sum(tf.mul(y, coef));
    }),
  ) as tf.Scalar;
}

/**
 * One training-mode forward and backward of `model` on `x`, as tfjs' train function runs it (`execute` with
 * `training: true` under `tf.variableGrads`), inside the ids agreement or not.
 */
async function step(model: tfl.LayersModel, x: tf.Tensor, agreed: boolean): Promise<Step> {
  let out: Omit<Step, 'kernels'> | undefined;
  const run = () =>
    tf.tidy(() => {
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => {
        const ys = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
        return weightedSum(ys);
      }, vars);
      out = {
        losses: [value.dataSync()[0]!],
        grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array),
      };
    });
  const info = await tf.profile(() => (agreed ? readingIds(model, run) : run()));
  return { ...out!, kernels: info.kernels.map((k) => k.name) };
}

function weightsOf(model: tfl.LayersModel): tf.Tensor[] {
  return model.getWeights().map((w) => w.clone());
}

/**
 * The same step inside and outside the agreement on two models built by `build` with the same weights: equal
 * losses and gradients, no tensor left behind; returns the kernels of the step inside.
 */
async function compare(build: () => tfl.LayersModel, x: tf.Tensor): Promise<string[]> {
  const a = build();
  const b = build();
  const weights = weightsOf(a);
  b.setWeights(weights);
  tf.dispose(weights);
  const kernels = await compareModels(a, b, x);
  a.dispose();
  b.dispose();
  return kernels;
}

/** {@link compare} on two models with the same weights. */
async function compareModels(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor): Promise<string[]> {
  const before = tf.memory().numTensors;
  const inside = await step(a, x, true);
  const outside = await step(b, x, false);
  expect(tf.memory().numTensors).toBe(before);
  expect(inside.losses).toEqual(outside.losses);
  expect(inside.grads.length).toBe(outside.grads.length);
  inside.grads.forEach((g, i) => {
    expect(Array.from(g), `gradient ${i}`).toEqual(Array.from(outside.grads[i]!));
  });
  expect(inside.grads.some((g) => g.some((v) => v !== 0))).toBe(true);
  // Outside, the stock path runs as before.
  const producer = a.layers.find((l) => l instanceof KerasEmbedding || l instanceof OneHot)!;
  expect(outside.kernels).toContain(producer instanceof OneHot ? 'OneHot' : 'GatherV2');
  return inside.kernels;
}

const input = () => tfl.input({ shape: [T], dtype: 'int32' });
const embedding = (maskZero = false) =>
  new KerasEmbedding({ inputDim: VOCAB, outputDim: DIM, maskZero, name: 'emb' });

function chain(...layers: tfl.layers.Layer[]): tfl.LayersModel {
  const x = input();
  let y: tfl.SymbolicTensor = x;
  for (const layer of layers) y = layer.apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: y });
}

const ids = () => tf.tensor2d(IDS, [B, T], 'int32');

describe('an Embedding whose readers all read its ids skips its gather in a training step', () => {
  const readers: [string, () => tfl.layers.Layer][] = [
    ['KerasLSTM', () => new KerasLSTM({ units: 5, seed: 1, dropout: 0.3 })],
    ['KerasGRU', () => new KerasGRU({ units: 5, seed: 1, returnSequences: true })],
    ['KerasSimpleRNN', () => new KerasSimpleRNN({ units: 5, seed: 1 })],
    [
      'a Bidirectional KerasLSTM',
      () => tfl.layers.bidirectional({ layer: new KerasLSTM({ units: 4, seed: 1 }) as never }),
    ],
    ['KerasConv1D', () => new KerasConv1D({ filters: 4, kernelSize: 3, activation: 'relu' })],
  ];
  it.each(readers)('%s: no GatherV2, the same loss and gradients', async (_name, reader) => {
    const x = ids();
    const kernels = await compare(() => chain(embedding(), reader()), x);
    expect(kernels).not.toContain('GatherV2');
    x.dispose();
  });

  it('on the CPU backend (the fused recurrent kernels run there too): no GatherV2, the same loss and gradients', async () => {
    await tf.setBackend('cpu');
    try {
      const x = ids();
      const kernels = await compare(
        () => chain(embedding(), new KerasLSTM({ units: 5, seed: 1, dropout: 0.3 })),
        x,
      );
      expect(kernels).not.toContain('GatherV2');
      x.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('with maskZero (the fused kernels take the mask): no GatherV2, the same loss and gradients', async () => {
    const x = tf.tensor2d(PADDED, [B, T], 'int32');
    const kernels = await compare(
      () => chain(embedding(true), new KerasLSTM({ units: 5, seed: 1, returnSequences: true })),
      x,
    );
    expect(kernels).not.toContain('GatherV2');
    x.dispose();
  });

  it('hands the readers a stand-in, never a value a reader that falls back could see', async () => {
    const model = chain(embedding(), new KerasLSTM({ units: 5, seed: 1 }));
    const emb = model.getLayer('emb');
    const seen: tf.Tensor[] = [];
    const call = vi.spyOn(emb, 'call').mockImplementation(function (this: tfl.layers.Layer, ...args) {
      const out = KerasEmbedding.prototype.call.apply(this, args) as tf.Tensor;
      seen.push(out);
      return out;
    });
    const x = ids();
    await step(model, x, true);
    await step(model, x, false);
    call.mockRestore();
    expect(seen.map((t) => [t.shape, t.dtype])).toEqual([
      [[B, T, DIM], 'float32'],
      [[B, T, DIM], 'float32'],
    ]);
    expect(seen.map(isStandIn)).toEqual([true, false]);
    x.dispose();
    model.dispose();
  });
});

describe('anything else keeps the gather (and today’s results) inside a training step', () => {
  const cases: [string, () => tfl.LayersModel][] = [
    [
      'a layer in between',
      () => chain(embedding(), tfl.layers.dropout({ rate: 0.2, seed: 1 }), new KerasLSTM({ units: 5 })),
    ],
    ['a reader with fused: false', () => chain(embedding(), new KerasLSTM({ units: 5, fused: false }))],
    [
      'a reader that falls back in training (recurrent dropout)',
      () => chain(embedding(), new KerasLSTM({ units: 5, recurrentDropout: 0.3, seed: 2 })),
    ],
    [
      'the embedding output also a model output',
      () => {
        const x = input();
        const e = embedding().apply(x) as tfl.SymbolicTensor;
        return tfl.model({
          inputs: x,
          outputs: [new KerasLSTM({ units: 5 }).apply(e) as tfl.SymbolicTensor, e],
        });
      },
    ],
    [
      'a second reader that is not a seqlab layer',
      () => {
        const x = input();
        const e = embedding().apply(x) as tfl.SymbolicTensor;
        const pooled = tfl.layers.globalAveragePooling1d({}).apply(e) as tfl.SymbolicTensor;
        const h = new KerasLSTM({ units: 5 }).apply(e) as tfl.SymbolicTensor;
        return tfl.model({
          inputs: x,
          outputs: tfl.layers.concatenate().apply([h, pooled]) as tfl.SymbolicTensor,
        });
      },
    ],
    [
      'a Conv1D whose table is larger than the batch’s ids',
      () =>
        chain(
          new KerasEmbedding({ inputDim: 4 * B * T, outputDim: DIM, name: 'emb' }),
          new KerasConv1D({ filters: 4, kernelSize: 3 }),
        ),
    ],
  ];
  it.each(cases)('%s', async (_name, build) => {
    const x = ids();
    const kernels = await compare(build, x);
    expect(kernels).toContain('GatherV2');
    x.dispose();
  });

  it('a Conv1D on the CPU backend (stock ops)', async () => {
    await tf.setBackend('cpu');
    try {
      const x = ids();
      const kernels = await compare(
        () => chain(embedding(), new KerasConv1D({ filters: 4, kernelSize: 3 })),
        x,
      );
      expect(kernels).toContain('GatherV2');
      x.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('a reader that agreed and then falls back gets the values, made under the same tape', async () => {
    const build = () => {
      const conv = new KerasConv1D({ filters: 4, kernelSize: 3, activation: 'tanh' });
      // Agrees, then takes tfjs' ops: the stand-in's values are made when the layer asks for them.
      vi.spyOn(conv, 'willReadIds').mockReturnValue(true);
      conv.fused = false;
      return chain(embedding(), conv);
    };
    const x = ids();
    const kernels = await compare(build, x);
    expect(kernels.filter((k) => k === 'GatherV2')).toHaveLength(1);
    x.dispose();
  });

  it('outside a training step (predict, a layer called by hand) the values are made', () => {
    const model = chain(embedding(), new KerasLSTM({ units: 5 }));
    const x = ids();
    const e = model.getLayer('emb').apply(x) as tf.Tensor;
    expect(isStandIn(e)).toBe(false);
    const table = model.getLayer('emb').getWeights()[0]!;
    const expected = tf.tidy(() => tf.gather(table, tf.reshape(x, [-1])).dataSync());
    expect(Array.from(e.dataSync())).toEqual(Array.from(expected));
    const p1 = model.predict(x) as tf.Tensor;
    const p2 = readingIds(model, () => model.predict(x) as tf.Tensor);
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    tf.dispose([x, e, p1, p2]);
    model.dispose();
  });
});

describe('a OneHot read by a fused SimpleRNN', () => {
  const build = (dropout: number) => () =>
    chain(new OneHot({ depth: VOCAB }), new KerasSimpleRNN({ units: 5, seed: 1, dropout }));
  it('skips the one-hot floats in a training step', async () => {
    const x = ids();
    expect(await compare(build(0), x)).not.toContain('OneHot');
    x.dispose();
  });
  it('makes them with input dropout (which applies to the floats)', async () => {
    const x = ids();
    expect(await compare(build(0.3), x)).toContain('OneHot');
    x.dispose();
  });
});

describe('trainLesson', () => {
  const rows = 64;
  const data = {
    data: Int32Array.from({ length: rows * 20 }, (_, i) => 1 + ((i * 7919 + 13) % 59)),
    shape: [rows, 20],
  };
  const labels = Float32Array.from({ length: rows }, (_, i) => ((i * 37) % 3 === 0 ? 1 : 0));

  it('runs the lstm and conv1d steps without a gather, and validation as before, with no leak', async () => {
    for (const name of ['lstm', 'conv1d'] as const) {
      const model = createModel(name, { numWords: 60, maxlen: 20, seed: 4 });
      await trainLesson({ model, x: data, y: labels, epochs: 1, batchSize: 32, seed: 1 }); // compile + warm-up
      const before = tf.memory().numTensors;
      let history: tfl.History | undefined;
      const info = await tf.profile(async () => {
        history = await trainLesson({
          model,
          x: data,
          y: labels,
          epochs: 1,
          batchSize: 32,
          seed: 1,
          compile: false,
          validationData: { x: data, y: labels },
        });
      });
      expect(tf.memory().numTensors).toBe(before);
      // Only validation (evaluate) gathers: 2 batches.
      expect(
        // tfjs' evaluate also gathers the batches' rows: count the gathers from the embedding table.
        info.kernels.filter((k) => k.name === 'GatherV2' && k.inputShapes[0]?.join() === '60,16'),
        name,
      ).toHaveLength(2);
      const xs = tf.tensor2d(data.data, [rows, 20], 'int32');
      const ys = tf.tensor2d(labels, [rows, 1]);
      const evaluated = model.evaluate(xs, ys, { batchSize: 32 }) as tf.Scalar[];
      expect(history!.history['val_loss']![0]).toBeCloseTo(evaluated[0]!.dataSync()[0]!, 6);
      tf.dispose([xs, ys, ...evaluated]);
      model.dispose();
    }
  });

  it('skips the gather in a model loaded from a Keras file, with the same loss and gradients', async () => {
    const bytes = await encodeKerasModel(
      createModel('lstm', { numWords: 60, maxlen: T, seed: 5, dropout: 0 }),
      'keras',
    );
    const a = await loadKerasModel(bytes);
    const b = await loadKerasModel(bytes);
    const x = tf.tensor2d(
      IDS.map((v) => v + 1),
      [B, T],
      'int32',
    );
    expect(await compareModels(a, b, x)).not.toContain('GatherV2');
    tf.dispose(x);
    a.dispose();
    b.dispose();
  });
});
