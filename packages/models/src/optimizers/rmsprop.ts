// Port of tfjs-core src/optimizers/rmsprop_optimizer.ts (applyGradients), fused into one float32 pass per variable.
import * as tf from '@tensorflow/tfjs-core';
import { ModelsError } from '../errors.js';

/** Arguments of {@link RMSprop}: Keras' `keras.optimizers.RMSprop` names and defaults. */
export interface RMSpropArgs {
  /**
   * Step size.
   * @default 0.001
   */
  learningRate?: number;
  /**
   * Discounting factor of the moving average of squared gradients (tfjs' `decay`).
   * @default 0.9
   */
  rho?: number;
  /**
   * Momentum of the update; 0 for none.
   * @default 0
   */
  momentum?: number;
  /**
   * Added to the mean square before the square root, for numerical stability.
   * @default 1e-7
   */
  epsilon?: number;
  /**
   * Whether to normalise by the centered second moment (the mean square minus the squared mean gradient). This
   * variant runs tfjs' own kernel-by-kernel update.
   * @default false
   */
  centered?: boolean;
}

/** What `applyGradients` takes: a map or a list of named gradients (tfjs does not export the list's type). */
type VariableGradients = Parameters<tf.Optimizer['applyGradients']>[0];

interface SlotVariable {
  originalName: string;
  variable: tf.Variable;
}

/** The parent's slot variables: private in tfjs' typings, but they are what its `getWeights`/`setWeights` use. */
interface RMSPropSlots {
  accumulatedMeanSquares: SlotVariable[];
  accumulatedMoments: SlotVariable[];
  centered: boolean;
}

const f32 = Math.fround;

function check(name: string, value: unknown, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ModelsError(
      'INVALID_OPTION',
      `RMSprop: invalid ${name}. Expected a finite number ${expected}; received ${String(value)}.`,
    );
  }
  return value;
}

/** The update's scalars, each already rounded to float32 as tfjs rounds them. */
interface UpdateConstants {
  decay: number;
  oneMinusDecay: number;
  learningRate: number;
  momentum: number;
  epsilon: number;
}

/**
 * tfjs' non-centered update, element by element, with a float32 rounding after every op in tfjs' order:
 * ms' = ms·decay + g²·(1-decay); mom' = mom·momentum + (g·lr) / sqrt(ms' + eps); w' = w - mom'.
 */
function update(
  g: Float32Array,
  w: Float32Array,
  ms: Float32Array,
  mom: Float32Array,
  next: { meanSquare: Float32Array; moment: Float32Array; value: Float32Array },
  c: UpdateConstants,
): void {
  const { decay, oneMinusDecay, learningRate, momentum, epsilon } = c;
  const { meanSquare, moment, value } = next;
  for (let k = 0; k < w.length; k++) {
    const gk = g[k]!;
    const msk = f32(f32(ms[k]! * decay) + f32(f32(gk * gk) * oneMinusDecay));
    // With momentum 0 this is still mom·0 (±0, or NaN for an infinite moment) plus the step, as in tfjs.
    const momk = f32(
      f32(mom[k]! * momentum) + f32(f32(gk * learningRate) / f32(Math.sqrt(f32(msk + epsilon)))),
    );
    meanSquare[k] = msk;
    moment[k] = momk;
    value[k] = w[k]! - momk; // the store rounds to float32
  }
}

/** `variable.assign` of new values, freeing the temporary tensor (cheaper than a tidy scope per variable). */
function assignValues(variable: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, variable.shape, 'float32');
  try {
    variable.assign(t);
  } finally {
    t.dispose();
  }
}

/**
 * RMSprop that updates each variable in one JavaScript pass instead of ten tfjs kernels, with results bit-identical
 * to `tf.train.rmsprop(learningRate, rho, momentum, epsilon)`: every step is rounded to float32 in tfjs' order.
 * It is a `tf.RMSPropOptimizer` (class name `RMSProp`), so its slots, `getWeights`/`setWeights`, config and a
 * changed `learningRate` (e.g. by `ReduceLROnPlateau`) work as in tfjs.
 */
export class RMSprop extends tf.RMSPropOptimizer {
  constructor(args: RMSpropArgs = {}) {
    const learningRate = check('learningRate', args.learningRate ?? 0.001, (v) => v > 0, '> 0');
    const rho = check('rho', args.rho ?? 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)');
    const momentum = check('momentum', args.momentum ?? 0, (v) => v >= 0, '>= 0');
    const epsilon = check('epsilon', args.epsilon ?? 1e-7, (v) => v >= 0, '>= 0');
    const centered = args.centered ?? false;
    if (typeof centered !== 'boolean') {
      throw new ModelsError(
        'INVALID_OPTION',
        `RMSprop: invalid centered. Expected true or false; received ${String(centered)}.`,
      );
    }
    super(learningRate, rho, momentum, epsilon, centered);
  }

  /**
   * Whether `instance` is an `RMSprop` (or a subclass). tfjs makes `instanceof` on any optimizer class true for every
   * optimizer; this restores the ordinary prototype check for this class.
   */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: a subclass inherits this and must test its own prototype.
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  override applyGradients(variableGradients: VariableGradients): void {
    const slots = this as unknown as RMSPropSlots;
    if (slots.centered) {
      super.applyGradients(variableGradients);
      return;
    }
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((item) => item.name)
      : Object.keys(variableGradients);
    // tfjs turns each number into a float32 scalar tensor; 1 - decay is taken in float64 first.
    const constants: UpdateConstants = {
      decay: f32(this.decay),
      oneMinusDecay: f32(1 - this.decay),
      learningRate: f32(this.learningRate),
      momentum: f32(this.momentum),
      epsilon: f32(this.epsilon),
    };
    const registered = tf.engine().registeredVariables;
    names.forEach((name, i) => {
      const value = registered[name];
      if (value === undefined) {
        throw new ModelsError(
          'INVALID_DATA',
          `RMSprop.applyGradients: got a gradient for "${name}", expected the name of a registered variable; ` +
            'received a name no variable has.',
        );
      }
      // Slots as tfjs creates them (names, order, zeros), even for a variable without a gradient this step.
      slots.accumulatedMeanSquares[i] ??= {
        originalName: `${name}/rms`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      slots.accumulatedMoments[i] ??= {
        originalName: `${name}/momentum`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      };
      const gradient = Array.isArray(variableGradients)
        ? variableGradients[i]!.tensor
        : variableGradients[name];
      if (gradient == null) return;
      if (!tf.util.arraysEqual(gradient.shape, value.shape)) {
        throw new ModelsError(
          'INVALID_DATA',
          `RMSprop.applyGradients: the gradient of "${name}" must have the variable's shape ` +
            `${JSON.stringify(value.shape)}; received shape ${JSON.stringify(gradient.shape)}.`,
        );
      }
      const meanSquareVar = slots.accumulatedMeanSquares[i].variable;
      const momentVar = slots.accumulatedMoments[i].variable;
      // New arrays: on the cpu backend dataSync returns the tensor's own storage, and tf.tensor keeps its input.
      const n = value.size;
      const next = {
        meanSquare: new Float32Array(n),
        moment: new Float32Array(n),
        value: new Float32Array(n),
      };
      update(
        gradient.dataSync() as Float32Array,
        value.dataSync() as Float32Array,
        meanSquareVar.dataSync() as Float32Array,
        momentVar.dataSync() as Float32Array,
        next,
        constants,
      );
      assignValues(meanSquareVar, next.meanSquare);
      assignValues(momentVar, next.moment);
      assignValues(value, next.value);
    });
    this.incrementIterations();
  }

  /** Recreates the optimizer from {@link getConfig}'s tfjs config (`decay` is Keras' `rho`). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const args: RMSpropArgs = {
      learningRate: config['learningRate'] as number,
      rho: config['decay'] as number,
      momentum: config['momentum'] as number,
      epsilon: config['epsilon'] as number,
      centered: config['centered'] as boolean,
    };
    return new cls(args);
  }
}

/**
 * Creates an {@link RMSprop} optimizer: Keras' `RMSprop`, bit-identical to `tf.train.rmsprop` and faster.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: rmsprop({ learningRate: 1e-4 }), loss: 'binaryCrossentropy' });
 * ```
 */
export function rmsprop(args: RMSpropArgs = {}): RMSprop {
  return new RMSprop(args);
}
