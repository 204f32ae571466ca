// Copies tfjs' .wasm binaries into dist/wasm so the browser build can bundle them as assets.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const from = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
const to = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'wasm');
mkdirSync(to, { recursive: true });
for (const name of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
]) {
  copyFileSync(join(from, name), join(to, name));
}
