// The helper thread of a split kernel call, and the control block it shares with the calling thread. The helper
// instantiates the shared-memory build of the fused module on the caller's memory and then sleeps in Atomics.wait
// until the caller publishes a call (kernel index and its positional arguments); it runs it, records success or the
// error's message, and wakes the caller. No message is posted per call.

/** Int32 slots of the control block (at a 16-byte aligned address in the shared memory). */
export const CTL = {
  /** Calls published by the caller (a counter). */
  go: 0,
  /** Calls the helper finished (the counter of the last one). */
  done: 1,
  /** 0: the last call succeeded; 1: it threw (its message follows). */
  status: 2,
  /** The kernel's index in the helper's name list; -1 ends the helper. */
  kernel: 3,
  /** 0 while the helper starts, 1 once ready, 2 when it failed to start. */
  ready: 4,
  /** The call the helper picked up (a counter). */
  ack: 5,
  /** Number of arguments at `args`. */
  count: 6,
  args: 8,
  /** Characters of the last error message (UTF-16 code units, one per slot from `message`). */
  messageLength: 64,
  message: 65,
} as const;

/** Arguments a kernel call may pass. */
export const MAX_ARGS: number = CTL.messageLength - CTL.args;
/** Characters of an error message kept. */
export const MAX_MESSAGE = 400;
/** Bytes of the control block. */
export const CTL_BYTES: number = (CTL.message + MAX_MESSAGE) * 4;

/**
 * The helper thread's whole program. It runs in a worker made from its source text (`String(helperMain)`), so it
 * must not refer to anything outside its body: the slot numbers come in as `slots`.
 */
export function helperMain(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  control: number,
  names: readonly string[],
  slots: typeof CTL & { maxMessage: number },
): void {
  const ctl = new Int32Array(memory.buffer, control, slots.message + slots.maxMessage);
  const report = (error: unknown): void => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const n = Math.min(text.length, slots.maxMessage);
    for (let i = 0; i < n; i++) ctl[slots.message + i] = text.charCodeAt(i);
    ctl[slots.messageLength] = n;
  };
  let kernels: Array<(...args: number[]) => void>;
  try {
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    kernels = names.map((name) => exports[name] as (...args: number[]) => void);
  } catch (error) {
    report(error);
    Atomics.store(ctl, slots.ready, 2);
    Atomics.notify(ctl, slots.ready);
    return;
  }
  // The caller zeroed the block before starting this thread, and may publish a call as soon as it sees `ready`.
  let seen = 0;
  Atomics.store(ctl, slots.ready, 1);
  Atomics.notify(ctl, slots.ready);
  for (;;) {
    Atomics.wait(ctl, slots.go, seen);
    const go = Atomics.load(ctl, slots.go);
    if (go === seen) continue;
    seen = go;
    const k = ctl[slots.kernel]!;
    if (k < 0) return;
    Atomics.store(ctl, slots.ack, go);
    try {
      const args: number[] = [];
      for (let i = 0; i < ctl[slots.count]!; i++) args.push(ctl[slots.args + i]!);
      kernels[k]!(...args);
      ctl[slots.status] = 0;
    } catch (error) {
      report(error);
      ctl[slots.status] = 1;
    }
    Atomics.store(ctl, slots.done, go);
    Atomics.notify(ctl, slots.done);
  }
}
