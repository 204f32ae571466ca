// tfjs-core registers its gradients and chained tensor methods only from ESM files with extensionless imports
// (dist/register_all_gradients.js, dist/public/chained_ops/register_all_chained_ops.js), which Node cannot load.
// Bundle them once, at build time, into one Node-loadable module. The bundled ops reach the engine, the kernel and
// gradient registries and the Tensor class through tfjs' globals, so they register into the tfjs-core instance
// that the application imports.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const require = createRequire(import.meta.url);
const core = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const here = dirname(fileURLToPath(import.meta.url));

await build({
  input: {
    'tfjs-registrations': join(here, 'tfjs-registrations-entry.mjs'),
  },
  resolve: {
    alias: {
      '#gradients': join(core, 'dist', 'register_all_gradients.js'),
      '#chained': join(core, 'dist', 'public', 'chained_ops', 'register_all_chained_ops.js'),
    },
  },
  treeshake: true,
  logLevel: 'warn',
  output: {
    dir: join(here, '..', 'dist', '_generated'),
    format: 'esm',
    entryFileNames: '[name].node.js',
    sourcemap: false,
    minify: false,
  },
});
