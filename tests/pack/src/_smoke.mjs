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

// Two training threads from the installed package (its dist/_train_worker.js): the 1-thread curve within rounding.
const threaded = createModel('lstm', { seed: 1, maxlen });
const fit2 = await trainLesson({ model: threaded, x, y, epochs: 2, batchSize: 16, seed: 1, threads: 2 });
const threadedDifference = Math.max(...fit2.history.loss.map((l, i) => Math.abs(Number(l) - losses.lstm[i])));
threaded.dispose();

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
    threadedDifference,
    epochs: curves.epochs,
    reloaded: again instanceof tfl.LayersModel,
    probabilities: Array.from(probabilities),
  }),
);
