// Port of tfjs-core src/optimizers/rmsprop_optimizer.ts (applyGradients), fused into one float32 pass per variable.
import {
  isWasmKernelRegistered,
  RMSPROP_UPDATE,
  type RmspropConstants,
  type RmspropUpdateAttrs,
  rmspropUpdate,
} from '@seqlab/wasm';
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
    const constants: RmspropConstants = {
      decay: f32(this.decay),
      oneMinusDecay: f32(1 - this.decay),
      learningRate: f32(this.learningRate),
      momentum: f32(this.momentum),
      epsilon: f32(this.epsilon),
    };
    const registered = tf.engine().registeredVariables;
    const steps: { value: tf.Variable; gradient: tf.Tensor; meanSquare: tf.Variable; moment: tf.Variable }[] =
      [];
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
      steps.push({
        value,
        gradient,
        meanSquare: slots.accumulatedMeanSquares[i].variable,
        moment: slots.accumulatedMoments[i].variable,
      });
    });
    if (steps.length > 0 && tf.getBackend() === 'wasm' && isWasmKernelRegistered(RMSPROP_UPDATE)) {
      // On wasm, every variable's step in one kernel call that reads and writes the heap directly.
      const inputs: Record<string, tf.Tensor> = {};
      steps.forEach((s, i) => {
        inputs[`value${i}`] = s.value;
        inputs[`gradient${i}`] = s.gradient;
        inputs[`meanSquare${i}`] = s.meanSquare;
        inputs[`moment${i}`] = s.moment;
      });
      const attrs: RmspropUpdateAttrs = { ...constants, count: steps.length };
      const outs = tf
        .engine()
        .runKernel(RMSPROP_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      steps.forEach((s, i) => {
        s.meanSquare.assign(outs[3 * i]!);
        s.moment.assign(outs[3 * i + 1]!);
        s.value.assign(outs[3 * i + 2]!);
      });
      tf.dispose(outs);
    } else {
      for (const s of steps) {
        // New arrays: on the cpu backend dataSync returns the tensor's own storage, and tf.tensor keeps its input.
        const n = s.value.size;
        const next = {
          meanSquare: new Float32Array(n),
          moment: new Float32Array(n),
          value: new Float32Array(n),
        };
        rmspropUpdate(
          s.gradient.dataSync(),
          s.value.dataSync(),
          s.meanSquare.dataSync(),
          s.moment.dataSync(),
          next,
          constants,
        );
        assignValues(s.meanSquare, next.meanSquare);
        assignValues(s.moment, next.moment);
        assignValues(s.value, next.value);
      }
    }
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
