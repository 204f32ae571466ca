import * as tf from '@tensorflow/tfjs-core';
import { initWasm } from '../dist/index.js';
await initWasm();
const a = tf.randomNormal([6400, 32]); const w = tf.randomNormal([32, 16]);
const fresh = [], fixed = [];
for (let i = 0; i < 201; i++) {
  const nw = tf.add(w, 1);
  let t0 = performance.now(); let c = tf.matMul(a, nw); fresh.push(performance.now() - t0); c.dispose(); nw.dispose();
  t0 = performance.now(); c = tf.matMul(a, w); fixed.push(performance.now() - t0); c.dispose();
}
fresh.sort((x, y) => x - y); fixed.sort((x, y) => x - y);
console.log('fresh b median', fresh[100].toFixed(3), 'p25', fresh[50].toFixed(3), '| fixed b median', fixed[100].toFixed(3), 'p25', fixed[50].toFixed(3));
