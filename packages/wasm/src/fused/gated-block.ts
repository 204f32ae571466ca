import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import {
  fail,
  type Placed,
  placeAll,
  recordingTape,
  type Saved,
  saveForBackward,
  valuesOf,
} from './_common.js';
import { arenaOf, fusedExports } from './_module.js';
import { checkConv, paddedTensor, shapeText, writePadded } from './conv1d.js';

/** The weights of {@link fusedGatedBlock}, in Keras' `Conv1D` layout (`kernel [kernelSize, in, out]`, `bias [out]`). */
export interface GatedBlockWeights {
  /** The filter convolution's kernel `[kernelSize, channels, filters]` (its output goes through tanh). */
  filterKernel: tf.Tensor;
  /** `[filters]`, or `null` for no bias. */
  filterBias: tf.Tensor | null;
  /** The gate convolution's kernel, the shape of `filterKernel` (its output goes through sigmoid). */
  gateKernel: tf.Tensor;
  /** `[filters]`, or `null`. */
  gateBias: tf.Tensor | null;
  /** The 1×1 skip convolution's kernel `[1, filters, skipChannels]`. */
  skipKernel: tf.Tensor;
  /** `[skipChannels]`, or `null`. */
  skipBias: tf.Tensor | null;
  /**
   * The 1×1 residual convolution's kernel `[1, filters, channels]`, or `null` for a block without residual
   * output (WaveNet's last block, whose residual nothing reads).
   */
  residualKernel: tf.Tensor | null;
  /** `[channels]`, or `null`. */
  residualBias: tf.Tensor | null;
}

/** Options of {@link fusedGatedBlock}. */
export interface FusedGatedBlockOptions {
  /**
   * Distance between the taps of the filter and gate convolutions (Keras `dilation_rate`).
   * @default 1
   */
  dilationRate?: number;
}

/** The outputs of {@link fusedGatedBlock}. */
export interface GatedBlockOutputs {
  /** The skip output `[batch, steps, skipChannels]`. */
  skip: tf.Tensor;
  /** The next block's input `h + residual`, `[batch, steps, channels]`; `null` without a residual kernel. */
  next: tf.Tensor | null;
}

type Name = 'h' | keyof GatedBlockWeights;
const NAMES: readonly Name[] = [
  'h',
  'filterKernel',
  'filterBias',
  'gateKernel',
  'gateBias',
  'skipKernel',
  'skipBias',
  'residualKernel',
  'residualBias',
];

type ForwardKeys = 'x' | 'Wfg' | 'bfg' | 'Ws' | 'bs' | 'Wr' | 'br' | 'Y' | 'Z' | 'S' | 'N';
type SavedKeys = 'x' | 'Wfg' | 'Ws' | 'Wr' | 'Y' | 'Z';

interface EngineRunKernelFunc {
  runKernelFunc(params: {
    forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor[];
    backwardsFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: Record<string, tf.Tensor>;
  }): tf.Tensor | tf.Tensor[];
}

function checkPointwise(
  op: string,
  name: 'skipKernel' | 'residualKernel',
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  F: number,
  out: number | null,
): number {
  const outText = out === null ? 'skipChannels' : `${out}`;
  if (
    !(kernel instanceof tf.Tensor) ||
    kernel.dtype !== 'float32' ||
    kernel.rank !== 3 ||
    kernel.shape[0] !== 1 ||
    kernel.shape[1] !== F ||
    kernel.shape[2] === 0 ||
    (out !== null && kernel.shape[2] !== out)
  ) {
    fail(
      op,
      name,
      `a float32 tensor [1, ${F}, ${outText}] (a 1×1 convolution of the ${F} filters)`,
      shapeText(kernel),
    );
  }
  const n = kernel.shape[2]!;
  const biasName = name === 'skipKernel' ? 'skipBias' : 'residualBias';
  if (
    bias != null &&
    (!(bias instanceof tf.Tensor) || bias.dtype !== 'float32' || bias.rank !== 1 || bias.shape[0] !== n)
  ) {
    fail(op, biasName, `a float32 tensor [${n}] or null`, shapeText(bias));
  }
  return n;
}

/**
 * WaveNet's gated residual block (van den Oord et al. 2016) as one WebAssembly SIMD call forward and one backward:
 * `z = tanh(causalConv(h, filterKernel) + filterBias) · sigmoid(causalConv(h, gateKernel) + gateBias)` (kernel
 * size K, dilation d, zeros before the start), the skip output `z · skipKernel + skipBias` and the next block's
 * input `h + z · residualKernel + residualBias` — what Keras computes with two `Conv1D(padding='causal')` layers
 * (`tanh`, `sigmoid`), a `Multiply`, two 1×1 `Conv1D` layers and an `Add`. The activations stay in the module's
 * memory between forward and backward. Differentiable with respect to `h` and every weight (with the upstream
 * gradients of both outputs). Under `setFusedThreads(2)` each call splits its batch in halves over two threads
 * (outputs bit for bit as on one thread, weight gradients summed half 0 + half 1).
 *
 * @param h - `[batch, steps, channels]`, float32.
 * @returns the skip output and the next block's input (`null` when `residualKernel` is `null`).
 *
 * @example
 * ```ts
 * const { skip, next } = fusedGatedBlock(h, weights, { dilationRate: 4 });
 * ```
 */
export function fusedGatedBlock(
  h: tf.Tensor,
  weights: GatedBlockWeights,
  options: FusedGatedBlockOptions = {},
): GatedBlockOutputs {
  const op = 'fusedGatedBlock';
  if (weights === null || typeof weights !== 'object') {
    fail(op, 'weights', 'an object of kernels and biases', String(weights));
  }
  const w = weights;
  const d = checkConv(op, h, w.filterKernel, w.filterBias, {
    padding: 'causal',
    dilationRate: options.dilationRate ?? 1,
    activation: 'tanh',
  });
  const { B, T, C, CP, K, F, FP } = d;
  if (
    !(w.gateKernel instanceof tf.Tensor) ||
    w.gateKernel.dtype !== 'float32' ||
    w.gateKernel.rank !== 3 ||
    w.gateKernel.shape.some((n, i) => n !== w.filterKernel.shape[i])
  ) {
    fail(
      op,
      'gateKernel',
      `a float32 tensor [${w.filterKernel.shape.join(', ')}] (filterKernel's shape)`,
      shapeText(w.gateKernel),
    );
  }
  checkConv(op, h, w.gateKernel, w.gateBias, { padding: 'causal', dilationRate: d.dil });
  const S = checkPointwise(op, 'skipKernel', w.skipKernel, w.skipBias, F, null);
  const residual = w.residualKernel != null;
  if (residual) checkPointwise(op, 'residualKernel', w.residualKernel!, w.residualBias, F, C);
  else if (w.residualBias != null) {
    fail(op, 'residualBias', 'null when residualKernel is null', shapeText(w.residualBias));
  }
  const SP = Math.ceil(S / 4) * 4;
  const F2 = 2 * FP;
  const rows = B * T;
  const given: Record<Name, tf.Tensor | null> = { h, ...w };
  const names = NAMES.filter((n) => given[n] != null);
  const inputs = names.map((n) => given[n]!);
  const tape = recordingTape(inputs);
  const copy = (t: tf.Tensor | null, n: number) => (t === null ? null : valuesOf(t).slice(0, n));
  const Wf = copy(w.filterKernel, K * C * F)!;
  const Wg = copy(w.gateKernel, K * C * F)!;
  const bf = copy(w.filterBias, F);
  const bg = copy(w.gateBias, F);
  const Ws = copy(w.skipKernel, F * S)!;
  const bs = copy(w.skipBias, S);
  const Wr = copy(w.residualKernel, F * C);
  const br = copy(w.residualBias, C);
  const mod = fusedExports();
  const kernels = fusedKernels();

  const forwardPass = (): Placed<ForwardKeys> => {
    const placed = placeAll(
      mod,
      {},
      {
        x: rows * CP,
        Wfg: K * CP * F2,
        bfg: F2,
        Ws: FP * SP,
        bs: SP,
        Wr: residual ? FP * CP : 0,
        br: residual ? CP : 0,
        Y: rows * F2,
        Z: rows * FP,
        S: rows * SP,
        N: residual ? rows * CP : 0,
      },
    );
    const { heap, at, ptr } = placed;
    writePadded(heap, at.x, valuesOf(h), rows, C, CP);
    // [K, CP, 2·FP]: each input channel's row holds the filter's columns, then the gate's.
    heap.fill(0, at.Wfg, at.Wfg + K * CP * F2);
    for (let r = 0; r < K * C; r++) {
      const row = at.Wfg + (Math.floor(r / C) * CP + (r % C)) * F2;
      heap.set(Wf.subarray(r * F, r * F + F), row);
      heap.set(Wg.subarray(r * F, r * F + F), row + FP);
    }
    heap.fill(0, at.bfg, at.bfg + F2);
    if (bf !== null) heap.set(bf, at.bfg);
    if (bg !== null) heap.set(bg, at.bfg + FP);
    heap.fill(0, at.Ws, at.Ws + FP * SP);
    writePadded(heap, at.Ws, Ws, F, S, SP);
    heap.fill(0, at.bs, at.bs + SP);
    if (bs !== null) heap.set(bs, at.bs);
    if (residual) {
      heap.fill(0, at.Wr, at.Wr + FP * CP);
      writePadded(heap, at.Wr, Wr!, F, C, CP);
      heap.fill(0, at.br, at.br + CP);
      if (br !== null) heap.set(br, at.br);
    }
    kernels.gatedBlockForward({
      B,
      T,
      CP,
      K,
      FP,
      SP,
      dil: d.dil,
      residual,
      x: ptr.x,
      Wfg: ptr.Wfg,
      bfg: ptr.bfg,
      Ws: ptr.Ws,
      bs: ptr.bs,
      Wr: residual ? ptr.Wr : 0,
      br: residual ? ptr.br : 0,
      Y: ptr.Y,
      Z: ptr.Z,
      S: ptr.S,
      N: residual ? ptr.N : 0,
    });
    return placed;
  };

  let take: (() => Saved<SavedKeys>) | undefined;
  const forwardFunc = (): tf.Tensor[] => {
    const f = forwardPass();
    const outputs = [paddedTensor(f.heap, f.at.S, rows, S, SP, [B, T, S])];
    if (residual) outputs.push(paddedTensor(f.heap, f.at.N, rows, C, CP, [B, T, C]));
    take = saveForBackward(op, f, ['x', 'Wfg', 'Ws', 'Wr', 'Y', 'Z'], tape, forwardPass);
    return outputs;
  };

  const backwardsFunc = (dys: tf.Tensor | tf.Tensor[]): Record<string, () => tf.Tensor> => {
    const [dSkip, dNext] = Array.isArray(dys) ? dys : [dys];
    const saved = take!();
    const g = placeAll(
      mod,
      {},
      {
        dS: rows * SP,
        dN: residual ? rows * CP : 0,
        dZ: rows * FP,
        dY: rows * F2,
        dx: rows * CP,
        dWfg: K * CP * F2,
        dbfg: F2,
        dWs: FP * SP,
        dbs: SP,
        dWr: residual ? FP * CP : 0,
        dbr: residual ? CP : 0,
        WR: K * F2 * CP,
        WT: Math.max(SP, CP) * FP,
        idx: rows,
      },
    );
    const arena = arenaOf(mod);
    arena.releaseLater(saved.block);
    arena.releaseLater(g.block);
    const { heap, at, ptr } = g;
    writePadded(heap, at.dS, valuesOf(dSkip!), rows, S, SP);
    if (residual) writePadded(heap, at.dN, valuesOf(dNext!), rows, C, CP);
    const s = saved.at;
    kernels.gatedBlockBackward({
      B,
      T,
      CP,
      K,
      FP,
      SP,
      dil: d.dil,
      residual,
      x: s.x * 4,
      Wfg: s.Wfg * 4,
      Ws: s.Ws * 4,
      Wr: residual ? s.Wr * 4 : 0,
      Y: s.Y * 4,
      Z: s.Z * 4,
      dS: ptr.dS,
      dN: residual ? ptr.dN : 0,
      dZ: ptr.dZ,
      dY: ptr.dY,
      dx: ptr.dx,
      dWfg: ptr.dWfg,
      dbfg: ptr.dbfg,
      dWs: ptr.dWs,
      dbs: ptr.dbs,
      dWr: residual ? ptr.dWr : 0,
      dbr: residual ? ptr.dbr : 0,
      WR: ptr.WR,
      WT: ptr.WT,
      idx: ptr.idx,
    });
    const half = (offset: number) => {
      const out = new Float32Array(K * C * F);
      for (let r = 0; r < K * C; r++) {
        const row = at.dWfg + (Math.floor(r / C) * CP + (r % C)) * F2 + offset;
        out.set(heap.subarray(row, row + F), r * F);
      }
      return tf.tensor3d(out, [K, C, F]);
    };
    const grads: Record<Name, () => tf.Tensor> = {
      h: () => paddedTensor(heap, at.dx, rows, C, CP, [B, T, C]),
      filterKernel: () => half(0),
      filterBias: () => tf.tensor1d(heap.slice(at.dbfg, at.dbfg + F)),
      gateKernel: () => half(FP),
      gateBias: () => tf.tensor1d(heap.slice(at.dbfg + FP, at.dbfg + FP + F)),
      skipKernel: () => paddedTensor(heap, at.dWs, F, S, SP, [1, F, S]),
      skipBias: () => tf.tensor1d(heap.slice(at.dbs, at.dbs + S)),
      residualKernel: () => paddedTensor(heap, at.dWr, F, C, CP, [1, F, C]),
      residualBias: () => tf.tensor1d(heap.slice(at.dbr, at.dbr + C)),
    };
    // Read every gradient now: the blocks go back to the allocator at its next use.
    const out: Record<string, () => tf.Tensor> = {};
    names.forEach((n, i) => {
      const t = grads[n]();
      out[i] = () => t;
    });
    return out;
  };

  const inputMap: Record<string, tf.Tensor> = {};
  inputs.forEach((t, i) => {
    inputMap[i] = t;
  });
  const engine = tf.engine() as unknown as EngineRunKernelFunc;
  const result = engine.runKernelFunc({ forwardFunc, backwardsFunc, inputs: inputMap });
  const [skip, next] = Array.isArray(result) ? result : [result];
  return { skip: skip!, next: residual ? next! : null };
}
