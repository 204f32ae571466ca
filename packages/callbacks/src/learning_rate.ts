import type * as tf from '@tensorflow/tfjs-core';
import { CallbackError } from './errors.js';

/**
 * tfjs optimizers whose learning rate {@link setLearningRate} can change, by `getClassName()`. SGD and Momentum
 * keep `-learningRate` in a kept scalar, replaced through their `setLearningRate`; the others read their
 * `learningRate` field at every `applyGradients`.
 */
export const SUPPORTED_OPTIMIZERS: readonly string[] = [
  'SGD',
  'Momentum',
  'RMSProp',
  'Adam',
  'Adamax',
  'Adagrad',
  'Adadelta',
];

type WithLearningRate = { learningRate: number; setLearningRate?: (lr: number) => void };

function checked(optimizer: tf.Optimizer | undefined, what: string): WithLearningRate {
  const className = optimizer?.getClassName?.();
  if (optimizer == null || className === undefined || !SUPPORTED_OPTIMIZERS.includes(className)) {
    throw new CallbackError(
      'UNSUPPORTED_OPTIMIZER',
      `${what}: cannot access the learning rate of ${className ?? String(optimizer)}. Expected one of ` +
        `${SUPPORTED_OPTIMIZERS.join(', ')}.`,
    );
  }
  const holder = optimizer as unknown as WithLearningRate;
  if (typeof holder.learningRate !== 'number') {
    throw new CallbackError(
      'UNSUPPORTED_OPTIMIZER',
      `${what}: ${className}.learningRate is not a number (got ${String(holder.learningRate)}).`,
    );
  }
  return holder;
}

/** The learning rate a tfjs optimizer uses for its next update. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return checked(optimizer, 'getLearningRate').learningRate;
}

/** Changes the learning rate a tfjs optimizer uses from its next update on (see {@link SUPPORTED_OPTIMIZERS}). */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  if (typeof learningRate !== 'number' || !(learningRate >= 0)) {
    throw new CallbackError(
      'INVALID_ARGUMENT',
      `setLearningRate: the learning rate must be a non-negative number, got ${String(learningRate)}.`,
    );
  }
  const holder = checked(optimizer, 'setLearningRate');
  if (typeof holder.setLearningRate === 'function') holder.setLearningRate(learningRate);
  else holder.learningRate = learningRate;
}
