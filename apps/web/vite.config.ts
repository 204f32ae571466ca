import { defineConfig } from 'vite';
import { seqlabServer } from './server/plugin.js';

const seqlab = [
  '@seqlab/wasm',
  '@seqlab/datasets',
  '@seqlab/models',
  '@seqlab/callbacks',
  '@seqlab/sequence',
  '@seqlab/plot',
  '@seqlab/lesson',
  '@seqlab/random',
];

export default defineConfig({
  plugins: [seqlabServer()],
  // Not pre-bundled: the workspace packages are used as built. tfjs' .wasm binaries come in as assets (src/wasm-paths.ts).
  optimizeDeps: { exclude: seqlab },
  worker: { format: 'es' },
  // Not minified: tfjs-backend-wasm starts its pthread workers from the threaded module factory's source text
  // (Function.prototype.toString), which breaks once a minifier renames the names that source refers to.
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, minify: false },
});
