import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import {
  defaultWasmPaths,
  isCrossOriginIsolated,
  keepProcessHandlers,
  platformName,
  registerTfjsGlobals,
} from '#platform';
import { WasmInitError } from './errors.js';
import { loadFusedKernels } from './fused/_module.js';
import {
  defaultFusedThreads,
  type FusedThreadsInfo,
  fusedThreads,
  setFusedThreads,
} from './fused/_threads.js';
import { registerWasmKernels } from './kernels/index.js';

/** Options of {@link initWasm}. */
export interface InitWasmOptions {
  /**
   * Whether SIMD is required. `'require'` throws a {@link WasmInitError} when the engine lacks WebAssembly SIMD;
   * `'auto'` uses SIMD when present and the plain binary otherwise.
   * @default 'require'
   */
  simd?: 'require' | 'auto';
  /**
   * Threads. seqlab's fused recurrent kernels (LSTM, GRU, SimpleRNN) and WaveNet's gated block split each call's
   * batch over 1 or 2 threads (see `setFusedThreads`): `'auto'` takes 2 where at least 1.5 cores are free (cores
   * minus the 1-minute load average), else 1; a number ≥ 2 takes 2; unset, 1 (so a seeded run's numbers do not
   * depend on the machine's load). In a cross-origin isolated page it is also the threaded-SIMD tfjs binary's worker count (`'auto'` or
   * unset: `navigator.hardwareConcurrency`); that binary runs only where it computes with more than one thread
   * ({@link threadedBinaryThreads}), the SIMD one otherwise. What was chosen is in the result.
   * @default 'auto' for the threaded binary, 1 for the fused kernels
   */
  threads?: number | 'auto';
  /**
   * Where the tfjs `.wasm` binaries are: a URL prefix ending in `/`, or one URL per file name. In Node the ones in the
   * installed `@tensorflow/tfjs-backend-wasm` are used. In the browser pass the URLs your bundler gives
   * `@tensorflow/tfjs-backend-wasm`'s `dist/*.wasm` files (this package ships no copy); without them tfjs looks
   * next to the script that loaded it.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * What to do when WebAssembly cannot start at all. `'none'` throws; `'cpu'` switches to
   * `@tensorflow/tfjs-backend-cpu` (an optional peer dependency you must install) and says so in the result.
   * @default 'none'
   */
  fallback?: 'none' | 'cpu';
}

/** What {@link initWasm} started. */
export interface WasmInfo {
  /** The active tfjs backend: `'wasm'`, or `'cpu'` only after an explicit `fallback: 'cpu'`. */
  backend: 'wasm' | 'cpu';
  /** Whether the SIMD binary runs. */
  simd: boolean;
  /** Threads the backend computes with (1 unless the threaded binary runs). */
  threads: number;
  /** Threads of the fused recurrent kernels and gated block (1 or 2) and why (`setFusedThreads`). */
  fusedThreads: FusedThreadsInfo;
  /** `@tensorflow/tfjs-backend-wasm` version. */
  version: string;
  /** `'node'` or `'browser'`. */
  platform: 'node' | 'browser';
  /** Kernels that seqlab registered on the `wasm` backend. */
  kernels: string[];
}

// A minimal module using one v128 instruction: validates only where WebAssembly SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

function hasWebAssembly(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
}

function hasSimd(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * The threads tfjs-backend-wasm 4.22's threaded binary computes with at most (fewer if fewer are asked for) on a
 * machine with `hardwareConcurrency` logical cores: its `init_with_threads_count` (cc/backend.cc) caps XNNPACK's pool at half the
 * logical cores (it assumes two hyper-threads per core) and at 8, so a two-core machine gets one thread. Where this
 * is 1 {@link initWasm} runs the SIMD binary instead: the threaded one has nothing to gain then and still pays for
 * its shared memory (apps/web/bench/epoch.mjs measured it 1.06–1.2× slower).
 */
export function threadedBinaryThreads(hardwareConcurrency: number): number {
  return Math.max(1, Math.min(8, Math.floor(hardwareConcurrency / 2)));
}

function hardwareThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : 1;
}

let pending: Promise<WasmInfo> | undefined;

/**
 * Starts TensorFlow.js on the WebAssembly backend with SIMD, and registers what stock tfjs-backend-wasm lacks for
 * training: the `UnsortedSegmentSum` (Embedding gradient) and `Conv2DBackpropFilter` (Conv1D gradient) kernels,
 * view-based `Slice`/`Unpack` kernels, tfjs-core's gradients and its chained tensor methods (`x.flatten()`, needed by
 * the `orthogonal` initializer), which the tfjs-core bundle does not register by itself.
 * These registrations are this module's side effects. Calling it again returns the first call's result.
 *
 * @example
 * ```ts
 * const info = await initWasm();
 * console.log(info.backend, info.simd, info.threads); // 'wasm' true 1
 * ```
 */
export function initWasm(options: InitWasmOptions = {}): Promise<WasmInfo> {
  pending ??= start(options).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function start(options: InitWasmOptions): Promise<WasmInfo> {
  const simdMode = options.simd ?? 'require';
  if (simdMode !== 'require' && simdMode !== 'auto') {
    throw new WasmInitError(
      'INVALID_OPTION',
      `initWasm: simd must be 'require' or 'auto', got ${String(simdMode)}.`,
    );
  }
  const fallback = options.fallback ?? 'none';
  if (fallback !== 'none' && fallback !== 'cpu') {
    throw new WasmInitError(
      'INVALID_OPTION',
      `initWasm: fallback must be 'none' or 'cpu', got ${String(fallback)}.`,
    );
  }
  const requested = options.threads ?? 'auto';
  if (requested !== 'auto' && !(Number.isInteger(requested) && requested >= 1)) {
    throw new WasmInitError(
      'INVALID_OPTION',
      `initWasm: threads must be a positive integer or 'auto', got ${String(requested)}.`,
    );
  }
  await registerTfjsGlobals();

  if (!hasWebAssembly()) {
    if (fallback === 'cpu') return startCpu();
    throw new WasmInitError(
      'WASM_UNAVAILABLE',
      'WebAssembly is not available in this JavaScript engine; seqlab needs it for the wasm backend. ' +
        "Use a current browser or Node >= 20, or pass { fallback: 'cpu' }.",
    );
  }
  const simd = hasSimd();
  if (!simd && simdMode === 'require') {
    throw new WasmInitError(
      'SIMD_UNAVAILABLE',
      'WebAssembly SIMD is not supported here: expected an engine with SIMD (Chrome >= 91, Firefox >= 89, ' +
        "Safari >= 16.4, Node >= 16.4), got one without. Pass { simd: 'auto' } to run the slower non-SIMD binary.",
    );
  }
  tf.env().set('WASM_HAS_SIMD_SUPPORT', simd);

  const isolated = isCrossOriginIsolated();
  const threads = isolated ? (requested === 'auto' ? hardwareThreads() : requested) : 1;
  if (!isolated || Math.min(threadedBinaryThreads(hardwareThreads()), threads) <= 1)
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else setThreadsCount(threads);

  const paths = options.wasmPaths ?? defaultWasmPaths();
  if (typeof paths === 'string') setWasmPaths(paths);
  else if (paths !== undefined) setWasmPaths(paths);

  const kernels = registerWasmKernels();
  let ok = false;
  try {
    // The backend's Emscripten glue would leave process handlers that turn the application's errors into exit 7.
    ok = await keepProcessHandlers(async () => {
      const started = await tf.setBackend('wasm');
      if (started) await tf.ready();
      return started;
    });
  } catch (cause) {
    if (fallback === 'cpu') return startCpu();
    throw new WasmInitError(
      'BACKEND_INIT_FAILED',
      `The tfjs wasm backend failed to start: ${String(cause)}`,
      {
        cause,
      },
    );
  }
  if (!ok) {
    if (fallback === 'cpu') return startCpu();
    throw new WasmInitError(
      'BACKEND_INIT_FAILED',
      'The tfjs wasm backend failed to start (tf.setBackend("wasm") returned false); check that the .wasm ' +
        'binaries are reachable at the configured wasmPaths.',
    );
  }
  await loadFusedKernels();
  const kernelThreads =
    options.threads === undefined ? await defaultFusedThreads() : await setFusedThreads(requested);
  return {
    backend: 'wasm',
    simd,
    threads: getThreadsCount(),
    fusedThreads: kernelThreads,
    version: version_wasm,
    platform: platformName,
    kernels,
  };
}

async function startCpu(): Promise<WasmInfo> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (cause) {
    throw new WasmInitError(
      'WASM_UNAVAILABLE',
      "WebAssembly is unavailable and fallback 'cpu' needs @tensorflow/tfjs-backend-cpu, which is not installed.",
      { cause },
    );
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return {
    backend: 'cpu',
    simd: false,
    threads: 1,
    fusedThreads: fusedThreads(),
    version: version_wasm,
    platform: platformName,
    kernels: [],
  };
}

/**
 * Registers tfjs-core's gradients and chained tensor methods without starting a backend (for code that runs on
 * `@tensorflow/tfjs-backend-cpu`, say). `initWasm` does this itself.
 */
export function registerTfjsExtras(): Promise<void> {
  return registerTfjsGlobals();
}
