// `pnpm start` before the CLI exists: start the runtime, train one tiny step, and print what was found.
import * as tf from '@tensorflow/tfjs-core';
import { initWasm } from './init.js';

const info = await initWasm();
const x = tf.tensor2d([
  [1, 2],
  [3, 4],
]);
const w = tf.variable(tf.tensor2d([[0.5], [-0.5]]));
const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(x, w))));
console.log(
  JSON.stringify(
    {
      ...info,
      loss: value.dataSync()[0],
      gradient: Array.from(grads[w.name]?.dataSync() ?? []),
      tensors: tf.memory().numTensors,
    },
    null,
    2,
  ),
);
