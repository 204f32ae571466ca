// The bench's worker: the web app's runtime set-up (initWasm with the app's wasm paths and threads) and measure.ts.
import { initWasm } from '@seqlab/wasm';
import { wasmPaths } from '../src/wasm-paths.js';
import { measureEpoch } from './measure.js';

interface Job {
  models: string[];
  maxlen: number;
  repeats: number;
}

// The worker's global scope, typed by hand: the app's tsconfig has the DOM library, not WebWorker.
const scope = self as unknown as {
  onmessage: (event: MessageEvent<Job>) => void;
  postMessage(message: unknown): void;
};

scope.onmessage = async (event) => {
  const { models, maxlen, repeats } = event.data;
  try {
    const runtime = {
      ...(await initWasm({ threads: 'auto', wasmPaths })),
      isolated: (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    };
    const buffer = await (await fetch('/data.bin')).arrayBuffer();
    const rows = (buffer.byteLength / 4 / (maxlen + 1)) | 0;
    const x = new Int32Array(buffer, 0, rows * maxlen);
    const y = new Float32Array(buffer, rows * maxlen * 4, rows);
    const results = [];
    for (const name of models) {
      results.push(await measureEpoch(name, x, y, maxlen, repeats));
      scope.postMessage({ progress: name });
    }
    scope.postMessage({ runtime, results });
  } catch (error) {
    scope.postMessage({ error: String((error as Error)?.stack ?? error) });
  }
};
