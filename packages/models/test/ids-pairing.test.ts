import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createModel,
  KerasEmbedding,
  KerasGRU,
  KerasLSTM,
  KerasSimpleRNN,
  OneHot,
  type RecurrentArgs,
} from '../src/index.js';
import type { KerasCell } from '../src/layers/_cell.js';
import type { CellRNN } from '../src/layers/_rnn.js';

// The Embedding/OneHot → fused recurrent layer pairing is decided by the model graph: these tests check that the
// paired path is taken where the graph says so, that every other input takes the general path, and that both give
// tfjs' per-step gradients on the CPU backend.

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

const B = 3;
const T = 8;
const VOCAB = 20;
const DIM = 6;
const IDS = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 2) % VOCAB);
const COEF = [1, -0.5, 2];

type RecurrentFactory = (args: RecurrentArgs) => CellRNN;
const RECURRENT: [string, RecurrentFactory][] = [
  ['KerasLSTM', (args) => new KerasLSTM(args)],
  ['KerasGRU', (args) => new KerasGRU(args)],
  ['KerasSimpleRNN', (args) => new KerasSimpleRNN(args)],
];

/** Σ coef[b] · y[b, …]: a loss whose gradient differs per row. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  const coef = tf.reshape(tf.tensor1d(COEF), [B, ...y.shape.slice(1).map(() => 1)]);
  return tf.sum(tf.mul(y, coef));
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/** Runs `f` on the CPU backend and returns to wasm. */
async function onCpu<R>(f: () => R): Promise<R> {
  await tf.setBackend('cpu');
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

function weightsOf(model: tfl.LayersModel): { values: Float32Array; shape: number[] }[] {
  return model.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }));
}

function setWeights(model: tfl.LayersModel, weights: { values: Float32Array; shape: number[] }[]): void {
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** The loss and its gradient for every trainable weight of `model` on `x`, in training mode. */
function trainingGradients(model: tfl.LayersModel, x: tf.Tensor): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(
      () => weightedSum(model.apply(x, { training: true }) as tf.Tensor),
      vars,
    );
    return { loss: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array) };
  });
}

/** The `ids` argument each cell's `fusedCall` got in the calls `f` made (null: the general path). */
function idsArguments(layers: CellRNN[], f: () => void): unknown[] {
  const spies = layers.map((layer) => vi.spyOn(layer.cell as unknown as KerasCell, 'fusedCall'));
  try {
    f();
    return spies.flatMap((spy) => spy.mock.calls.map((call) => call[5]));
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe.each(RECURRENT)('%s paired with an Embedding by the model graph', (_name, make) => {
  it('differentiates with respect to the embedding output through the general path, as the CPU backend does', async () => {
    const before = tf.memory().numTensors;
    const input = tfl.input({ shape: [T], dtype: 'int32' });
    const emb = new KerasEmbedding({ inputDim: VOCAB, outputDim: DIM });
    const rnn = make({ units: 5, seed: 1, returnSequences: true });
    const model = tfl.model({ inputs: input, outputs: rnn.apply(emb.apply(input)) as tfl.SymbolicTensor });
    const weights = weightsOf(model);
    const ids = tf.tensor2d(IDS, [B, T], 'int32');
    // The output of the paired Embedding, made outside the tape: tf.grad with respect to it needs its own gradient.
    const e = emb.apply(ids) as tf.Tensor;
    const embedded = e.dataSync().slice();
    let grad: Float32Array | undefined;
    const used = idsArguments([rnn], () => {
      grad = tf.tidy(
        () =>
          tf
            .grad((t) => weightedSum(rnn.apply(t) as tf.Tensor))(e)
            .dataSync() as Float32Array,
      );
    });
    expect(used).toEqual([null]);
    // Inside a model run the same layers take the ids (their gradient goes to the table).
    const paired = idsArguments([rnn], () => void trainingGradients(model, ids));
    expect(paired).toHaveLength(1);
    expect(paired[0]).not.toBeNull();
    tf.dispose([ids, e]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const reference = await onCpu(() => {
      const twin = make({ units: 5, seed: 1, returnSequences: true, fused: false });
      const twinModel = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [T, DIM] }), twin] });
      setWeights(twinModel, weights.slice(1));
      const out = tf.tidy(() => {
        const t = tf.tensor3d(embedded, [B, T, DIM]);
        return tf
          .grad((v) => weightedSum(twin.apply(v) as tf.Tensor))(t)
          .dataSync() as Float32Array;
      });
      twinModel.dispose();
      return out;
    });
    expect(grad!.some((v) => v !== 0)).toBe(true);
    expectClose(grad!, reference);
  });
});

describe('the general path', () => {
  it('gives the CPU backend’s gradients with respect to a float model input', async () => {
    const build = (fused: boolean) => {
      const input = tfl.input({ shape: [T, 4] });
      const h = new KerasLSTM({ units: 5, seed: 1, returnSequences: true, fused }).apply(input);
      const g = new KerasGRU({ units: 3, seed: 2, fused }).apply(h);
      return tfl.model({
        inputs: input,
        outputs: tfl.layers.dense({ units: 1 }).apply(g) as tfl.SymbolicTensor,
      });
    };
    const x = Float32Array.from({ length: B * T * 4 }, (_, i) => Math.sin(i * 0.7));
    const gradWrtInput = (model: tfl.LayersModel) =>
      tf.tidy(
        () =>
          tf
            .grad((v) => weightedSum(model.apply(v, { training: true }) as tf.Tensor))(
              tf.tensor3d(x, [B, T, 4]),
            )
            .dataSync() as Float32Array,
      );
    const before = tf.memory().numTensors;
    const model = build(true);
    const weights = weightsOf(model);
    const fused = gradWrtInput(model);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const reference = await onCpu(() => {
      const twin = build(false);
      setWeights(twin, weights);
      const out = gradWrtInput(twin);
      twin.dispose();
      return out;
    });
    expect(fused.some((v) => v !== 0)).toBe(true);
    expectClose(fused, reference);
  });

  for (const [label, between] of [
    ['a Dense layer', () => tfl.layers.dense({ units: 4 })],
    ['a Dropout layer (training)', () => tfl.layers.dropout({ rate: 0.3, seed: 7 })],
  ] as const) {
    it(`takes ${label} between an Embedding and an LSTM, with the CPU backend’s outputs and gradients`, async () => {
      const build = (fused: boolean) => {
        const input = tfl.input({ shape: [T], dtype: 'int32' });
        const emb = new KerasEmbedding({ inputDim: VOCAB, outputDim: DIM }).apply(input);
        const lstm = new KerasLSTM({ units: 5, seed: 1, dropout: 0.2, fused });
        const h = lstm.apply(between().apply(emb));
        const out = tfl.layers.dense({ units: 1 }).apply(h) as tfl.SymbolicTensor;
        return { model: tfl.model({ inputs: input, outputs: out }), lstm };
      };
      const before = tf.memory().numTensors;
      const { model, lstm } = build(true);
      const weights = weightsOf(model);
      const ids = tf.tensor2d(IDS, [B, T], 'int32');
      let fused: { loss: number; grads: Float32Array[] } | undefined;
      const used = idsArguments([lstm], () => {
        fused = trainingGradients(model, ids);
      });
      expect(used).toEqual([null]);
      // The table's gradient goes through the layer in between and the Embedding's own gradient.
      const kernels = (await tf.profile(() => void trainingGradients(model, ids))).kernelNames;
      expect(kernels).toContain('UnsortedSegmentSum');
      const predicted = tf.tidy(() => (model.predict(ids) as tf.Tensor).dataSync() as Float32Array);
      ids.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);

      const reference = await onCpu(() => {
        const twin = build(false).model;
        setWeights(twin, weights);
        const x = tf.tensor2d(IDS, [B, T], 'int32');
        const out = {
          ...trainingGradients(twin, x),
          predicted: tf.tidy(() => (twin.predict(x) as tf.Tensor).dataSync() as Float32Array),
        };
        x.dispose();
        twin.dispose();
        return out;
      });
      expectClose(predicted, reference.predicted);
      expect(fused!.loss).toBeCloseTo(reference.loss, 5);
      expect(fused!.grads).toHaveLength(reference.grads.length);
      fused!.grads.forEach((g, i) => {
        expectClose(g, reference.grads[i]!);
      });
    });
  }
});

describe('the paired path', () => {
  it.each([
    ['simple-rnn-onehot', false, [true]],
    ['embedding-simple-rnn', false, [true]],
    ['lstm', false, [true]],
    ['stacked-lstm', false, [true, false]],
    ['gru', false, [true]],
    ['peephole-lstm', false, [true]],
    ['bidirectional-lstm', false, [true, true]],
    ['simple-rnn-onehot', true, [true]],
    ['embedding-simple-rnn', true, [true]],
    ['lstm', true, [true]],
    ['stacked-lstm', true, [true, false]],
    ['gru', true, [true]],
    ['peephole-lstm', true, [true]],
    ['bidirectional-lstm', true, [true, true]],
  ] as const)(
    'is taken by the first recurrent layer of the zoo model %s (maskZero: %s), in training',
    (name, maskZero, expected) => {
      const model = createModel(name, { numWords: VOCAB, maxlen: T, seed: 2, maskZero });
      const recurrent = model.layers.flatMap((l) => {
        const w = l as unknown as { forwardLayer?: CellRNN; backwardLayer?: CellRNN };
        if (w.forwardLayer !== undefined) return [w.forwardLayer, w.backwardLayer!];
        return 'offerIds' in l ? [l as unknown as CellRNN] : [];
      });
      const ids = tf.tensor2d(IDS, [B, T], 'int32');
      const used = idsArguments(recurrent, () => void trainingGradients(model, ids));
      expect(used.map((lookup) => lookup !== null)).toEqual(expected);
      ids.dispose();
      model.dispose();
    },
  );

  it('reads the ids in both layers of a Bidirectional, and the table’s gradient comes from the kernel', async () => {
    const model = createModel('bidirectional-lstm', { numWords: VOCAB, maxlen: T, seed: 2 });
    const wrapper = model.layers.find((l) => l.name === 'bidirectional') as unknown as {
      forwardLayer: CellRNN;
      backwardLayer: CellRNN;
    };
    const ids = tf.tensor2d(IDS, [B, T], 'int32');
    const used = idsArguments(
      [wrapper.forwardLayer, wrapper.backwardLayer],
      () => void trainingGradients(model, ids),
    );
    expect(used).toHaveLength(2);
    for (const lookup of used) expect((lookup as { table: unknown }).table).toBe(model.getWeights()[0]);
    const kernels = (await tf.profile(() => void trainingGradients(model, ids))).kernelNames;
    expect(kernels).not.toContain('UnsortedSegmentSum');
    ids.dispose();
    model.dispose();
  });

  it('takes each of two Embeddings’ ids in an LSTM shared by both, with the CPU backend’s gradients', async () => {
    const build = (fused: boolean) => {
      const inputs = [tfl.input({ shape: [T], dtype: 'int32' }), tfl.input({ shape: [T], dtype: 'int32' })];
      const lstm = new KerasLSTM({ units: 4, seed: 1, fused });
      const [a, b] = inputs.map((input) =>
        lstm.apply(new KerasEmbedding({ inputDim: VOCAB, outputDim: DIM }).apply(input)),
      ) as [tfl.SymbolicTensor, tfl.SymbolicTensor];
      const out = tfl.layers.dense({ units: 1 }).apply(tfl.layers.concatenate().apply([a, b]));
      return { model: tfl.model({ inputs, outputs: out as tfl.SymbolicTensor }), lstm };
    };
    const second = Int32Array.from(IDS, (id) => (id * 3 + 1) % VOCAB);
    const { model, lstm } = build(true);
    const weights = weightsOf(model);
    const x = [tf.tensor2d(IDS, [B, T], 'int32'), tf.tensor2d(second, [B, T], 'int32')];
    const gradients = (m: tfl.LayersModel, xs: tf.Tensor[]) =>
      tf.tidy(() => {
        const vars = m.trainableWeights.map((w) => w.read() as tf.Variable);
        const { grads } = tf.variableGrads(
          () => weightedSum(m.apply(xs, { training: true }) as tf.Tensor),
          vars,
        );
        return vars.map((v) => grads[v.name]!.dataSync() as Float32Array);
      });
    let fused: Float32Array[] = [];
    const used = idsArguments([lstm], () => {
      fused = gradients(model, x);
    });
    expect(used).toHaveLength(2);
    const tables = model.layers
      .filter((l) => l instanceof KerasEmbedding)
      .map((l) => l.trainableWeights[0]!.read());
    expect(tables).toHaveLength(2);
    const usedTables = used.map((lookup) => (lookup as { table: unknown }).table);
    expect(usedTables).toContain(tables[0]);
    expect(usedTables).toContain(tables[1]);
    tf.dispose(x);
    model.dispose();
    const reference = await onCpu(() => {
      const twin = build(false).model;
      setWeights(twin, weights);
      const xs = [tf.tensor2d(IDS, [B, T], 'int32'), tf.tensor2d(second, [B, T], 'int32')];
      const out = gradients(twin, xs);
      tf.dispose(xs);
      twin.dispose();
      return out;
    });
    expect(fused).toHaveLength(reference.length);
    fused.forEach((g, i) => {
      expectClose(g, reference[i]!);
    });
  });

  it('hands one-hot ids only to the layers the OneHot output feeds, not through a layer in between', () => {
    const input = tfl.input({ shape: [T] });
    const direct = new KerasSimpleRNN({ units: 4, inputGradient: false, seed: 1 });
    const after = new KerasSimpleRNN({ units: 4, inputGradient: false, seed: 1 });
    const onehot = new OneHot({ depth: VOCAB }).apply(input) as tfl.SymbolicTensor;
    const outputs = [
      direct.apply(onehot) as tfl.SymbolicTensor,
      after.apply(tfl.layers.activation({ activation: 'linear' }).apply(onehot)) as tfl.SymbolicTensor,
    ];
    const model = tfl.model({ inputs: input, outputs });
    const ids = tf.tensor2d(Float32Array.from(IDS), [B, T]);
    let values: number[][] = [];
    const used = idsArguments([direct], () => {
      values = tf.tidy(() => (model.predict(ids) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
    });
    expect(used).toHaveLength(1);
    expect((used[0] as { table: unknown } | null)?.table).toBeNull();
    expect(idsArguments([after], () => tf.dispose(model.predict(ids) as tf.Tensor[]))).toEqual([null]);
    // The same weights on the ids and on the floats.
    after.setWeights(direct.getWeights());
    const again = tf.tidy(() => (model.predict(ids) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
    expectClose(again[1]!, values[0]!, 1e-6);
    ids.dispose();
    model.dispose();
  });
});
