// Run inside a consumer project: every zoo model trains on the wasm backend, a checkpoint saved by the callbacks
// loads back with plain tfjs-layers. Prints one JSON line.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { earlyStopping, history, modelCheckpoint } from '@seqlab/callbacks';
import { createModel, MODEL_NAMES, trainLesson } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const info = await initWasm();
const rows = 32;
const maxlen = 20;
const x = { data: new Int32Array(rows * maxlen).map((_, i) => (i * 7919) % 500), shape: [rows, maxlen] };
const y = new Float32Array(rows).map((_, i) => i % 2);
const losses = {};
for (const name of MODEL_NAMES) {
  const model = createModel(name, { seed: 1, maxlen });
  const fit = await trainLesson({ model, x, y, epochs: 2, batchSize: 16, seed: 1 });
  losses[name] = fit.history.loss.map(Number);
  model.dispose();
}

const dir = join(mkdtempSync(join(process.cwd(), 'ckpt-')), 'best');
const model = createModel('lstm', { seed: 2, maxlen });
const curves = history();
await trainLesson({
  model,
  x,
  y,
  validationData: { x, y },
  epochs: 3,
  batchSize: 16,
  seed: 2,
  callbacks: [modelCheckpoint(dir, { saveBestOnly: true }), earlyStopping({ patience: 1 }), curves],
});
const again = await tfl.loadLayersModel(`file://${dir}/model.json`);
const probabilities = tf.tidy(() =>
  again.predict(tf.tensor2d(x.data.slice(0, 2 * maxlen), [2, maxlen], 'int32')).dataSync(),
);

console.log(
  JSON.stringify({
    core: tf.version_core,
    layers: tfl.version_layers,
    wasm: info.version,
    backend: tf.getBackend(),
    losses,
    epochs: curves.epochs,
    reloaded: again instanceof tfl.LayersModel,
    probabilities: Array.from(probabilities),
  }),
);
