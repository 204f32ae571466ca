import type { KerasModelInfo } from '@seqlab/models';

/** What the probe needs to feed a Keras model a review. */
export interface KerasProbeShape {
  /** `'ids'`: `[batch, maxlen]` word ids; `'one-hot'`: `[batch, maxlen, numWords]` float rows (the lesson's Ex2.h5). */
  inputKind: 'ids' | 'one-hot';
  numWords: number;
  maxlen: number;
}

/** A Keras file the probe cannot feed: its input is not word ids or one-hot rows of a fixed length. */
export class KerasShapeError extends Error {
  readonly code = 'KERAS_NOT_A_TEXT_MODEL';
  /**
   * @param shape the input batch shapes, as JSON
   * @param needsMaxlen true when the model takes word ids of any length (`[null, null]`): given a `maxlen`, the
   * probe can feed it
   */
  constructor(
    readonly shape: string,
    readonly needsMaxlen = false,
  ) {
    super(
      `expected a model whose input is [batch, maxlen] word ids into an Embedding or [batch, maxlen, num_words] one-hot rows; got input shape ${shape}`,
    );
    this.name = 'KerasShapeError';
  }
}

/**
 * The probe's `numWords`/`maxlen`/input kind from {@link inspectKerasModel}'s answer, or a {@link KerasShapeError}.
 * `maxlen` is the user's answer for a word-id model whose file does not fix it (input `[null, null]`).
 */
export function kerasProbeShape(
  info: Pick<KerasModelInfo, 'inputKind' | 'numWords' | 'maxlen' | 'inputs'>,
  options: { maxlen?: number } = {},
): KerasProbeShape {
  const { inputKind, numWords } = info;
  const ok = (n: number | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
  const shape = JSON.stringify(info.inputs.map((i) => i.batchShape ?? null));
  if (inputKind === undefined || info.inputs.length !== 1 || !ok(numWords)) throw new KerasShapeError(shape);
  if (ok(info.maxlen)) return { inputKind, numWords, maxlen: info.maxlen };
  const free = inputKind === 'ids' && info.inputs[0]?.batchShape?.[1] === null;
  if (free && ok(options.maxlen)) return { inputKind, numWords, maxlen: options.maxlen };
  throw new KerasShapeError(shape, free);
}

/** The Keras format a file name says (`.h5`/`.hdf5`, `.keras`), else undefined. */
export function kerasFormatOf(fileName: string): 'h5' | 'keras' | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.keras')) return 'keras';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'h5';
  return undefined;
}

/** A file's name without its Keras extension, for the model list. */
export function kerasModelName(fileName: string): string {
  return fileName.replace(/\.(keras|h5|hdf5)$/i, '') || 'keras-model';
}
