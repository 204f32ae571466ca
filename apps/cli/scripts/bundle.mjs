// The published CLI is one file: the @seqlab/* packages are bundled in (they are not on the registry yet), the
// TensorFlow.js packages stay real dependencies (the wasm backend loads its .wasm binaries from its own folder; the
// cpu fallback is the tfjs-backend-cpu that tfjs-backend-wasm installs anyway, not a second copy in the bundle).
// @seqlab/models' training-thread script is a second file, dist/_train_worker.js: the bundled trainLesson starts it
// from next to itself (`new URL('./_train_worker.js', import.meta.url)`).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {});

const options = {
  platform: 'node',
  external: (id) => id.startsWith('node:') || external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
  resolve: { conditionNames: ['node', 'import', 'default'] },
  logLevel: 'warn',
};
const models = dirname(fileURLToPath(import.meta.resolve('@seqlab/models/package.json')));
await build({
  ...options,
  input: join(models, 'dist', '_train_worker.js'),
  output: {
    file: join(here, '..', 'dist', '_train_worker.js'),
    format: 'esm',
    sourcemap: false,
    codeSplitting: false,
  },
});

await build({
  input: join(here, '..', 'dist', 'main.js'),
  platform: 'node',
  external: (id) => id.startsWith('node:') || external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
  resolve: { conditionNames: ['node', 'import', 'default'] },
  logLevel: 'warn',
  output: {
    file: join(here, '..', 'dist', 'seqlab.js'),
    format: 'esm',
    sourcemap: false,
    codeSplitting: false,
  },
});
