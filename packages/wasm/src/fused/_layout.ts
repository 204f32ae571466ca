// Memory layout: where the kernels' buffers go in the module's memory, gate blocks padded to SIMD width, time
// reversed for goBackwards, and the tensors read back out.
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend } from '../kernels/_backend.js';
import { fusedKernels } from './_bindings.js';
import { arenaOf, type FusedExports, place } from './_module.js';
import type { RunOptions } from './_options.js';
import { releaseEndedTapes } from './_tape.js';
import type { Dims } from './_validate.js';

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

/**
 * A float32 tensor of `shape` holding `heap[from, from + size)`, copied once: tfjs-backend-wasm copies a typed array
 * into its own memory, so it gets a view; other backends may keep the array itself, so they get a copy.
 */
export function tensorFromHeap(heap: Float32Array, from: number, size: number, shape: number[]): tf.Tensor {
  const values =
    tf.getBackend() === 'wasm' ? heap.subarray(from, from + size) : heap.slice(from, from + size);
  return tf.tensor(values, shape, 'float32');
}

/** [rows, gates·UP] (at `offset` in `heap`) → a tensor [rows, gates·U] of `shape` ({@link unpadGates}). */
export function gatesTensor(
  heap: Float32Array,
  offset: number,
  rows: number,
  gates: number,
  U: number,
  UP: number,
  shape: number[],
): tf.Tensor {
  if (U === UP) return tensorFromHeap(heap, offset, rows * gates * U, shape);
  return tf.tensor(unpadGates(heap, offset, rows, gates, U, UP), shape, 'float32');
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

/** The op's output from H [B,T,UP]: [B,T,U] or the last step [B,U]. */
export function outputOf(heap: Float32Array, at: number, d: Dims, sequences: boolean): tf.Tensor {
  const { B, T, U, UP } = d;
  if (sequences) return gatesTensor(heap, at, B * T, 1, U, UP, [B, T, U]);
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
  if (!reverse) return tensorFromHeap(heap, at, B * T * F, [B, T, F]);
  const out = new Float32Array(B * T * F);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const from = at + (b * T + t) * F;
      out.set(heap.subarray(from, from + F), (b * T + (T - 1 - t)) * F);
    }
  }
  return tf.tensor3d(out, [B, T, F]);
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
    fusedKernels().embedInput({ ids: ptr.ids, E: ptr.E, mask: ptr.imask, x: ptr.x, B, T, F });
  } else {
    writeInput(heap, at.x, valuesOf(input), d, run.reverse);
    if (run.inputMask !== null) fusedKernels().maskInput({ x: ptr.x, mask: ptr.imask, B, T, F });
  }
  return placed;
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
