import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend } from '../kernels/_backend.js';
import { arenaOf, type FusedExports, fusedExports, place } from './_module.js';
import { FusedRnnError } from './errors.js';

/** Options shared by every fused recurrent op. */
export interface FusedRecurrentOptions {
  /**
   * Return the whole output sequence `[batch, time, units]` instead of the last output `[batch, units]`
   * (Keras `return_sequences`). With `goBackwards` the sequence is in processing order, as in Keras.
   * @default false
   */
  returnSequences?: boolean;
  /**
   * A `[batch, time]` mask (bool or numeric; nonzero keeps the step), as Keras' `Masking`/`mask_zero` produce.
   * A masked step carries the previous state and output forward (Keras' `rnn` with masking); its gates and
   * gradients are skipped. Not differentiated.
   * @default null
   */
  mask?: tf.Tensor | null;
  /**
   * Process the sequence from the last step to the first (Keras `go_backwards`).
   * @default false
   */
  goBackwards?: boolean;
  /**
   * Compute the gradient with respect to `x`. Pass `false` when `x` is data (one-hot words, say) so backward skips
   * the `dz · kernelᵀ` product; the returned gradient for `x` is then zeros.
   * @default true
   */
  inputGradient?: boolean;
  /**
   * A `[batch, features]` multiplier of `x` at every step: Keras' per-sequence input dropout mask (an RNN layer's
   * `dropout`), applied inside the op instead of by a `tf.mul` on the whole sequence. Not differentiated.
   * @default null
   */
  inputMask?: tf.Tensor | null;
  /**
   * An embedding table `[vocabulary, features]` (Keras' `Embedding`): `x` is then int32 ids `[batch, time]` and the
   * op reads `embeddings[x]` itself, with no `[batch, time, features]` tensor in between. The gradient that would
   * go to `x` goes to the table instead (the Embedding layer's gradient).
   * @default null
   */
  embeddings?: tf.Tensor | null;
}

/** How the op reads `x`: a float sequence, one-hot ids, or ids into an embedding table. */
export interface InputKind {
  /** Whether int32 ids `[batch, time]` may stand for their one-hot rows (SimpleRNN). */
  oneHotIds?: boolean;
  /** The embedding table, when `x` is ids into it. */
  embeddings?: tf.Tensor | null | undefined;
}

export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

export interface Dims {
  B: number;
  T: number;
  F: number;
  U: number;
  /** Units padded to a multiple of 4 (one SIMD vector). */
  UP: number;
  /** Gate blocks in the kernels (1 SimpleRNN, 3 GRU, 4 LSTM). */
  gates: number;
  /** Whether x is int32 ids [B,T] read as one-hot rows of F classes. */
  oneHot: boolean;
  /** Whether x is int32 ids [B,T] into an embedding table [V,F]. */
  embed: boolean;
  /** Rows of the embedding table (0 without one). */
  V: number;
}

function shapeText(t: tf.Tensor | null | undefined): string {
  return t == null ? String(t) : `[${t.shape.join(', ')}]`;
}

export function fail(op: string, what: string, expected: string, got: string): never {
  throw new FusedRnnError('INVALID_SHAPE', `${op}: ${what} must be ${expected}, got ${got}.`);
}

function requireFloat32(op: string, name: string, t: tf.Tensor): void {
  if (t.dtype !== 'float32') {
    throw new FusedRnnError(
      'UNSUPPORTED_DTYPE',
      `${op}: ${name} must be a float32 tensor, got ${t.dtype} of shape ${shapeText(t)}.`,
    );
  }
}

function checkIds(op: string, x: tf.Tensor, what: string): void {
  if (!(x instanceof tf.Tensor) || x.dtype !== 'int32' || x.rank !== 2) {
    fail(op, 'x', what, x instanceof tf.Tensor ? `${x.dtype} ${shapeText(x)}` : String(x));
  }
}

/**
 * Checks x [b,t,f] (or int32 ids [b,t]: one-hot rows of f = kernel rows with `oneHotIds`, rows of the embedding
 * table [v,f] with `embeddings`), kernel [f, gates·u], recurrentKernel [u, gates·u]; returns the dimensions.
 */
export function checkCore(
  op: string,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  gates: number,
  input: InputKind = {},
): Dims {
  const table = input.embeddings ?? null;
  const embed = table !== null;
  if (embed) {
    checkIds(op, x, 'int32 ids [batch, time] when embeddings are given');
    if (!(table instanceof tf.Tensor) || table.rank !== 2 || table.shape[0] === 0) {
      fail(
        op,
        'embeddings',
        'a rank-2 tensor [vocabulary, features]',
        table instanceof tf.Tensor ? shapeText(table) : String(table),
      );
    }
  }
  const oneHot =
    !embed && input.oneHotIds === true && x instanceof tf.Tensor && x.dtype === 'int32' && x.rank === 2;
  if (!embed && (!(x instanceof tf.Tensor) || (x.rank !== 3 && !oneHot))) {
    fail(
      op,
      'x',
      input.oneHotIds === true
        ? 'a rank-3 tensor [batch, time, features] or int32 ids [batch, time]'
        : 'a rank-3 tensor [batch, time, features]',
      x instanceof tf.Tensor
        ? input.oneHotIds === true
          ? `${x.dtype} ${shapeText(x)}`
          : shapeText(x)
        : String(x),
    );
  }
  const [B, T] = x.shape as [number, number];
  if (T === 0) fail(op, 'x', 'a tensor with at least one time step', shapeText(x));
  if (!(recurrentKernel instanceof tf.Tensor) || recurrentKernel.rank !== 2) {
    fail(op, 'recurrentKernel', `a rank-2 tensor [units, ${gates} * units]`, shapeText(recurrentKernel));
  }
  const U = recurrentKernel.shape[0]!;
  if (U === 0 || recurrentKernel.shape[1] !== gates * U) {
    fail(op, 'recurrentKernel', `[units, ${gates} * units] with units > 0`, shapeText(recurrentKernel));
  }
  const F = embed
    ? table.shape[1]
    : oneHot
      ? kernel instanceof tf.Tensor
        ? kernel.shape[0]
        : undefined
      : x.shape[2];
  if (
    !(kernel instanceof tf.Tensor) ||
    kernel.rank !== 2 ||
    kernel.shape[0] !== F ||
    kernel.shape[1] !== gates * U
  ) {
    const rows = embed
      ? 'features of the embeddings'
      : oneHot
        ? 'classes (one-hot depth of the ids)'
        : 'features of x';
    fail(
      op,
      'kernel',
      `[${oneHot ? 'depth' : F}, ${gates * U}] (${rows}, ${gates} * units)`,
      shapeText(kernel),
    );
  }
  const named: [string, tf.Tensor][] = [
    ['kernel', kernel],
    ['recurrentKernel', recurrentKernel],
  ];
  if (embed) named.unshift(['embeddings', table]);
  else if (!oneHot) named.unshift(['x', x]);
  for (const [name, t] of named) requireFloat32(op, name, t);
  return { B, T, F: F!, U, UP: Math.ceil(U / 4) * 4, gates, oneHot, embed, V: embed ? table.shape[0]! : 0 };
}

export function checkVector(op: string, name: string, t: tf.Tensor, shape: number[]): void {
  if (
    !(t instanceof tf.Tensor) ||
    t.shape.length !== shape.length ||
    t.shape.some((d, i) => d !== shape[i])
  ) {
    fail(op, name, `[${shape.join(', ')}]`, t instanceof tf.Tensor ? shapeText(t) : String(t));
  }
  requireFloat32(op, name, t);
}

export function checkActivation(op: string, value: unknown): 0 | 1 {
  if (value === undefined || value === 'sigmoid') return 0;
  if (value === 'hardSigmoid') return 1;
  throw new FusedRnnError(
    'INVALID_OPTION',
    `${op}: recurrentActivation must be 'sigmoid' or 'hardSigmoid', got ${JSON.stringify(value)}.`,
  );
}

/**
 * A tensor's values: a view on the wasm heap when the backend is `wasm` (valid until the next tfjs allocation: copy
 * it before creating tensors), else `dataSync()`.
 */
export function valuesOf(t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm' && t.dtype === 'float32') {
    return asWasmBackend(tf.backend()).typedArrayFromHeap(t) as Float32Array;
  }
  const data = t.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** [rows, gates·U] → [rows, gates·UP], each gate's block padded with zeros to UP columns. */
export function padGates(
  src: Float32Array,
  rows: number,
  gates: number,
  U: number,
  UP: number,
): Float32Array {
  if (U === UP) return src.slice(0, rows * gates * U);
  const out = new Float32Array(rows * gates * UP);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < gates; q++) {
      const from = (r * gates + q) * U;
      out.set(src.subarray(from, from + U), (r * gates + q) * UP);
    }
  }
  return out;
}

/** [rows, gates·UP] (at `offset` in `heap`) → [rows, gates·U]. */
export function unpadGates(
  heap: Float32Array,
  offset: number,
  rows: number,
  gates: number,
  U: number,
  UP: number,
): Float32Array {
  if (U === UP) return heap.slice(offset, offset + rows * gates * U);
  const out = new Float32Array(rows * gates * U);
  for (let r = 0; r < rows * gates; r++) {
    out.set(heap.subarray(offset + r * UP, offset + r * UP + U), r * U);
  }
  return out;
}

/** Copies x [B,T,F] into `heap`, reversing time for `goBackwards`. */
export function writeInput(heap: Float32Array, at: number, x: Float32Array, d: Dims, reverse: boolean): void {
  const { B, T, F } = d;
  if (!reverse) {
    heap.set(x.subarray(0, B * T * F), at);
    return;
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const from = (b * T + (T - 1 - t)) * F;
      heap.set(x.subarray(from, from + F), at + (b * T + t) * F);
    }
  }
}

/** The mask as float32 [B,T] in processing order (1 keeps, 0 masks), or null. */
export function readMask(
  op: string,
  mask: tf.Tensor | null | undefined,
  d: Dims,
  reverse: boolean,
): Float32Array | null {
  if (mask == null) return null;
  if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== d.B || mask.shape[1] !== d.T) {
    fail(
      op,
      'mask',
      `[${d.B}, ${d.T}] (batch, time of x)`,
      mask instanceof tf.Tensor ? shapeText(mask) : String(mask),
    );
  }
  const values = mask.dataSync();
  const out = new Float32Array(d.B * d.T);
  for (let b = 0; b < d.B; b++) {
    for (let t = 0; t < d.T; t++) {
      out[b * d.T + t] = values[b * d.T + (reverse ? d.T - 1 - t : t)] !== 0 ? 1 : 0;
    }
  }
  return out;
}

/** The op's output from H [B,T,UP]: [B,T,U] or the last step [B,U]. */
export function outputOf(heap: Float32Array, at: number, d: Dims, sequences: boolean): tf.Tensor {
  const { B, T, U, UP } = d;
  if (sequences) return tf.tensor3d(unpadGates(heap, at, B * T, 1, U, UP), [B, T, U]);
  const out = new Float32Array(B * U);
  for (let b = 0; b < B; b++) {
    const from = at + (b * T + T - 1) * UP;
    out.set(heap.subarray(from, from + U), b * U);
  }
  return tf.tensor2d(out, [B, U]);
}

/** Writes dy ([B,T,U] or [B,U]) padded to UP columns. */
export function writeOutputGrad(
  heap: Float32Array,
  at: number,
  dy: tf.Tensor,
  d: Dims,
  sequences: boolean,
): void {
  const rows = sequences ? d.B * d.T : d.B;
  const values = valuesOf(dy);
  if (d.U === d.UP) {
    heap.set(values.subarray(0, rows * d.U), at);
    return;
  }
  heap.fill(0, at, at + rows * d.UP);
  for (let r = 0; r < rows; r++) heap.set(values.subarray(r * d.U, r * d.U + d.U), at + r * d.UP);
}

/** dx from the heap [B,T,F] (processing order) → tensor in x's time order. */
export function inputGradOf(
  heap: Float32Array,
  at: number,
  d: Dims,
  reverse: boolean,
  computed: boolean,
): tf.Tensor {
  const { B, T, F } = d;
  if (!computed) return tf.zeros([B, T, F]);
  if (!reverse) return tf.tensor3d(heap.slice(at, at + B * T * F), [B, T, F]);
  const out = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const from = at + (b * T + t) * F;
      out.set(heap.subarray(from, from + F), (b * T + (T - 1 - t)) * F);
    }
  }
  return tf.tensor3d(out, [B, T, F]);
}

/** A gradient tape: the engine's `activeTape` array, one per outermost `tf.grads`/`tf.variableGrads` call. */
export type Tape = object;

interface EngineInternals {
  isTapeOn(): boolean;
  state: { activeTape: Tape | null };
}

const engineInternals = (): EngineInternals => tf.engine() as unknown as EngineInternals;

/**
 * Whether a gradient can reach `t`: a variable only when trainable (`tf.variableGrads`, and so
 * `optimizer.minimize` and `model.fit`, differentiate trainable variables only); any other tensor may be one of
 * `tf.grads`' xs, or computed from one.
 */
function mayNeedGradient(t: tf.Tensor): boolean {
  return !(t instanceof tf.Variable) || t.trainable;
}

/**
 * The tape that records an op on `inputs` now and may run its backward, or null: no tape records (`predict`,
 * `evaluate`, a call inside another kernel), or no input can receive a gradient (a frozen layer on frozen
 * inputs). Read before the op runs: inside it, tfjs reports the tape off.
 */
export function recordingTape(inputs: tf.Tensor[]): Tape | null {
  const engine = engineInternals();
  if (!engine.isTapeOn() || !inputs.some(mayNeedGradient)) return null;
  return engine.state.activeTape;
}

/** The options every fused op reads, resolved to their defaults. */
export interface RunOptions {
  seq: boolean;
  reverse: boolean;
  wantDx: boolean;
  /** Float32 [B,T] in processing order, or null. */
  mask: Float32Array | null;
  /** The ids [B,T] in processing order (one-hot or embedding input), or null. */
  ids: Int32Array | null;
  /** The input dropout mask [B,F], or null. */
  inputMask: Float32Array | null;
  /** The embedding table, or null. */
  embeddings: tf.Tensor | null;
}

/** The ids in processing order; with a table of `V` rows, each must be in [0, V) (as `tf.gather` demands). */
function readIds(op: string, x: tf.Tensor, d: Dims, reverse: boolean): Int32Array {
  const { B, T } = d;
  const values = x.dataSync() as Int32Array;
  let out = values;
  if (reverse) {
    out = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) out[b * T + t] = values[b * T + (T - 1 - t)]!;
    }
  }
  if (d.embed) {
    for (let i = 0; i < B * T; i++) {
      const id = out[i]!;
      if (!(id >= 0 && id < d.V)) {
        throw new FusedRnnError(
          'INVALID_ARGUMENT',
          `${op}: ids must be in [0, ${d.V}) (rows of the embeddings), got ${id}.`,
        );
      }
    }
  }
  return out;
}

export function runOptions(op: string, options: FusedRecurrentOptions, d: Dims, x: tf.Tensor): RunOptions {
  const reverse = options.goBackwards ?? false;
  let inputMask: Float32Array | null = null;
  if (options.inputMask != null) {
    checkVector(op, 'inputMask', options.inputMask, [d.B, d.F]);
    // float32 (checked), and only read: no copy of dataSync's array.
    inputMask = options.inputMask.dataSync() as Float32Array;
  }
  return {
    seq: options.returnSequences ?? false,
    reverse,
    // One-hot ids are data: no gradient flows back to them. Embedded ids need dx for the table's gradient.
    wantDx: d.embed || (!d.oneHot && (options.inputGradient ?? true)),
    mask: readMask(op, options.mask, d, reverse),
    ids: d.oneHot || d.embed ? readIds(op, x, d, reverse) : null,
    inputMask,
    embeddings: d.embed ? (options.embeddings ?? null) : null,
  };
}

/**
 * The differentiated tensors: what `x` stands for (x itself, the embedding table, or nothing for one-hot ids),
 * kernel, recurrentKernel, then the bias when there is one.
 */
export function coreInputs(
  d: Dims,
  run: RunOptions,
  x: tf.Tensor,
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  bias: tf.Tensor | null,
): tf.Tensor[] {
  const first = d.embed ? [run.embeddings!] : d.oneHot ? [] : [x];
  return bias == null ? [...first, kernel, recurrentKernel] : [...first, kernel, recurrentKernel, bias];
}

/** kernel [F, gates·U] and recurrentKernel [U, gates·U], gate blocks padded to UP columns. */
export function paddedKernels(
  kernel: tf.Tensor,
  recurrentKernel: tf.Tensor,
  d: Dims,
): { W: Float32Array; R: Float32Array } {
  return {
    W: padGates(valuesOf(kernel), d.F, d.gates, d.U, d.UP),
    R: padGates(valuesOf(recurrentKernel), d.U, d.gates, d.U, d.UP),
  };
}

/** Buffers placed in the module's memory: float offsets (`at`), byte pointers (`ptr`, 0 for absent inputs), sizes. */
export interface Placed<K extends string> {
  heap: Float32Array;
  at: Record<K, number>;
  ptr: Record<K, number>;
  size: Record<K, number>;
  /** The memory block holding them. */
  block: { start: number; size: number };
}

/** A recorded forward's buffers that its backward reads where the forward left them. */
export interface Saved<K extends string> {
  at: Record<K, number>;
  size: Record<K, number>;
  block: { start: number; size: number };
}

/**
 * Returns to the allocator the forwards' buffers kept for a backward that can no longer run: their tape ended
 * (tfjs drops the tape when the outermost `tf.grads`/`tf.variableGrads` returns, and starts a new one with the
 * next). Every fused op's allocation calls it first, so a tape's leftovers never outlive the next op.
 */
export function releaseEndedTapes(): void {
  if (held.size === 0) return;
  const active = engineInternals().state.activeTape;
  for (const entry of held) if (entry.tape !== active) entry.release();
}

/** Places `inputs` (copied in; null ones are absent) and `scratch` (sizes in floats) in the module's memory. */
export function placeAll<I extends string, S extends string>(
  mod: FusedExports,
  inputs: Record<I, Float32Array | null>,
  scratch: Record<S, number>,
): Placed<I | S> {
  releaseEndedTapes();
  const size = { ...scratch } as Record<I | S, number>;
  const given = Object.entries(inputs) as [I, Float32Array | null][];
  for (const [key, values] of given) size[key] = values === null ? 0 : values.length;
  const { heap, at, block } = place(mod, size);
  const ptr = {} as Record<I | S, number>;
  for (const key of Object.keys(at) as (I | S)[]) ptr[key] = at[key] * 4;
  for (const [key, values] of given) {
    if (values === null) ptr[key] = 0;
    else heap.set(values, at[key]);
  }
  return { heap, at, ptr, size, block };
}

/**
 * The forward's buffers: x (time-reversed for `goBackwards`; looked up in the table for embedded ids, the ids for
 * one-hot ones; times the input mask), the mask, `weights` copied in, `scratch` for the kernel's outputs, and a
 * zero vector. `input` is the first of the op's differentiated tensors: x, or the embedding table.
 */
export function placeForward<W extends string, S extends string>(
  mod: FusedExports,
  d: Dims,
  run: RunOptions,
  input: tf.Tensor,
  weights: Record<W, Float32Array | null>,
  scratch: Record<S, number>,
): Placed<W | S | 'x' | 'mask' | 'zeros' | 'ids' | 'E' | 'imask'> {
  const { B, T, F } = d;
  const placed = placeAll(
    mod,
    {
      ...weights,
      mask: run.mask,
      imask: run.inputMask,
      E: d.embed ? valuesOf(input).subarray(0, d.V * F) : null,
    },
    { x: B * T * (d.oneHot ? 1 : F), ...scratch, zeros: d.UP, ids: d.embed ? B * T : 0 },
  );
  const { heap, at, ptr } = placed;
  if (d.oneHot) new Int32Array(heap.buffer, at.x * 4, B * T).set(run.ids!);
  else if (d.embed) {
    new Int32Array(heap.buffer, at.ids * 4, B * T).set(run.ids!);
    mod.embedInput(ptr.ids, ptr.E, ptr.imask, ptr.x, B, T, F);
  } else {
    writeInput(heap, at.x, valuesOf(input), d, run.reverse);
    if (run.inputMask !== null) mod.maskInput(ptr.x, ptr.imask, B, T, F);
  }
  return placed;
}

interface Held {
  tape: Tape;
  release: () => void;
}

/** Forwards' blocks kept for a backward, with the tape that may run it. */
const held = new Set<Held>();

// A safety net only: a kept block whose owner was dropped while its tape still runs (the tape's end releases it).
const unclaimed = new FinalizationRegistry<() => void>((free) => free());

/**
 * Keeps the forward's block (and so the buffers named in `keys`) for the backward while `tape` runs, and returns it
 * to the module's allocator otherwise: at once when `tape` is null (no gradient can need it), else when the
 * backward takes it or when the tape ends ({@link releaseEndedTapes}), whichever comes first. The returned function
 * hands the buffers over once; on a forward that kept nothing (a gradient nobody could foresee, e.g. `tf.grads`
 * with respect to a non-trainable variable) it runs `forwardPass` again; a second backward throws.
 */
export function saveForBackward<K extends string>(
  op: string,
  placed: Placed<K>,
  keys: readonly K[],
  tape: Tape | null,
  forwardPass: () => Placed<K>,
): () => Saved<K> {
  const arena = arenaOf(fusedExports());
  const savedOf = (p: Placed<K>): Saved<K> => {
    const saved: Saved<K> = { at: {} as Record<K, number>, size: {} as Record<K, number>, block: p.block };
    for (const key of keys) {
      saved.at[key] = p.at[key];
      saved.size[key] = p.size[key];
    }
    return saved;
  };
  if (tape === null) {
    arena.releaseLater(placed.block);
    return () => savedOf(forwardPass());
  }
  const saved = savedOf(placed);
  const state = { done: false };
  const entry: Held = {
    tape,
    release: () => {
      if (state.done) return;
      state.done = true;
      held.delete(entry);
      unclaimed.unregister(state);
      arena.releaseLater(saved.block);
    },
  };
  held.add(entry);
  const take = (): Saved<K> => {
    if (state.done) {
      throw new FusedRnnError(
        'INVALID_OPTION',
        `${op}: expected one backward pass per recorded forward, while its tape runs; got a second one.`,
      );
    }
    // The backward returns the block (placeBackward): only the bookkeeping ends here.
    state.done = true;
    held.delete(entry);
    unclaimed.unregister(state);
    return saved;
  };
  const block = saved.block;
  unclaimed.register(
    take,
    () => {
      if (!state.done) {
        state.done = true;
        held.delete(entry);
        arena.releaseLater(block);
      }
    },
    state,
  );
  return take;
}

/** What the fused kernels hold in their WebAssembly memory (which never shrinks), in bytes. */
export interface FusedMemoryStats {
  /** Size of the module's memory. */
  memoryBytes: number;
  /** Bytes in blocks in use (forwards kept for a backward, mostly), after releasing what can be released. */
  inUseBytes: number;
  /** Forwards kept for a backward whose tape still runs. */
  heldForwards: number;
}

/**
 * The fused kernels' memory use, after returning what no backward can need any more: for tests and diagnostics
 * (a training loop whose `inUseBytes` grows leaks activations).
 *
 * @example
 * ```ts
 * const { memoryBytes, inUseBytes } = fusedMemoryStats();
 * ```
 */
export function fusedMemoryStats(): FusedMemoryStats {
  releaseEndedTapes();
  const arena = arenaOf(fusedExports());
  arena.flush();
  return { ...arena.stats(), heldForwards: held.size };
}

/**
 * The backward's buffers: the `saved` forward buffers where the forward left them, `weights` and the mask copied
 * in, dY padded to UP columns, dx, dW and dR, `scratch`, and a zero vector. Both blocks go back to the allocator
 * at its next use, once the gradients are read.
 */
export function placeBackward<V extends string, W extends string, S extends string>(
  mod: FusedExports,
  d: Dims,
  run: RunOptions,
  dy: tf.Tensor,
  saved: Saved<V>,
  weights: Record<W, Float32Array | null>,
  scratch: Record<S, number>,
): Placed<V | W | S | 'mask' | 'dY' | 'dx' | 'dW' | 'dR' | 'zeros' | 'imask' | 'ids' | 'dE'> {
  const { B, T, F, U, UP, gates } = d;
  const own = placeAll(
    mod,
    { ...weights, mask: run.mask, imask: run.inputMask },
    {
      dY: (run.seq ? B * T : B) * UP,
      dx: run.wantDx ? B * T * F : 0,
      dW: F * gates * UP,
      dR: U * gates * UP,
      ...scratch,
      zeros: UP,
      ids: d.embed ? B * T : 0,
      dE: d.V * F,
    },
  );
  const arena = arenaOf(mod);
  arena.releaseLater(saved.block);
  arena.releaseLater(own.block);
  const savedPtr = {} as Record<V, number>;
  for (const key of Object.keys(saved.at) as V[]) savedPtr[key] = saved.at[key] * 4;
  const placed = {
    heap: own.heap,
    at: { ...own.at, ...saved.at },
    ptr: { ...own.ptr, ...savedPtr },
    size: { ...own.size, ...saved.size },
    block: own.block,
  };
  if (d.embed) new Int32Array(placed.heap.buffer, placed.at.ids * 4, B * T).set(run.ids!);
  writeOutputGrad(placed.heap, placed.at.dY, dy, d, run.seq);
  return placed;
}

/**
 * Gradients for what x stands for (x; the embedding table; nothing for one-hot ids), kernel and recurrentKernel
 * from the backward's buffers.
 */
export function coreGrads(
  placed: Placed<'dx' | 'dW' | 'dR' | 'imask' | 'ids' | 'dE'>,
  d: Dims,
  run: RunOptions,
): tf.Tensor[] {
  const { B, T, F, U, UP, gates } = d;
  const { heap, at, ptr } = placed;
  const weights = [
    tf.tensor2d(unpadGates(heap, at.dW, F, gates, U, UP), [F, gates * U]),
    tf.tensor2d(unpadGates(heap, at.dR, U, gates, U, UP), [U, gates * U]),
  ];
  if (d.oneHot) return weights;
  const mod = fusedExports();
  if (d.embed) {
    mod.embedGrad(ptr.ids, ptr.dx, ptr.imask, ptr.dE, B, T, F, d.V);
    return [tf.tensor2d(heap.slice(at.dE, at.dE + d.V * F), [d.V, F]), ...weights];
  }
  if (run.wantDx && run.inputMask !== null) mod.maskInput(ptr.dx, ptr.imask, B, T, F);
  return [inputGradOf(heap, at.dx, d, run.reverse, run.wantDx), ...weights];
}

/**
 * `tf.customGrad` over `inputs` (from {@link coreInputs}): `forward` gets them as tensors, with x first for one-hot
 * ids (which are not differentiated), and the tape that may run its backward ({@link recordingTape}); it returns
 * the value and its gradient function.
 */
export function withCustomGrad(
  d: Dims,
  x: tf.Tensor,
  inputs: tf.Tensor[],
  forward: (
    tensors: tf.Tensor[],
    tape: Tape | null,
  ) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor[] },
): tf.Tensor {
  const tape = recordingTape(inputs);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, inputs.length) as tf.Tensor[];
    return forward(d.oneHot ? [x, ...tensors] : tensors, tape);
  })(...inputs);
}
