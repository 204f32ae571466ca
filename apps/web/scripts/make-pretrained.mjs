// Writes the app's pretrained model to public/models/lstm/ (model.json, weights.bin, meta.json): the lesson's
// LSTM trained on the real IMDB data with @seqlab/models. A stand-in until `seqlab train --model lstm` exists.
// Usage: SEQLAB_DATA_DIR=/path/to/imdb node scripts/make-pretrained.mjs [epochs] [learningRate]
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { imdb } from '@seqlab/datasets';
import { createModel, fileSystem, trainLesson } from '@seqlab/models';
import { padSequences, trainTestSplit } from '@seqlab/sequence';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';

const epochs = Number(process.argv[2] ?? 2);
const learningRate = Number(process.argv[3] ?? 1e-3);
const numWords = 500;
const maxlen = 100;
const out = fileURLToPath(new URL('../public/models/lstm/', import.meta.url));

const runtime = await initWasm();
const [[xTrainAll, yTrainAll], [xTest, yTest]] = await imdb.loadData({ numWords });
const x = padSequences(xTrainAll, { maxlen });
const [xTrain, xVal, yTrain, yVal] = trainTestSplit(x, yTrainAll, { testSize: 0.2, randomState: 42 });
const model = createModel('lstm', { numWords, maxlen, seed: 42 });
const started = performance.now();
const history = await trainLesson({
  model,
  x: xTrain,
  y: yTrain,
  validationData: { x: xVal, y: yVal },
  epochs,
  batchSize: 64,
  learningRate,
  seed: 42,
});
const seconds = (performance.now() - started) / 1000;
const xt = padSequences(xTest, { maxlen });
const [testLoss, testAcc] = tf.tidy(() =>
  model
    .evaluate(
      tf.tensor2d(xt.data, xt.shape, 'int32'),
      tf.tensor2d(Float32Array.from(yTest), [yTest.length, 1]),
      {
        batchSize: 256,
      },
    )
    .map((t) => t.dataSync()[0]),
);
await mkdir(out, { recursive: true });
await model.save(fileSystem(out));
const meta = {
  model: 'lstm',
  numWords,
  maxlen,
  epochs,
  batchSize: 64,
  learningRate,
  seed: 42,
  split: { testSize: 0.2, randomState: 42 },
  history: history.history,
  metrics: { test_loss: testLoss, test_acc: testAcc },
  trainedSeconds: Math.round(seconds),
  backend: `${runtime.backend}${runtime.simd ? '+simd' : ''}`,
  producedBy: `SEQLAB_DATA_DIR=… node apps/web/scripts/make-pretrained.mjs ${epochs} ${learningRate}`,
};
await writeFile(`${out}meta.json`, `${JSON.stringify(meta, null, 2)}\n`);
console.log(JSON.stringify(meta));
