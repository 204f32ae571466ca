import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { epochInterruption } from './_interruption.js';
import { defaultWarning, resolveLogs, type UnresolvedLogs, type WarningHandler } from './_logs.js';
import { saveModelThrough } from './_save.js';
import type { CallbackState, StatefulCallback, StateValue } from './_state.js';
import { type IOHandlerFactory, resolveHandler } from './_target.js';
import { CallbackError } from './errors.js';

/** The weight group of the callbacks' tensors in a training-state checkpoint (next to tfjs' `model`/`optimizer`). */
export const STATE_GROUP = 'seqlab_state';
const METADATA_KEY = 'seqlabTrainingState';

/** What {@link loadTrainingState} returns. */
export interface TrainingState {
  /** The 0-based epoch to resume at: `model.fit`'s `initialEpoch` (the number of finished epochs). */
  epoch: number;
  /** The `metadata` given to {@link saveTrainingState}. */
  metadata: Record<string, unknown>;
}

/** Options of {@link saveTrainingState} and {@link loadTrainingState}. */
export interface TrainingStateOptions {
  /**
   * The callbacks whose state is saved (or restored), by a name that stays the same between runs, e.g.
   * `{ earlyStopping, best: checkpoint, reduceLr }`.
   * @default {}
   */
  callbacks?: Record<string, StatefulCallback>;
  /**
   * Makes the IOHandler (as `modelCheckpoint`'s `handler`); otherwise tfjs' routers resolve the path.
   * @default undefined
   */
  handler?: IOHandlerFactory;
}

interface SavedState {
  version: 1;
  epoch: number;
  metadata: Record<string, unknown>;
  callbacks: Record<string, { values: Record<string, StateValue>; tensors: number }>;
}

const stateTensorName = (callback: string, i: number) => `${STATE_GROUP}/${callback}/${i}`;

/**
 * Saves what a run needs to resume exactly where it stopped: the model (topology, training config, weights), the
 * optimizer's slots and iteration count, `epoch` (the number of finished epochs), the state of `callbacks` (e.g.
 * `EarlyStopping`'s patience counter and best weights) and your `metadata`, in one checkpoint written as atomically
 * as the IOHandler writes (the `file://` handler of `@seqlab/models`: a directory swap that a kill cannot lose).
 *
 * @example
 * ```ts
 * await saveTrainingState('runs/a/state', model, 3, { callbacks: { earlyStopping: stopper } });
 * ```
 */
export async function saveTrainingState(
  filepath: string,
  model: tfl.LayersModel,
  epoch: number,
  options: TrainingStateOptions & { metadata?: Record<string, unknown> } = {},
): Promise<void> {
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new CallbackError(
      'INVALID_ARGUMENT',
      `saveTrainingState: epoch must be the number of finished epochs (an integer ≥ 0), got ${String(epoch)}.`,
    );
  }
  const target = resolveHandler('saveTrainingState', filepath, 'save', options.handler);
  if (typeof target.save !== 'function') {
    throw new CallbackError(
      'NO_SAVE_HANDLER',
      `saveTrainingState: the IOHandler for '${filepath}' cannot save; expected a handler with save().`,
    );
  }
  const saved: SavedState = { version: 1, epoch, metadata: options.metadata ?? {}, callbacks: {} };
  const tensors: tf.NamedTensorMap = {};
  for (const [name, callback] of Object.entries(options.callbacks ?? {})) {
    const state = callback.getState();
    const own = state.tensors ?? [];
    saved.callbacks[name] = { values: state.values, tensors: own.length };
    own.forEach((tensor, i) => {
      tensors[stateTensorName(name, i)] = tensor;
    });
  }
  const extra = await tf.io.encodeWeights(tensors);
  for (const spec of extra.specs) spec.group = STATE_GROUP as tf.io.WeightGroup;
  const adapter: tf.io.IOHandler = {
    save: async (artifacts) => {
      const out: tf.io.ModelArtifacts = {
        ...artifacts,
        weightSpecs: [...(artifacts.weightSpecs ?? []), ...extra.specs],
        weightData: tf.io.concatenateArrayBuffers([
          tf.io.CompositeArrayBuffer.join(artifacts.weightData),
          extra.data,
        ]),
        userDefinedMetadata: { ...artifacts.userDefinedMetadata, [METADATA_KEY]: saved as unknown as object },
      };
      const result = await target.save!(out);
      if (result.responses === undefined && result.errors !== undefined && result.errors.length > 0) {
        throw new Error(result.errors.map(String).join('; '));
      }
      return result;
    },
  };
  try {
    await saveModelThrough(model, adapter, true);
  } catch (error) {
    throw new CallbackError(
      'CHECKPOINT_SAVE_FAILED',
      `saveTrainingState: saving the training state after epoch ${epoch} to '${filepath}' failed: ` +
        `${(error as Error)?.message ?? String(error)}. The previous state, if any, is unchanged.`,
      { cause: error },
    );
  }
}

async function loadSaved(
  caller: string,
  filepath: string,
  factory: IOHandlerFactory | undefined,
): Promise<{ artifacts: tf.io.ModelArtifacts; saved: SavedState }> {
  const handler = resolveHandler(caller, filepath, 'load', factory);
  if (typeof handler.load !== 'function') {
    throw new CallbackError(
      'NO_SAVE_HANDLER',
      `${caller}: the IOHandler for '${filepath}' cannot load; expected a handler with load().`,
    );
  }
  const artifacts = await handler.load();
  const saved = (artifacts.userDefinedMetadata as Record<string, unknown> | undefined)?.[METADATA_KEY] as
    | SavedState
    | undefined;
  if (saved?.version !== 1 || !Number.isInteger(saved.epoch) || artifacts.weightSpecs === undefined) {
    throw new CallbackError(
      'INVALID_ARGUMENT',
      `${caller}: '${filepath}' holds no training state; expected a checkpoint written by ` +
        'saveTrainingState or trainingStateCheckpoint, received a plain model checkpoint.',
    );
  }
  return { artifacts, saved };
}

/**
 * Reads a training state's epoch and metadata without a model — e.g. to rebuild the model with the options the
 * metadata records before {@link loadTrainingState}.
 *
 * @example
 * ```ts
 * const { epoch, metadata } = await readTrainingState('runs/a/state');
 * ```
 */
export async function readTrainingState(
  filepath: string,
  options: Pick<TrainingStateOptions, 'handler'> = {},
): Promise<TrainingState> {
  const { saved } = await loadSaved('readTrainingState', filepath, options.handler);
  return { epoch: saved.epoch, metadata: saved.metadata ?? {} };
}

/**
 * Restores a state written by {@link saveTrainingState} (or {@link trainingStateCheckpoint}) into a compiled model of
 * the same architecture: its weights, the optimizer's slots and iteration count, and the state of `callbacks` (by
 * the names they were saved under; each then keeps it through the next `onTrainBegin`). Resume with
 * `model.fit(x, y, { initialEpoch: state.epoch, epochs, callbacks })`.
 *
 * @example
 * ```ts
 * const state = await loadTrainingState(model, 'runs/a/state', { callbacks: { earlyStopping: stopper } });
 * await model.fit(x, y, { initialEpoch: state.epoch, epochs: 10, callbacks: [stopper] });
 * ```
 */
export async function loadTrainingState(
  model: tfl.LayersModel,
  filepath: string,
  options: TrainingStateOptions = {},
): Promise<TrainingState> {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  if (optimizer == null) {
    throw new CallbackError(
      'NO_MODEL',
      'loadTrainingState: expected a compiled model (its optimizer receives the saved slots), got one with no ' +
        'optimizer. Call model.compile() first.',
    );
  }
  const { artifacts, saved } = await loadSaved('loadTrainingState', filepath, options.handler);
  const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  const handedOver = new Set<tf.Tensor>();
  try {
    const specs = artifacts.weightSpecs!;
    const modelSpecs = specs.filter(
      (s) => s.group !== 'optimizer' && (s.group as string | undefined) !== STATE_GROUP,
    );
    const targets = model.weights;
    if (
      modelSpecs.length !== targets.length ||
      modelSpecs.some((s, i) => s.shape.join(',') !== targets[i]!.shape.join(','))
    ) {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `loadTrainingState: the state's weights [${modelSpecs.map((s) => `[${s.shape}]`).join(', ')}] do not ` +
          `fit the model's [${targets.map((w) => `[${w.shape}]`).join(', ')}]; expected the same architecture.`,
      );
    }
    model.setWeights(modelSpecs.map((s) => decoded[s.name]!));
    const slots = specs
      .filter((s) => s.group === 'optimizer')
      .map((s) => ({ name: s.name, tensor: decoded[s.name]! }));
    if (slots.length > 0) await optimizer.setWeights(slots);
    for (const [name, callback] of Object.entries(options.callbacks ?? {})) {
      const entry = saved.callbacks[name];
      if (entry === undefined) {
        throw new CallbackError(
          'INVALID_ARGUMENT',
          `loadTrainingState: no state for the callback '${name}'; the state holds ` +
            `${Object.keys(saved.callbacks).join(', ') || 'none'}.`,
        );
      }
      const tensors = Array.from({ length: entry.tensors }, (_, i) => decoded[stateTensorName(name, i)]!);
      for (const t of tensors) handedOver.add(t);
      const state: CallbackState = { values: entry.values, tensors };
      callback.setState(state);
    }
  } finally {
    tf.dispose(Object.values(decoded).filter((t) => !handedOver.has(t)));
  }
  return { epoch: saved.epoch, metadata: saved.metadata ?? {} };
}

/** Arguments of {@link trainingStateCheckpoint}. */
export interface TrainingStateCheckpointArgs extends TrainingStateOptions {
  /**
   * Saved with the state, returned by {@link loadTrainingState} (e.g. the run's options); a function is called at
   * each save, with the epoch (1-based) being saved, for what changes as training goes (the history so far).
   * @default {}
   */
  metadata?: Record<string, unknown> | ((epoch: number) => Record<string, unknown>);
  /**
   * Receives a warning when an epoch stopped mid-way is not saved.
   * @default console.warn
   */
  onWarning?: WarningHandler;
}

/**
 * Saves the training state ({@link saveTrainingState}) at the end of every finished epoch — never of an epoch stopped
 * mid-way (Ctrl-C), whose weights were not validated — so a killed or interrupted run resumes from its last
 * finished epoch. Put it after the callbacks it saves, so their state includes the epoch.
 */
export class TrainingStateCheckpoint extends tfl.Callback {
  readonly filepath: string;
  private readonly args: TrainingStateCheckpointArgs;
  private readonly warn: WarningHandler;
  private batchesThisEpoch = 0;

  constructor(filepath: string, args: TrainingStateCheckpointArgs = {}) {
    super();
    if (typeof filepath !== 'string' || filepath === '') {
      throw new CallbackError(
        'INVALID_ARGUMENT',
        `trainingStateCheckpoint: filepath must be a non-empty string, got ${JSON.stringify(filepath)}.`,
      );
    }
    this.filepath = filepath;
    this.args = args;
    this.warn = args.onWarning ?? defaultWarning;
  }

  override async onEpochBegin(): Promise<void> {
    this.batchesThisEpoch = 0;
  }

  override async onBatchEnd(): Promise<void> {
    this.batchesThisEpoch += 1;
  }

  override async onEpochEnd(epoch: number, unresolved?: UnresolvedLogs): Promise<void> {
    const logs = await resolveLogs(unresolved);
    const interrupted = epochInterruption(this, logs, this.batchesThisEpoch);
    if (interrupted !== undefined) {
      this.warn(
        `trainingStateCheckpoint: epoch ${epoch + 1} was stopped before its end (${interrupted}); the state of ` +
          `epoch ${epoch} stays the one to resume from.`,
      );
      return;
    }
    const { metadata, ...rest } = this.args;
    await saveTrainingState(this.filepath, this.model, epoch + 1, {
      ...rest,
      metadata: typeof metadata === 'function' ? metadata(epoch + 1) : metadata,
    });
  }
}

/**
 * A {@link TrainingStateCheckpoint}: the state a resumed run needs, saved after every finished epoch.
 *
 * @example
 * ```ts
 * const stopper = earlyStopping({ patience: 3, restoreBestWeights: true });
 * const state = trainingStateCheckpoint('runs/a/state', { callbacks: { earlyStopping: stopper } });
 * await model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [stopper, state] });
 * ```
 */
export function trainingStateCheckpoint(
  filepath: string,
  args?: TrainingStateCheckpointArgs,
): TrainingStateCheckpoint {
  return new TrainingStateCheckpoint(filepath, args);
}
