import { unzipSync } from 'fflate';
import { ModelsError } from '../errors.js';

/** The members of a Keras 3 `.keras` archive that seqlab reads. */
export interface KerasArchive {
  config: string;
  metadata: string | undefined;
  weights: Uint8Array;
}

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';
const WEIGHTS_NPZ = 'model.weights.npz';
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** Whether `bytes` start like a zip archive (a local file header, or the end record of an empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

function unsafeName(name: string): boolean {
  return (
    name.startsWith('/') ||
    name.includes('\\') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split('/').some((part) => part === '..') ||
    name.includes('\0')
  );
}

/**
 * Reads `config.json`, `metadata.json` and `model.weights.h5` out of a `.keras` zip (Keras 3
 * `saving_lib.save_model`). Every member name is checked (no absolute paths, no `..`), and the declared
 * uncompressed size of each member read is checked before it is inflated.
 */
export function readKerasArchive(bytes: Uint8Array, label: string, maxWeightBytes: number): KerasArchive {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        if (unsafeName(file.name)) {
          throw new ModelsError(
            'KERAS_MALFORMED',
            `${label}: zip member ${JSON.stringify(file.name)} points outside the archive; expected the plain ` +
              `names Keras writes (${CONFIG}, ${METADATA}, ${WEIGHTS}).`,
          );
        }
        const wanted = file.name === CONFIG || file.name === METADATA || file.name === WEIGHTS;
        if (!wanted) return false;
        const limit = file.name === WEIGHTS ? maxWeightBytes : MAX_JSON_BYTES;
        if (file.originalSize > limit) {
          throw new ModelsError(
            'KERAS_MALFORMED',
            `${label}: zip member ${file.name} declares ${file.originalSize} bytes; expected at most ${limit}.`,
          );
        }
        return true;
      },
    });
  } catch (cause) {
    if (cause instanceof ModelsError) throw cause;
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${label}: not a readable zip archive (truncated or corrupt): ${(cause as Error).message ?? String(cause)}.`,
      { cause },
    );
  }
  const config = files[CONFIG];
  if (config === undefined) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${label}: expected a .keras archive with ${CONFIG}, found none.`,
    );
  }
  const weights = files[WEIGHTS];
  if (weights === undefined) {
    throw new ModelsError(
      'KERAS_MALFORMED',
      `${label}: expected ${WEIGHTS} in the .keras archive (Keras 3's default weights format)` +
        (Object.hasOwn(files, WEIGHTS_NPZ)
          ? `, got ${WEIGHTS_NPZ}, which seqlab does not read.`
          : ', found none.'),
    );
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const metadata = files[METADATA];
  return {
    config: decoder.decode(config),
    metadata: metadata === undefined ? undefined : decoder.decode(metadata),
    weights,
  };
}
