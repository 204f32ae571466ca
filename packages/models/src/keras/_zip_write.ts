// The `.keras` zip as keras/src/saving/saving_lib.py writes it: uncompressed (ZIP_STORED) entries
// `metadata.json`, `config.json`, `model.weights.h5`, in that order; the JSON entries dated 1980-01-01 as
// `zipfile.ZipFile.open(name, 'w')` dates them, the weights dated now as `writestr` does.
import { zipSync } from 'fflate';

const DOS_EPOCH = new Date(1980, 0, 1);

export function writeKerasZip(metadata: string, config: string, weights: Uint8Array, now: Date): Uint8Array {
  const encoder = new TextEncoder();
  return zipSync(
    {
      'metadata.json': [encoder.encode(metadata), { level: 0, mtime: DOS_EPOCH }],
      'config.json': [encoder.encode(config), { level: 0, mtime: DOS_EPOCH }],
      'model.weights.h5': [weights, { level: 0, mtime: now }],
    },
    { level: 0 },
  );
}
