// Run inside an application that imports the union @tensorflow/tfjs package next to seqlab's.
import { createModel, trainLesson } from '@seqlab/models';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs';

await initWasm();
const model = createModel('lstm', { seed: 1, maxlen: 10 });
const x = { data: new Int32Array(80).map((_, i) => (i * 31) % 500), shape: [8, 10] };
const fit = await trainLesson({
  model,
  x,
  y: new Float32Array(8).map((_, i) => i % 2),
  epochs: 1,
  batchSize: 4,
});
const probe = tf.zeros([1]);
console.log(
  JSON.stringify({
    version: tf.version.tfjs,
    backend: tf.getBackend(),
    isLayersModel: model instanceof tf.LayersModel,
    sameTensorClass: model.getWeights()[0] instanceof tf.Tensor && probe instanceof tf.Tensor,
    lossFinite: Number.isFinite(fit.history.loss[0]),
  }),
);
