// Loads saved models with stock TensorFlow.js only (tfjs-core, tfjs-layers, the CPU backend: no @seqlab package,
// so LSTM/GRU/SimpleRNN resolve to tfjs' own classes) and prints, as one JSON line, each model's layer classes,
// weight names and predictions. Usage: node load_stock.mjs '{"dirs": {"key": "/path/to/model"}, "ids": [[…]]}'
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';

const { dirs, ids } = JSON.parse(process.argv[2]);
await tf.setBackend('cpu');
const out = {};
for (const [key, dir] of Object.entries(dirs)) {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const bin = await readFile(join(dir, 'weights.bin'));
  try {
    out[key] = await loadAndPredict(json, bin);
  } catch (error) {
    out[key] = { error: String(error?.message ?? error) };
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);

async function loadAndPredict(json, bin) {
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
  const classes = model.layers.map((layer) => layer.constructor.name);
  try {
    const predictions = tf.tidy(() => model.predict(tf.tensor2d(ids, undefined, 'int32')).dataSync());
    return {
      classes,
      weights: model.weights.map((w) => w.originalName),
      predictions: Array.from(predictions),
    };
  } catch (error) {
    return { classes, error: String(error?.message ?? error) };
  }
}
