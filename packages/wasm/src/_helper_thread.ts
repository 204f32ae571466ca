// The helper thread's contract, the same on every platform (the platform files start it; fused/_threads.ts drives
// it). Kept out of the platform files so that declarations naming it do not import '#platform'.

/** What a helper thread gets at start: the module, its shared memory, the control block and the kernels' names. */
export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  names: readonly string[];
  slots: Record<string, number>;
}

/** A started helper thread. */
export interface HelperThread {
  /** Ends the thread. */
  terminate(): Promise<void>;
  /** The error that ended the thread, if one did (known once this thread's event loop ran). */
  failure(): string | null;
}
