import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, type IdMatrix, ModelsError, RMSprop, rmsprop, trainLesson } from '../src/index.js';

beforeAll(async () => {
  const info = await initWasm();
  expect(info.backend).toBe('wasm');
});

/** Mulberry32, for gradients that are the same on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mostly ordinary values, with zeros (both signs), huge, tiny and subnormal ones mixed in. */
function awkwardValues(size: number, random: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const sign = random() < 0.5 ? -1 : 1;
    const kind = random();
    if (kind < 0.08) out[i] = sign * 0;
    else if (kind < 0.12)
      out[i] = sign * 10 ** (15 + random() * 23); // up to ~1e38: g² overflows to Infinity
    else if (kind < 0.16)
      out[i] = sign * 10 ** (-45 + random() * 25); // tiny, down to subnormals
    else out[i] = sign * random() * 10 ** (random() * 6 - 4);
  }
  return out;
}

/** The float32 bit patterns, so -0 ≠ 0 and every last bit counts. */
function bits(t: tf.Tensor): number[] {
  const data = t.dataSync() as Float32Array;
  return Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
}

const SHAPES: number[][] = [[], [7], [500, 16], [3, 4, 5]];
let variableCount = 0;

interface Run {
  values: number[][];
  slots: { name: string; bits: number[] }[];
  iterations: number;
}

/** `steps` updates of fresh variables (one per shape, same start values) by `optimizer`, with seeded gradients. */
async function run(
  optimizer: tf.Optimizer,
  steps: number,
  form: 'map' | 'array',
  gradientAt: (step: number, variable: number, size: number) => Float32Array,
): Promise<Run> {
  const init = generator(99);
  const variables = SHAPES.map((shape, v) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const start = awkwardValues(size, init);
    if (v === 1) start.fill(0, 0, 3); // zero weights, to see the sign of w - (±0)
    return tf.variable(tf.tensor(start, shape, 'float32'), true, `rmsprop-test-${v}-${variableCount++}`);
  });
  for (let step = 0; step < steps; step++) {
    const grads = variables.map((v, i) => tf.tensor(gradientAt(step, i, v.size), v.shape, 'float32'));
    if (form === 'array') {
      optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    } else {
      optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, grads[i]!])));
    }
    tf.dispose(grads);
  }
  const weights = await optimizer.getWeights();
  const result: Run = {
    values: variables.map(bits),
    // Slot names carry the (random) variable names; keep only the suffix.
    slots: weights.map((w) => ({ name: w.name.replace(/^rmsprop-test-[^/]*/, 'v'), bits: bits(w.tensor) })),
    iterations: optimizer.iterations,
  };
  tf.dispose(weights.map((w) => w.tensor));
  tf.dispose(variables);
  optimizer.dispose();
  return result;
}

function seededGradients(seed: number): (step: number, variable: number, size: number) => Float32Array {
  const cache = new Map<string, Float32Array>();
  return (step, variable, size) => {
    const key = `${step}/${variable}`;
    let g = cache.get(key);
    if (g === undefined) {
      g = awkwardValues(size, generator(seed * 1000 + step * 10 + variable));
      // Every few steps a variable gets an all-zero gradient.
      if ((step + variable) % 7 === 3) g.fill(0);
      cache.set(key, g);
    }
    return g;
  };
}

describe('RMSprop is bit-identical to tf.train.rmsprop', () => {
  const cases = [
    { learningRate: 1e-4, rho: 0.9, momentum: 0, epsilon: 1e-7, form: 'array' as const },
    { learningRate: 1e-4, rho: 0.9, momentum: 0, epsilon: 1e-7, form: 'map' as const },
    { learningRate: 0.01, rho: 0.9, momentum: 0.9, epsilon: 1e-7, form: 'array' as const },
    { learningRate: 0.003, rho: 0.95, momentum: 0.5, epsilon: 1e-3, form: 'map' as const },
    { learningRate: 0.1, rho: 0, momentum: 0, epsilon: 0, form: 'array' as const },
  ];
  it.each(cases)(
    'lr $learningRate, rho $rho, momentum $momentum, epsilon $epsilon, $form form',
    async (c) => {
      const steps = 25;
      const gradients = seededGradients(7);
      const stock = await run(
        tf.train.rmsprop(c.learningRate, c.rho, c.momentum, c.epsilon),
        steps,
        c.form,
        gradients,
      );
      const ours = await run(rmsprop(c), steps, c.form, gradients);
      expect(ours.iterations).toBe(steps);
      expect(ours.slots.map((s) => s.name)).toEqual(stock.slots.map((s) => s.name));
      expect(ours.slots.map((s) => s.name)).toEqual([
        'iter',
        ...SHAPES.map(() => 'v/rms'),
        ...SHAPES.map(() => 'v/momentum'),
      ]);
      // Compared as bit patterns, one variable at a time so a failure says which.
      for (const [i, values] of ours.values.entries())
        expect(values, `variable ${i}`).toEqual(stock.values[i]);
      for (const [i, slot] of ours.slots.entries())
        expect(slot.bits, `slot ${i}`).toEqual(stock.slots[i]!.bits);
      // The run did move the weights (a no-op optimizer would not match tfjs, but check the test sees updates).
      expect(ours.values[2]).not.toEqual((await run(rmsprop(c), 0, c.form, gradients)).values[2]);
    },
  );

  it('matches tfjs on infinite and NaN gradients, with and without momentum', async () => {
    for (const momentum of [0, 0.9]) {
      const gradients = (step: number, variable: number, size: number): Float32Array => {
        const g = seededGradients(3)(step, variable, size);
        if (step === 4) g[0] = Number.POSITIVE_INFINITY;
        if (step === 6 && size > 1) g[1] = Number.NEGATIVE_INFINITY;
        if (step === 8 && size > 2) g[2] = Number.NaN;
        return g;
      };
      const stock = await run(tf.train.rmsprop(1e-3, 0.9, momentum, 1e-7), 12, 'array', gradients);
      const ours = await run(rmsprop({ learningRate: 1e-3, momentum }), 12, 'array', gradients);
      expect(ours.values).toEqual(stock.values);
      expect(ours.slots).toEqual(stock.slots);
    }
  });

  it('skips a variable without a gradient as tfjs does, and falls back to tfjs for centered', async () => {
    const skipping = (step: number, variable: number, size: number) =>
      seededGradients(5)(step, variable, size);
    for (const centered of [false, true]) {
      const make = (stock: boolean): tf.Optimizer =>
        stock
          ? tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, centered)
          : rmsprop({ learningRate: 0.01, momentum: 0.5, centered });
      const sparse = async (optimizer: tf.Optimizer): Promise<number[][]> => {
        const a = tf.variable(tf.tensor1d([1, -2, 3]));
        const b = tf.variable(tf.tensor1d([0.5, 0.25]));
        for (let step = 0; step < 5; step++) {
          const ga = tf.tensor1d(skipping(step, 0, 3));
          const gb = tf.tensor1d(skipping(step, 1, 2));
          optimizer.applyGradients(step % 2 === 0 ? { [a.name]: ga, [b.name]: gb } : { [a.name]: ga });
          tf.dispose([ga, gb]);
        }
        const out = [bits(a), bits(b)];
        tf.dispose([a, b]);
        optimizer.dispose();
        return out;
      };
      expect(await sparse(make(false))).toEqual(await sparse(make(true)));
    }
  });
});

describe('RMSprop on the cpu backend', () => {
  it('is bit-identical there too and never writes into tensor storage (a variable shares its initial value’s)', async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    try {
      const gradients = seededGradients(17);
      const stock = await run(tf.train.rmsprop(0.01, 0.9, 0.9, 1e-7), 20, 'array', gradients);
      const ours = await run(rmsprop({ learningRate: 0.01, momentum: 0.9 }), 20, 'array', gradients);
      expect(ours).toEqual(stock);
      // On cpu, dataSync returns the tensor's own array and tf.variable(t) shares t's data.
      const initial = tf.tensor1d([1, -2, 3]);
      const v = tf.variable(initial);
      const g = tf.tensor1d([0.5, 0.5, -0.5]);
      const optimizer = rmsprop({ learningRate: 0.1 });
      optimizer.applyGradients([{ name: v.name, tensor: g }]);
      expect(Array.from(initial.dataSync())).toEqual([1, -2, 3]);
      expect(Array.from(g.dataSync())).toEqual([0.5, 0.5, -0.5]);
      expect(Array.from(v.dataSync())).not.toEqual([1, -2, 3]);
      optimizer.dispose();
      tf.dispose([initial, v, g]);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});

describe('RMSprop in training', () => {
  const MAXLEN = 12;
  function toyData(rows: number, seed: number): { x: IdMatrix; y: Float32Array } {
    const random = generator(seed);
    const data = new Int32Array(rows * MAXLEN);
    const y = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      y[r] = r % 2;
      for (let c = 0; c < MAXLEN; c++) data[r * MAXLEN + c] = c < 3 ? 0 : 8 + Math.floor(random() * 40);
      if (r % 2 === 1) data[r * MAXLEN + 3 + Math.floor(random() * (MAXLEN - 3))] = 7;
    }
    return { x: { data, shape: [rows, MAXLEN] }, y };
  }

  it('trainLesson compiles with it and gets the losses and weights of tf.train.rmsprop exactly', async () => {
    const { x, y } = toyData(96, 3);
    const validationData = toyData(16, 4);
    const options = { x, y, validationData, epochs: 3, batchSize: 16, learningRate: 1e-2, seed: 2 };

    const ours = createModel('embedding-simple-rnn', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    const oursHistory = await trainLesson({ model: ours, ...options });
    expect(ours.optimizer).toBeInstanceOf(RMSprop);

    const stock = createModel('embedding-simple-rnn', { numWords: 50, maxlen: MAXLEN, seed: 1 });
    stock.compile({
      optimizer: tf.train.rmsprop(1e-2, 0.9, 0, 1e-7),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const stockHistory = await trainLesson({ model: stock, ...options, compile: false });
    expect(Object.getPrototypeOf(stock.optimizer)).toBe(tf.RMSPropOptimizer.prototype);
    expect(stock.optimizer).not.toBeInstanceOf(RMSprop);

    expect(oursHistory.history).toEqual(stockHistory.history);
    const lossBits = (h: typeof oursHistory) => Array.from(new Float32Array(h.history['loss'] as number[]));
    expect((oursHistory.history['loss'] as number[])[2]).toBeLessThan(
      (oursHistory.history['loss'] as number[])[0]!,
    );
    expect(lossBits(oursHistory)).toEqual(lossBits(stockHistory));
    const oursWeights = ours.getWeights();
    const stockWeights = stock.getWeights();
    expect(oursWeights.length).toBe(3 + 3);
    for (const [i, w] of oursWeights.entries())
      expect(bits(w), `weight ${i}`).toEqual(bits(stockWeights[i]!));
    const oursSlots = await ours.optimizer.getWeights();
    const stockSlots = await stock.optimizer.getWeights();
    // The second model's weights are named `…_1`; otherwise the slot names are the same.
    const unsuffixed = (s: { name: string }) => s.name.replace(/_1\//, '/');
    expect(oursSlots.map((s) => s.name)).toEqual(stockSlots.map(unsuffixed));
    for (const [i, s] of oursSlots.entries())
      expect(bits(s.tensor), s.name).toEqual(bits(stockSlots[i]!.tensor));
    tf.dispose([...oursSlots, ...stockSlots].map((s) => s.tensor));
    (stock as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned = true;
    ours.dispose();
    stock.dispose();
  });

  it('leaks no tensors across steps', () => {
    const optimizer = rmsprop({ learningRate: 0.01, momentum: 0.9 });
    const w = tf.variable(tf.randomNormal([50, 8], 0, 1, 'float32', 1));
    const b = tf.variable(tf.zeros([8]));
    const x = tf.randomNormal([4, 50], 0, 1, 'float32', 2);
    const loss = () => tf.tidy(() => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar);
    tf.dispose(optimizer.minimize(loss, true) ?? []); // creates the slots
    const after = tf.memory().numTensors;
    const before = bits(w);
    for (let i = 0; i < 50; i++) tf.dispose(optimizer.minimize(loss, true) ?? []);
    expect(tf.memory().numTensors).toBe(after);
    expect(bits(w)).not.toEqual(before);
    optimizer.dispose();
    tf.dispose([w, b, x]);
  });

  it('uses a changed learningRate (as ReduceLROnPlateau sets it) from the next step, like tfjs', async () => {
    const changed = (optimizer: tf.Optimizer): tf.Optimizer => {
      (optimizer as unknown as { learningRate: number }).learningRate = Math.fround(0.0025);
      return optimizer;
    };
    const gradients = seededGradients(11);
    const ours = changed(rmsprop({ learningRate: 0.01 }));
    expect(ours.getClassName()).toBe('RMSProp');
    const oursRun = await run(ours, 4, 'array', gradients);
    expect(oursRun).toEqual(await run(changed(tf.train.rmsprop(0.01, 0.9, 0, 1e-7)), 4, 'array', gradients));
    expect(oursRun).not.toEqual(await run(rmsprop({ learningRate: 0.01 }), 4, 'array', gradients));
  });
});

describe('RMSprop as a tfjs RMSPropOptimizer', () => {
  it('has tfjs’ class name and config, and Keras’ defaults', () => {
    const optimizer = rmsprop();
    expect(optimizer).toBeInstanceOf(tf.RMSPropOptimizer);
    expect(optimizer).toBeInstanceOf(RMSprop);
    const adam = tf.train.adam();
    expect(adam).not.toBeInstanceOf(RMSprop);
    adam.dispose();
    expect(optimizer.getClassName()).toBe('RMSProp');
    expect(optimizer.getConfig()).toEqual({
      learningRate: 0.001,
      decay: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    const copy = RMSprop.fromConfig(RMSprop, { ...optimizer.getConfig(), momentum: 0.5 }) as RMSprop;
    expect(copy).toBeInstanceOf(RMSprop);
    expect(copy.getConfig()).toEqual({ ...optimizer.getConfig(), momentum: 0.5 });
    optimizer.dispose();
    copy.dispose();
  });

  it('saves and restores its state through getWeights/setWeights, to and from tfjs’ optimizer', async () => {
    const gradients = seededGradients(13);
    const a = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
    const b = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]));
    const stepBoth = (first: tf.Optimizer, second: tf.Optimizer, step: number) => {
      const g = tf.tensor2d(gradients(step, 0, 6), [2, 3]);
      first.applyGradients([{ name: a.name, tensor: g }]);
      second.applyGradients([{ name: b.name, tensor: g }]);
      g.dispose();
    };
    const ours = rmsprop({ learningRate: 0.01, momentum: 0.9 });
    const stock = tf.train.rmsprop(0.01, 0.9, 0.9, 1e-7);
    for (let step = 0; step < 3; step++) stepBoth(ours, stock, step);
    // Swap the states: each continues with the other's slots.
    const oursState = await ours.getWeights();
    const stockState = await stock.getWeights();
    const oursNext = rmsprop({ learningRate: 0.01, momentum: 0.9 });
    const stockNext = tf.train.rmsprop(0.01, 0.9, 0.9, 1e-7);
    await oursNext.setWeights(stockState);
    await stockNext.setWeights(oursState);
    expect(oursNext.iterations).toBe(3);
    for (let step = 3; step < 6; step++) stepBoth(oursNext, stockNext, step);
    expect(bits(a)).toEqual(bits(b));
    const x = await oursNext.getWeights();
    const y = await stockNext.getWeights();
    expect(x.map((w) => bits(w.tensor))).toEqual(y.map((w) => bits(w.tensor)));
    tf.dispose([a, b, ...[oursState, stockState, x, y].flat().map((w) => w.tensor)]);
    for (const o of [ours, stock, oursNext, stockNext]) o.dispose();
  });

  it.each([
    [{ learningRate: 0 }, 'learningRate', 'a finite number > 0', '0'],
    [{ learningRate: -1e-3 }, 'learningRate', 'a finite number > 0', '-0.001'],
    [{ learningRate: Number.NaN }, 'learningRate', 'a finite number > 0', 'NaN'],
    [{ rho: 1 }, 'rho', 'a finite number in [0, 1)', '1'],
    [{ rho: -0.1 }, 'rho', 'a finite number in [0, 1)', '-0.1'],
    [{ momentum: -0.5 }, 'momentum', 'a finite number >= 0', '-0.5'],
    [{ momentum: Number.POSITIVE_INFINITY }, 'momentum', 'a finite number >= 0', 'Infinity'],
    [{ epsilon: -1e-7 }, 'epsilon', 'a finite number >= 0', '-1e-7'],
    [{ epsilon: '1e-7' as unknown as number }, 'epsilon', 'a finite number >= 0', '1e-7'],
  ])('rejects %o with INVALID_OPTION', (args, name, expected, received) => {
    const error = (() => {
      try {
        rmsprop(args);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as ModelsError).code).toBe('INVALID_OPTION');
    expect((error as Error).message).toBe(
      `RMSprop: invalid ${name}. Expected ${expected}; received ${received}.`,
    );
  });

  it('rejects a non-boolean centered, a gradient for an unknown variable and one of the wrong shape', () => {
    expect(() => rmsprop({ centered: 1 as unknown as boolean })).toThrow(
      'RMSprop: invalid centered. Expected true or false; received 1.',
    );
    const optimizer = rmsprop();
    const g = tf.scalar(1);
    expect(() => optimizer.applyGradients({ 'no-such-variable': g })).toThrow(ModelsError);
    const v = tf.variable(tf.zeros([2, 3]), true, 'rmsprop-test-shape');
    expect(() => optimizer.applyGradients({ [v.name]: g })).toThrow(
      'RMSprop.applyGradients: the gradient of "rmsprop-test-shape" must have the variable\'s shape [2,3]; ' +
        'received shape [].',
    );
    tf.dispose([g, v]);
    optimizer.dispose();
  });
});
