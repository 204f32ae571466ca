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
  constructor(readonly shape: string) {
    super(
      `expected a model whose input is [batch, maxlen] word ids into an Embedding or [batch, maxlen, num_words] one-hot rows; got input shape ${shape}`,
    );
    this.name = 'KerasShapeError';
  }
}

/** The probe's `numWords`/`maxlen`/input kind from {@link inspectKerasModel}'s answer, or a {@link KerasShapeError}. */
export function kerasProbeShape(
  info: Pick<KerasModelInfo, 'inputKind' | 'numWords' | 'maxlen' | 'inputs'>,
): KerasProbeShape {
  const { inputKind, numWords, maxlen } = info;
  const ok = (n: number | undefined): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
  if (inputKind === undefined || info.inputs.length !== 1 || !ok(numWords) || !ok(maxlen))
    throw new KerasShapeError(JSON.stringify(info.inputs.map((i) => i.batchShape ?? null)));
  return { inputKind, numWords, maxlen };
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
