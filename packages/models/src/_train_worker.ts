// A training thread (Node worker_threads): rebuilds the model, then for every step reads the weights and its shard
// from shared memory, computes the shard's loss, metrics and gradients, writes them back and wakes the main thread.
// Started by _threads.node.ts; it sleeps in Atomics.wait between steps.
import { parentPort, workerData } from 'node:worker_threads';
import { initWasm, registerTfjsExtras } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { setMaskCounters, shardGradients } from './_shard.js';
import { COMMAND_STOP, CTL, CTL_INTS, type WorkerInit, type WorkerReady } from './_threads_protocol.js';
import * as seqlab from './index.node.js';
import { fuseConvLayers } from './layers/_conv_graph.js';

const init = workerData as WorkerInit;
const ctl = new Int32Array(init.ctl);
const weights = new Float32Array(init.weights);
const ids = new Int32Array(init.ids);
const labels = new Float32Array(init.labels);
const grads = new Float32Array(init.grads);
const outs = new Float32Array(init.outs);
const errorBytes = new Uint8Array(init.error);

/**
 * Registers the seqlab classes for modelFromJSON. Their modules register themselves, but a bundler that sees no use
 * of them drops those modules (and tfjs' own classes of the same names would rebuild the model silently).
 */
function registerClasses(): void {
  for (const value of Object.values(seqlab)) {
    if (typeof value === 'function' && typeof (value as { className?: unknown }).className === 'string') {
      tf.serialization.registerClass(
        value as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
      );
    }
  }
}

async function setUp(): Promise<tfl.LayersModel> {
  registerClasses();
  if (init.backend === 'wasm') {
    // The fused kernels stay on this thread: the data-parallel threads already take the cores.
    await initWasm({ threads: 1 });
  } else {
    await registerTfjsExtras();
    if (!(await tf.setBackend(init.backend)))
      throw new Error(`backend ${init.backend} is not available here`);
  }
  const model = await tfl.models.modelFromJSON({
    modelTopology: init.modelTopology,
  } as unknown as Parameters<typeof tfl.models.modelFromJSON>[0]);
  // The same classes and configs as the main thread's model, or the shards would not compute the same function.
  if (JSON.stringify(model.toJSON(null, false)) !== init.rebuiltTopology) {
    throw new Error(
      'the model rebuilt from its JSON serializes differently (are its layer classes registered?)',
    );
  }
  // The pairings of the main thread's model (pooling, WaveNet's blocks) are decided from the graph, as there.
  fuseConvLayers(model);
  model.compile({ optimizer: 'sgd', loss: init.loss, metrics: init.metrics });
  const shapes = (
    model as unknown as { collectedTrainableWeights: Array<{ shape: number[] }> }
  ).collectedTrainableWeights.map((w) => w.shape);
  if (JSON.stringify(shapes) !== JSON.stringify(init.shapes)) {
    throw new Error(
      `the rebuilt model's weights ${JSON.stringify(shapes)} differ from ${JSON.stringify(init.shapes)}`,
    );
  }
  return model;
}

function step(model: tfl.LayersModel): void {
  const rows = ctl[CTL.rows]!;
  const offset = ctl[CTL.offset]!;
  const total = ctl[CTL.total]!;
  const cols = ctl[CTL.cols]!;
  const yCols = ctl[CTL.yCols]!;
  setMaskCounters(model, ctl.subarray(CTL_INTS, CTL_INTS + ctl[CTL.maskCount]!));
  const variables = (
    model as unknown as { collectedTrainableWeights: Array<{ read(): tf.Variable }> }
  ).collectedTrainableWeights.map((w) => w.read());
  let at = 0;
  for (const v of variables) {
    // slice(): a copy, so no backend keeps a view of the shared buffer.
    tf.tidy(() => v.assign(tf.tensor(weights.slice(at, at + v.size), v.shape, 'float32')));
    at += v.size;
  }
  const result = tf.tidy(() => {
    const x = tf.tensor2d(ids.slice(0, rows * cols), [rows, cols], 'int32');
    const y = tf.tensor2d(labels.slice(0, rows * yCols), [rows, yCols], 'float32');
    const r = shardGradients(model, x, y, offset, total);
    return [r.loss, ...r.metrics, ...r.grads];
  });
  const values = result.map((t) => t.dataSync() as Float32Array);
  tf.dispose(result);
  const metricCount = result.length - 1 - variables.length;
  outs.set(values.slice(0, 1 + metricCount).map((v) => v[0]!));
  at = 0;
  for (const g of values.slice(1 + metricCount)) {
    grads.set(g, at);
    at += g.length;
  }
}

function report(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const bytes = new TextEncoder().encode(message).subarray(0, errorBytes.length);
  errorBytes.set(bytes);
  Atomics.store(ctl, CTL.errorLength, bytes.length);
  Atomics.store(ctl, CTL.status, 1);
}

let model: tfl.LayersModel;
try {
  model = await setUp();
} catch (error) {
  parentPort!.postMessage({
    type: 'error',
    message: error instanceof Error ? error.message : String(error),
  } satisfies WorkerReady);
  process.exit(1);
}
parentPort!.postMessage({ type: 'ready' } satisfies WorkerReady);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, CTL.go, seen);
  seen = Atomics.load(ctl, CTL.go);
  if (Atomics.load(ctl, CTL.command) === COMMAND_STOP) break;
  Atomics.store(ctl, CTL.status, 0);
  try {
    step(model);
  } catch (error) {
    report(error);
  }
  Atomics.store(ctl, CTL.done, seen);
  Atomics.notify(ctl, CTL.done);
}
model.dispose();
