import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CallbackError,
  getLearningRate,
  ReduceLROnPlateau,
  reduceLROnPlateau,
  SUPPORTED_OPTIMIZERS,
  setLearningRate,
} from '../src/index.js';

beforeAll(async () => {
  await initWasm();
});

const makers: Record<string, (lr: number) => tf.Optimizer> = {
  SGD: (lr) => tf.train.sgd(lr),
  Momentum: (lr) => tf.train.momentum(lr, 0.9),
  RMSProp: (lr) => tf.train.rmsprop(lr),
  Adam: (lr) => tf.train.adam(lr),
  Adamax: (lr) => tf.train.adamax(lr),
  Adagrad: (lr) => tf.train.adagrad(lr),
  Adadelta: (lr) => tf.train.adadelta(lr),
};

/** Two update steps of `optimizer` on a fixed quadratic, from fixed weights. */
function steps(optimizer: tf.Optimizer, changeTo?: number): number[] {
  const v = tf.variable(tf.tensor1d([1, -2, 0.5]));
  const target = tf.tensor1d([0.3, 0.1, -0.7]);
  const loss = () => tf.sum(tf.square(tf.sub(v, target))) as tf.Scalar;
  if (changeTo !== undefined) setLearningRate(optimizer, changeTo);
  tf.dispose(optimizer.minimize(loss) ?? []);
  tf.dispose(optimizer.minimize(loss) ?? []);
  const out = Array.from(v.dataSync());
  tf.dispose([v, target]);
  optimizer.dispose();
  return out;
}

describe('learning rates of tfjs optimizers', () => {
  it.each(Object.keys(makers))('%s uses the changed rate in its next update, bit for bit', (name) => {
    const make = makers[name]!;
    const probe = make(0.5);
    expect(probe.getClassName()).toBe(name);
    const before = tf.memory().numTensors;
    for (const lr of [0.1, 0.2, 0.3]) setLearningRate(probe, lr);
    expect(getLearningRate(probe)).toBe(0.3);
    expect(tf.memory().numTensors).toBe(before);
    probe.dispose();
    const changed = steps(make(0.5), 0.0125);
    const fresh = steps(make(0.0125));
    const unchanged = steps(make(0.5));
    expect(changed).toEqual(fresh);
    expect(changed).not.toEqual(unchanged);
  });

  it('lists the supported optimizers and refuses others', () => {
    expect(SUPPORTED_OPTIMIZERS).toEqual(Object.keys(makers));
    const sgd = tf.train.sgd(0.1);
    expect(getLearningRate(sgd)).toBe(0.1);
    sgd.dispose();
    const other = { getClassName: () => 'Lion' } as unknown as tf.Optimizer;
    expect(() => getLearningRate(other)).toThrow(
      'getLearningRate: cannot access the learning rate of Lion. Expected one of SGD, Momentum, RMSProp, Adam, ' +
        'Adamax, Adagrad, Adadelta.',
    );
  });
});

describe('reduceLROnPlateau (Keras 3 algorithm)', () => {
  it('reduces with patience, cooldown and minLr exactly as Keras, and logs learning_rate', async () => {
    const optimizer = tf.train.rmsprop(0.001);
    const callback = reduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 0.0002 });
    callback.model = { optimizer } as unknown as tfl.LayersModel;
    await callback.onTrainBegin();
    const sequence = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.5];
    const logged: number[] = [];
    const after: number[] = [];
    for (const [epoch, v] of sequence.entries()) {
      const logs: Record<string, number> = { val_loss: v };
      await callback.onEpochEnd(epoch, logs);
      logged.push(logs['learning_rate']!);
      after.push(getLearningRate(optimizer));
    }
    const f = Math.fround;
    // tfjs keeps the initial rate as given; Keras' float32 variable holds f(0.001), which is what tfjs computes with.
    expect(after).toEqual([
      0.001,
      0.001,
      0.001,
      f(0.0005),
      f(0.0005),
      f(0.00025),
      f(0.00025),
      f(0.0002),
      f(0.0002),
      f(0.0002),
      f(0.0002),
    ]);
    expect(logged).toEqual([f(0.001), ...after.slice(0, -1).map(f)]);
    expect(callback.wait).toBe(2);
    optimizer.dispose();
  });

  it('maximises names containing "acc" in auto mode, and validates its arguments', async () => {
    expect(new ReduceLROnPlateau({ monitor: 'val_acc' }).best).toBe(-Infinity);
    expect(new ReduceLROnPlateau({ monitor: 'val_loss' }).best).toBe(Infinity);
    expect(() => reduceLROnPlateau({ factor: 1 })).toThrow(
      'ReduceLROnPlateau does not support a factor >= 1.0 or < 0. Expected 0 <= factor < 1; received factor=1.',
    );
    expect(() => reduceLROnPlateau({ patience: -2 })).toThrow(CallbackError);
    expect(() => reduceLROnPlateau({ mode: 'x' as 'min' })).toThrow(/Expected one of 'auto', 'min', 'max'/);
    const warnings: string[] = [];
    const callback = reduceLROnPlateau({ onWarning: (m) => warnings.push(m) });
    const optimizer = tf.train.adam(0.01);
    callback.model = { optimizer } as unknown as tfl.LayersModel;
    await callback.onEpochEnd(0, { loss: 1 });
    expect(warnings).toEqual([
      'Learning rate reduction is conditioned on metric `val_loss` which is not available. ' +
        'Available metrics are: loss,learning_rate.',
    ]);
    optimizer.dispose();
  });
});
