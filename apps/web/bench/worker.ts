// The bench's worker: the web app's runtime set-up (src/wasm-runtime.ts) and measure.js, driven one request at a
// time by epoch.mjs so that its runs alternate with Node's. `threaded: true` starts the threaded-SIMD binary wherever
// the page is cross-origin isolated instead, as the app did before it chose by thread count.
import '../src/worker-frames.js'; // the app worker's frames: task turns
import './yields.js'; // then: it counts them, before tfjs-core takes requestAnimationFrame
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { wasmPaths } from '../src/wasm-paths.js';
import { startWasm } from '../src/wasm-runtime.js';
import { type EpochSession, openEpoch } from './measure.js';
import { yields } from './yields.js';

type Request =
  | { id: number; op: 'init'; maxlen: number; threaded?: boolean }
  | { id: number; op: 'open'; model: string }
  | { id: number; op: 'run' }
  | { id: number; op: 'close' };

// The worker's global scope, typed by hand: the app's tsconfig has the DOM library, not WebWorker.
const scope = self as unknown as {
  onmessage: (event: MessageEvent<Request>) => void;
  postMessage(message: unknown): void;
  crossOriginIsolated?: boolean;
};

let data: { x: Int32Array; y: Float32Array; maxlen: number } | undefined;
let session: EpochSession | undefined;

async function answer(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'init': {
      const info = request.threaded
        ? {
            ...(await initWasm({ threads: 'auto', wasmPaths })),
            threadedBinary: tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT') === true,
          }
        : await startWasm();
      const buffer = await (await fetch('/data.bin')).arrayBuffer();
      const { maxlen } = request;
      const rows = (buffer.byteLength / 4 / (maxlen + 1)) | 0;
      data = {
        x: new Int32Array(buffer, 0, rows * maxlen),
        y: new Float32Array(buffer, rows * maxlen * 4, rows),
        maxlen,
      };
      return {
        backend: info.backend,
        simd: info.simd,
        threads: info.threads,
        threadedBinary: info.threadedBinary,
        isolated: scope.crossOriginIsolated === true,
        hardwareConcurrency: navigator.hardwareConcurrency,
      };
    }
    case 'open':
      if (data === undefined) throw new Error('init first');
      session?.close();
      session = await openEpoch(request.model, data.x, data.y, data.maxlen);
      return { warmupMs: session.warmupMs };
    case 'run': {
      if (session === undefined) throw new Error('open a model first');
      const before = { ...yields };
      const ms = await session.run();
      return {
        ms,
        frames: yields.frames - before.frames,
        frameMs: yields.frameMs - before.frameMs,
        timeouts: yields.timeouts - before.timeouts,
        timeoutMs: yields.timeoutMs - before.timeoutMs,
      };
    }
    case 'close':
      session?.close();
      session = undefined;
      return null;
  }
}

scope.onmessage = async (event) => {
  const { id } = event.data;
  try {
    scope.postMessage({ id, value: await answer(event.data) });
  } catch (error) {
    scope.postMessage({ id, error: String((error as Error)?.stack ?? error) });
  }
};
