import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './_bindings.js';
import { fail, placeAll, recordingTape, saveForBackward, valuesOf } from './_common.js';
import { arenaOf, fusedExports } from './_module.js';
import { checkConv, type FusedConv1dOptions, paddedTensor, shapeText, writePadded } from './conv1d.js';

/** Options of {@link fusedGatedConv1d}. */
export type FusedGatedConv1dOptions = Pick<FusedConv1dOptions, 'padding' | 'dilationRate' | 'inputGradient'>;

/**
 * WaveNet's gated activation unit (van den Oord et al. 2016) in one WebAssembly SIMD call, forward and backward:
 * `tanh(conv(x, filterKernel) + filterBias) · sigmoid(conv(x, gateKernel) + gateBias)`, the two convolutions of
 * `x` run as one (their kernels side by side) — what Keras computes with two `Conv1D` layers (`tanh`, `sigmoid`)
 * on the same input and a `Multiply`. Differentiable with respect to `x` and all four weights.
 *
 * @param x - `[batch, steps, channels]`, float32.
 * @param filterKernel - `[kernelSize, channels, filters]`.
 * @param filterBias - `[filters]`, or `null` (then `gateBias` too).
 * @param gateKernel - the shape of `filterKernel`.
 * @param gateBias - `[filters]`, or `null` (then `filterBias` too).
 * @returns `[batch, outputSteps, filters]`.
 *
 * @example
 * ```ts
 * const z = fusedGatedConv1d(h, filterKernel, filterBias, gateKernel, gateBias, { padding: 'causal', dilationRate: 4 });
 * ```
 */
export function fusedGatedConv1d(
  x: tf.Tensor,
  filterKernel: tf.Tensor,
  filterBias: tf.Tensor | null,
  gateKernel: tf.Tensor,
  gateBias: tf.Tensor | null,
  options: FusedGatedConv1dOptions = {},
): tf.Tensor {
  const op = 'fusedGatedConv1d';
  const d = checkConv(op, x, filterKernel, filterBias, { ...options, activation: 'tanh' });
  const { B, T, C, CP, K, F, FP, To } = d;
  if (
    !(gateKernel instanceof tf.Tensor) ||
    gateKernel.dtype !== 'float32' ||
    gateKernel.shape.length !== 3 ||
    gateKernel.shape.some((n, i) => n !== filterKernel.shape[i])
  ) {
    fail(
      op,
      'gateKernel',
      `a float32 tensor [${filterKernel.shape.join(', ')}] (filterKernel's shape)`,
      shapeText(gateKernel),
    );
  }
  if ((filterBias == null) !== (gateBias == null)) {
    fail(
      op,
      'gateBias',
      `${filterBias == null ? 'null' : `a float32 tensor [${F}]`} (as filterBias)`,
      shapeText(gateBias),
    );
  }
  if (gateBias != null) checkConv(op, x, gateKernel, gateBias, { ...options, activation: 'sigmoid' });
  const F2 = 2 * FP;
  const inputs =
    filterBias == null
      ? [x, filterKernel, gateKernel]
      : [x, filterKernel, filterBias!, gateKernel, gateBias!];
  const tape = recordingTape(inputs);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args.slice(0, inputs.length) as tf.Tensor[];
    const [xt, wf, bf, wg, bg] = filterBias == null ? [t[0]!, t[1]!, null, t[2]!, null] : t;
    const mod = fusedExports();
    const kernels = fusedKernels();
    const Wf = valuesOf(wf!).slice(0, K * C * F);
    const Wg = valuesOf(wg!).slice(0, K * C * F);
    const biases = bf == null ? null : [valuesOf(bf).slice(0, F), valuesOf(bg!).slice(0, F)];
    const forwardPass = () => {
      const placed = placeAll(
        mod,
        {},
        { x: B * T * CP, W: K * CP * F2, b: F2, Y: B * To * F2, Z: B * To * FP },
      );
      const { heap, at, ptr } = placed;
      writePadded(heap, at.x, valuesOf(xt!), B * T, C, CP);
      // [K, CP, 2·FP]: each input channel's row holds the filter's columns, then the gate's.
      heap.fill(0, at.W, at.W + K * CP * F2);
      for (let r = 0; r < K * C; r++) {
        const row = at.W + (Math.floor(r / C) * CP + (r % C)) * F2;
        heap.set(Wf.subarray(r * F, r * F + F), row);
        heap.set(Wg.subarray(r * F, r * F + F), row + FP);
      }
      heap.fill(0, at.b, at.b + F2);
      if (biases !== null) {
        heap.set(biases[0]!, at.b);
        heap.set(biases[1]!, at.b + FP);
      }
      kernels.conv1dForward({
        B,
        T,
        CP,
        K,
        FP: F2,
        dil: d.dil,
        padLeft: d.padLeft,
        To,
        act: 0,
        x: ptr.x,
        W: ptr.W,
        bias: ptr.b,
        Y: ptr.Y,
      });
      kernels.gateForward({ rows: B * To, FP, Y: ptr.Y, Z: ptr.Z });
      return placed;
    };
    const f = forwardPass();
    const value = paddedTensor(f.heap, f.at.Z, B * To, F, FP, [B, To, F]);
    const take = saveForBackward(op, f, ['x', 'W', 'Y'], tape, forwardPass);

    const gradFunc = (dz: tf.Tensor): tf.Tensor[] => {
      const saved = take();
      const g = placeAll(
        mod,
        {},
        {
          dZ: B * To * FP,
          dY: B * To * F2,
          dx: d.wantDx ? B * T * CP : 0,
          dW: K * CP * F2,
          db: F2,
          WR: d.wantDx ? K * F2 * CP : 0,
        },
      );
      const arena = arenaOf(mod);
      arena.releaseLater(saved.block);
      arena.releaseLater(g.block);
      const { heap, at, ptr } = g;
      writePadded(heap, at.dZ, valuesOf(dz), B * To, F, FP);
      kernels.gateBackward({ rows: B * To, FP, Y: saved.at.Y * 4, dZ: ptr.dZ, dY: ptr.dY });
      kernels.conv1dBackward({
        B,
        T,
        CP,
        K,
        FP: F2,
        dil: d.dil,
        padLeft: d.padLeft,
        To,
        act: 0,
        x: saved.at.x * 4,
        W: saved.at.W * 4,
        Y: saved.at.Y * 4,
        dY: ptr.dY,
        dx: ptr.dx,
        dW: ptr.dW,
        db: ptr.db,
        WR: ptr.WR,
        wantDx: d.wantDx,
      });
      const half = (offset: number) => {
        const out = new Float32Array(K * C * F);
        for (let r = 0; r < K * C; r++) {
          const row = at.dW + (Math.floor(r / C) * CP + (r % C)) * F2 + offset;
          out.set(heap.subarray(row, row + F), r * F);
        }
        return tf.tensor3d(out, [K, C, F]);
      };
      const dx = d.wantDx ? paddedTensor(heap, at.dx, B * T, C, CP, [B, T, C]) : tf.zeros([B, T, C]);
      if (filterBias == null) return [dx, half(0), half(FP)];
      return [
        dx,
        half(0),
        tf.tensor1d(heap.slice(at.db, at.db + F)),
        half(FP),
        tf.tensor1d(heap.slice(at.db + FP, at.db + FP + F)),
      ];
    };
    return { value, gradFunc };
  })(...inputs);
}
