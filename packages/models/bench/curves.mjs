// Seeded training losses of the recurrent zoo models, printed in full precision: run it before and after a change
// to the fused layers and diff the output (the same seed must give the same curve).
// Usage: node bench/curves.mjs [--steps 5]
import { parseArgs } from 'node:util';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, rmsprop } from '../dist/index.node.js';

const RECURRENT = [
  'simple-rnn-onehot',
  'embedding-simple-rnn',
  'lstm',
  'stacked-lstm',
  'gru',
  'peephole-lstm',
  'bidirectional-lstm',
];
const { values } = parseArgs({ options: { steps: { type: 'string', default: '5' } } });
await initWasm();
const x = tf.randomUniform([32, 40], 0, 500, 'int32', 1);
const y = tf.cast(tf.greater(tf.randomUniform([32, 1], 0, 1, 'float32', 2), 0.5), 'float32');
for (const name of RECURRENT) {
  for (const maskZero of [false, true]) {
    const model = createModel(name, { seed: 1, maxlen: 40, maskZero });
    model.compile({ optimizer: rmsprop({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
    const losses = [];
    for (let i = 0; i < Number(values.steps); i++) losses.push(await model.trainOnBatch(x, y));
    console.log(
      `${name}${maskZero ? ' maskZero' : ''}: ${losses.map((l) => Number(l).toPrecision(9)).join(' ')}`,
    );
    model.dispose();
  }
}
tf.dispose([x, y]);
