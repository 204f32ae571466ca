import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type IOHandlerFactory, resolveHandler } from './_target.js';
import { CallbackError } from './errors.js';

/** Options of {@link loadCheckpointWeights}. */
export interface LoadCheckpointWeightsOptions {
  /**
   * Makes the IOHandler to load from (as `modelCheckpoint`'s `handler`); otherwise tfjs' routers resolve the path.
   * @default undefined
   */
  handler?: IOHandlerFactory;
}

/**
 * Loads the weights of a checkpoint written by {@link modelCheckpoint} (full or `saveWeightsOnly`) into a built
 * model, matching them by position (the model must have the same architecture): tfjs' counterpart of Keras' `model.load_weights(filepath)`.
 *
 * @example
 * ```ts
 * await loadCheckpointWeights(model, 'runs/best');
 * ```
 */
export async function loadCheckpointWeights(
  model: tfl.LayersModel,
  filepathOrHandler: string | tf.io.IOHandler,
  options: LoadCheckpointWeightsOptions = {},
): Promise<void> {
  const handler =
    typeof filepathOrHandler === 'string'
      ? resolveHandler('loadCheckpointWeights', filepathOrHandler, 'load', options.handler)
      : filepathOrHandler;
  if (typeof handler.load !== 'function') {
    throw new CallbackError(
      'NO_SAVE_HANDLER',
      'loadCheckpointWeights: the IOHandler cannot load; expected a handler with load().',
    );
  }
  const artifacts = await handler.load();
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new CallbackError(
      'INVALID_ARGUMENT',
      'loadCheckpointWeights: the checkpoint holds no weights; expected weightSpecs and weightData, received ' +
        `${Object.keys(artifacts).join(', ')}.`,
    );
  }
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    // Full saves append the optimizer's state (group 'optimizer') after the model's weights. Weights are matched
    // by position, as Keras matches them by structure: tfjs' auto-generated layer names differ between instances.
    // A training state's callback tensors (group 'seqlab_state') come last as well.
    const specs = artifacts.weightSpecs.filter(
      (spec) => spec.group !== 'optimizer' && (spec.group as string | undefined) !== 'seqlab_state',
    );
    const targets = model.weights;
    if (specs.length !== targets.length) {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `loadCheckpointWeights: the checkpoint holds ${specs.length} weights; expected the model's ` +
          `${targets.length} (${targets.map((w) => w.originalName).join(', ')}).`,
      );
    }
    specs.forEach((spec, i) => {
      const target = targets[i]!;
      if (spec.shape.join(',') !== target.shape.join(',')) {
        throw new CallbackError(
          'INVALID_ARGUMENT',
          `loadCheckpointWeights: weight ${i} (${spec.name}) has shape [${spec.shape}]; expected ` +
            `[${target.shape}] for ${target.originalName}.`,
        );
      }
    });
    model.setWeights(specs.map((spec) => decoded[spec.name]!));
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
