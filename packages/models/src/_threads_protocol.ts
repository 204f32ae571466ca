// What the main thread and a training thread share: the control words' layout and the worker's start data.

/** Int32 control words at the start of a worker's control buffer; the mask counters follow them. */
export const CTL = {
  /** Step counter: the main thread bumps it to start a step (or to wake a worker to stop). */
  go: 0,
  /** Steps finished by the worker. */
  done: 1,
  /** {@link COMMAND_STEP} or {@link COMMAND_STOP}. */
  command: 2,
  /** 0: the step succeeded; 1: it threw (the message is in the error buffer). */
  status: 3,
  errorLength: 4,
  /** The shard: its rows, its first row in the batch and the batch's rows. */
  rows: 5,
  offset: 6,
  total: 7,
  /** Ids per row, labels per row. */
  cols: 8,
  yCols: 9,
  /** Mask counters that follow. */
  maskCount: 10,
} as const;

export const CTL_INTS = 16;
export const MAX_MASK_SOURCES = 64;
export const ERROR_BYTES = 4096;
export const COMMAND_STEP = 1;
export const COMMAND_STOP = 2;

/** `workerData` of a training thread. */
export interface WorkerInit {
  /** The main thread's tfjs backend (`wasm` or `cpu`). */
  backend: string;
  /** `model.toJSON(null, false)`. */
  modelTopology: object;
  /** The JSON of the main thread's own rebuild of `modelTopology`: the worker's rebuild must match it. */
  rebuiltTopology: string;
  loss: string;
  metrics: string[];
  /** The trainable weights, concatenated in the model's order (written by the main thread every step). */
  weights: SharedArrayBuffer;
  shapes: number[][];
  ctl: SharedArrayBuffer;
  ids: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** This worker's gradients, laid out like `weights`. */
  grads: SharedArrayBuffer;
  /** Loss, then metrics. */
  outs: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

/** The worker's first message. */
export type WorkerReady = { type: 'ready' } | { type: 'error'; message: string };
