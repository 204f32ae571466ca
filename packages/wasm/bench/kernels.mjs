// Stock tfjs-backend-wasm 4.22.0 Slice/Unpack/SplitV (a full heap copy per call) vs seqlab's view-based kernels.
// Run after `pnpm build`: `pnpm bench`. Prints one JSON line per measurement.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initWasm, registerWasmKernels } from '../dist/index.js';

const REPLACED = ['Slice', 'Unpack', 'SplitV'];
// tfjs-backend-wasm registers its kernels on import; keep the stock ones before initWasm replaces them.
const stock = REPLACED.map((name) => tf.getKernel(name, 'wasm'));
await initWasm();

function use(which) {
  if (which === 'stock') {
    for (const config of stock) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  } else {
    registerWasmKernels();
  }
}

function time(f, reps) {
  f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t0) / reps;
}

function report(name, f, reps) {
  const ms = {};
  for (const which of ['stock', 'seqlab']) {
    use(which);
    ms[which] = Number(time(f, reps).toFixed(2));
  }
  console.log(JSON.stringify({ name, ms, speedup: Number((ms.stock / ms.seqlab).toFixed(2)) }));
}

const x = tf.randomNormal([64, 100, 500]);
report('unstack [64,100,500] axis 0', () => tf.dispose(tf.unstack(x, 0)), 5);
report('unstack [64,100,500] axis 1', () => tf.dispose(tf.unstack(x, 1)), 5);
x.dispose();

// The lesson's first model: SimpleRNN over one-hot words (num_words=500, maxlen=100), batch 64.
const model = tfl.sequential();
model.add(tfl.layers.simpleRNN({ units: 32, inputShape: [100, 500] }));
model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
const ids = tf.randomUniform([64, 100], 0, 500, 'int32');
const oneHot = tf.oneHot(ids, 500).toFloat();
const y = tf.randomUniform([64, 1]).round();
report('SimpleRNN(32) one-hot forward', () => tf.dispose(model.predict(oneHot)), 3);
report(
  'SimpleRNN(32) one-hot forward+backward',
  () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.mean(tfl.metrics.binaryCrossentropy(y, model.apply(oneHot))),
      );
      tf.dispose([value, ...Object.values(grads)]);
    }),
  3,
);
tf.dispose([ids, oneHot, y]);
model.dispose();
