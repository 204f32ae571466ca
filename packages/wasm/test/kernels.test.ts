import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RMSPROP_UPDATE, WASM_KERNEL_NAMES, WasmKernelError } from '../src/index.js';
import { asWasmBackend } from '../src/kernels/_backend.js';
import { heapKernels } from '../src/kernels/_heap.js';
import { expectClose, expectParity, startBoth } from './_both.js';

interface ConvCase {
  x: number[];
  xShape: [number, number, number, number];
  dy: number[];
  dyShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  expected: number[];
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/kernels.json', import.meta.url), 'utf8')) as {
  segment: { x: number[]; xShape: [number, number]; ids: number[]; numSegments: number; expected: number[] };
  conv2dBackpropFilter: ConvCase[];
};

const FORWARD = 1e-6;
const GRADIENT = 1e-5;

/** Deterministic values in (-2, 2) (a small LCG), so cpu and wasm see the same inputs. */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}
function randn(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}
function ints(shape: number[], seed: number, max: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    values(n, seed).map((v) => Math.floor(((v + 2) / 4) * max)),
    shape,
    'int32',
  );
}

function conv2dBackpropFilter(
  x: tf.Tensor,
  dy: tf.Tensor,
  attrs: {
    filterShape: [number, number, number, number];
    strides: [number, number] | number;
    pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): tf.Tensor {
  return tf
    .engine()
    .runKernel('Conv2DBackpropFilter', { x, dy }, { dataFormat: 'NHWC', ...attrs }) as tf.Tensor;
}

beforeAll(startBoth);

describe('registration', () => {
  it('adds the training kernels and replaces the copying ones on wasm', () => {
    expect(WASM_KERNEL_NAMES).toEqual([
      'UnsortedSegmentSum',
      'Conv2DBackpropFilter',
      'Slice',
      'Unpack',
      'SplitV',
      'StridedSlice',
      'GatherV2',
      'OneHot',
      'SeqlabRMSPropUpdate',
      'SeqlabBinaryCrossentropy',
      'SeqlabBinaryCrossentropyGrad',
      'BatchMatMul',
      'Equal',
      'Conv2DBackpropInput',
      'Identity',
      'Cast',
    ]);
    for (const name of WASM_KERNEL_NAMES) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });
});

describe('BatchMatMul', () => {
  it('equals the CPU kernel with and without transposes, batched and broadcast, freeing its temporaries', async () => {
    const before = tf.backend().numDataIds();
    await expectParity(
      () => [
        tf.matMul(randn([64, 16], 1), randn([16, 8], 2)),
        tf.matMul(randn([64, 16], 3), randn([8, 16], 4), false, true),
        tf.matMul(randn([64, 16], 5), randn([64, 8], 6), true, false),
        tf.matMul(randn([16, 64], 7), randn([8, 16], 8), true, true),
        tf.matMul(randn([3, 5, 4], 9), randn([3, 6, 4], 10), false, true),
        tf.matMul(randn([2, 3, 4, 5], 11), randn([1, 4, 6], 12), true, false),
        tf.matMul(randn([1, 7], 13), randn([5, 7], 14), false, true),
        // Past 32k multiply-adds the transposed operand goes through Transpose and the untransposed product.
        tf.matMul(randn([256, 32], 15), randn([64, 32], 16), false, true),
        tf.matMul(randn([512, 16], 17), randn([512, 16], 18), true, false),
        tf.matMul(randn([4, 64, 32], 19), randn([1, 48, 32], 20), false, true),
        tf.matMul(randn([2, 40, 64], 21), randn([2, 48, 40], 22), true, true),
      ],
      1e-4,
    );
    await tf.setBackend('wasm');
    expect(tf.backend().numDataIds()).toBe(before);
  });
});

describe('SeqlabRMSPropUpdate', () => {
  const bits = (t: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
  const f32 = Math.fround;

  it("equals tfjs' RMSprop ops bit for bit, for several variables in one call", () => {
    tf.tidy(() => {
      const shapes = [[500, 16], [16, 32], [32], [1]];
      for (const momentum of [0, 0.9]) {
        const c = {
          decay: f32(0.9),
          oneMinusDecay: f32(1 - 0.9),
          learningRate: f32(1e-4),
          momentum: f32(momentum),
          epsilon: f32(1e-7),
        };
        const vars = shapes.map((shape, i) => ({
          value: randn(shape, 10 + i),
          gradient: tf.mul(randn(shape, 20 + i), i === 3 ? 0 : 1e-2 * (i + 1)),
          meanSquare: tf.abs(randn(shape, 30 + i)),
          moment: tf.mul(randn(shape, 40 + i), 1e-3),
        }));
        const inputs: Record<string, tf.Tensor> = {};
        vars.forEach((v, i) => {
          inputs[`value${i}`] = v.value;
          inputs[`gradient${i}`] = v.gradient;
          inputs[`meanSquare${i}`] = v.meanSquare;
          inputs[`moment${i}`] = v.moment;
        });
        const outs = tf
          .engine()
          .runKernel(RMSPROP_UPDATE, inputs, { ...c, count: vars.length }) as tf.Tensor[];
        expect(outs).toHaveLength(3 * vars.length);
        vars.forEach((v, i) => {
          // tfjs-core rmsprop_optimizer.ts, non-centered, op by op.
          const ms = tf.add(tf.mul(v.meanSquare, 0.9), tf.mul(tf.square(v.gradient), 1 - 0.9));
          const mom = tf.add(
            tf.mul(v.moment, momentum),
            tf.div(tf.mul(v.gradient, 1e-4), tf.sqrt(tf.add(ms, 1e-7))),
          );
          expect(bits(outs[3 * i]!), `meanSquare${i}`).toEqual(bits(ms));
          expect(bits(outs[3 * i + 1]!), `moment${i}`).toEqual(bits(mom));
          expect(bits(outs[3 * i + 2]!), `value${i}`).toEqual(bits(tf.sub(v.value, mom)));
        });
      }
    });
  });

  it('says which input is missing or has the wrong shape', () => {
    tf.tidy(() => {
      const c = { decay: 0.9, oneMinusDecay: 0.1, learningRate: 0.1, momentum: 0, epsilon: 1e-7 };
      const v = tf.zeros([2]);
      expect(() =>
        tf
          .engine()
          .runKernel(RMSPROP_UPDATE, { value0: v, gradient0: v, meanSquare0: v }, { ...c, count: 1 }),
      ).toThrow(
        /expected inputs value0, gradient0, meanSquare0 and moment0, got value0, gradient0, meanSquare0/,
      );
      expect(() =>
        tf
          .engine()
          .runKernel(
            RMSPROP_UPDATE,
            { value0: v, gradient0: tf.zeros([3]), meanSquare0: v, moment0: v },
            { ...c, count: 1 },
          ),
      ).toThrow(/gradient0 must be float32 of shape \[2\], got float32 \[3\]/);
    });
  });
});

describe('OneHot', () => {
  it('equals the CPU kernel for float32, int32 and bool, on/off values and out-of-range ids', async () => {
    const ids = () => tf.tensor2d([0, 4, -1, 2, 5, 3], [2, 3], 'int32');
    const out = await expectParity(
      () => [
        tf.oneHot(ids(), 5, 1, 0, 'float32'),
        tf.oneHot(ids(), 5),
        tf.oneHot(ids(), 5, 0.75, -0.5, 'float32'),
        tf.oneHot(ids(), 5, 1, 0, 'bool'),
        tf.oneHot(ints([64, 100], 9, 500), 500, 1, 0, 'float32'),
        tf.oneHot(tf.tensor1d([], 'int32'), 3, 1, 0, 'float32'),
      ],
      0,
    );
    // Stock tfjs-backend-wasm 4.22.0 wrote int32 bits into the float32 output: 1 read back as 1.4e-45.
    expect(out[0]!.values.slice(0, 5)).toEqual([1, 0, 0, 0, 0]);
    expect(out[0]!.dtype).toBe('float32');
    expect(out[2]!.values.slice(5, 15)).toEqual([-0.5, -0.5, -0.5, -0.5, 0.75, -0.5, -0.5, -0.5, -0.5, -0.5]);
    expect(out[3]!.dtype).toBe('bool');
    expect(out[4]!.shape).toEqual([64, 100, 500]);
  });
});

describe('GatherV2', () => {
  it('equals the CPU kernel for embedding lookups, axes, batchDims, int32, bool and long slices', async () => {
    const out = await expectParity(
      () => [
        tf.gather(randn([500, 16], 3), ints([4, 100], 4, 500)),
        tf.gather(randn([3, 5, 4], 5), tf.tensor1d([4, 0, 4, 2], 'int32'), 1),
        tf.gather(randn([2, 6, 3], 6), tf.tensor2d([5, 0, 1, 1, 2, 3], [2, 3], 'int32'), 1, 1),
        tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([2, 2, 0], 'int32')),
        tf.gather(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 0], 'int32')),
        tf.gather(randn([7, 40], 7), tf.tensor1d([6, 1, 1], 'int32')),
      ],
      0,
    );
    expect(out[3]!.values).toEqual([5, 6, 5, 6, 1, 2]);
    expect(out[4]).toEqual({ shape: [2], dtype: 'bool', values: [0, 1] });
    expect(out[0]!.shape).toEqual([4, 100, 16]);
  });

  it('rejects an index outside the gathered axis, and frees the output it had made', () => {
    const x = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 3], 'int32');
    const negative = tf.tensor1d([-1], 'int32');
    // The lookup runs in the backend's memory (the heap kernels load on the non-threaded build).
    expect(heapKernels(asWasmBackend(tf.backend()))).not.toBeNull();
    const dataIds = () => tf.backend().numDataIds();
    const before = dataIds();
    expect(() => tf.gather(x, ids)).toThrow(WasmKernelError);
    expect(() => tf.gather(x, ids)).toThrow(/index value 3 is not in \[0, 2\]/);
    expect(() => tf.gather(x, negative)).toThrow(/index value -1 is not in \[0, 2\]/);
    expect(dataIds()).toBe(before);
    tf.dispose([x, ids, negative]);
  });
});

describe('UnsortedSegmentSum', () => {
  it('equals numpy np.add.at, dropping negative and out-of-range ids', async () => {
    const { x, xShape, ids, numSegments, expected } = fixtures.segment;
    const [wasm] = await expectParity(
      () => tf.unsortedSegmentSum(tf.tensor(x, xShape), tf.tensor1d(ids, 'int32'), numSegments),
      FORWARD,
    );
    expectClose([wasm!], [{ shape: [numSegments, 3], dtype: 'float32', values: expected }], FORWARD);
  });

  it('returns float32 for int32 and bool inputs, as the CPU kernel does', async () => {
    const [a, b] = await expectParity(
      () => [
        tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 2, 0, 1], 'int32'), 3),
        tf.unsortedSegmentSum(tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([0, 0, 1], 'int32'), 2),
      ],
      0,
    );
    expect(a).toEqual({ shape: [3], dtype: 'float32', values: [3, 5, 2] });
    expect(b).toEqual({ shape: [2], dtype: 'float32', values: [1, 1] });
  });

  it('broadcasts ids against x like the CPU kernel (unit ids, rank-2 ids, scalar ids, scalar x)', async () => {
    // For rank-2 ids the CPU kernel inserts the unit axes after axis 0: out[s, j, k] = sum_i (ids[i, k] == s) x[i, j, k].
    // The op is typed for 1-D ids; the kernels take any rank.
    const ids = (t: tf.Tensor) => t as tf.Tensor1D;
    const out = await expectParity(
      () => [
        tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), tf.tensor1d([1], 'int32'), 2),
        tf.unsortedSegmentSum(
          tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]),
          ids(tf.tensor2d([0, 1, 1, 1], [2, 2], 'int32')),
          2,
        ),
        tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), ids(tf.scalar(0, 'int32')), 2),
        tf.unsortedSegmentSum(tf.scalar(3), tf.tensor1d([0, 1, 1], 'int32'), 2),
        tf.unsortedSegmentSum(
          randn([6, 2, 3], 1),
          ids(tf.tensor2d([0, 3, 1, 1, -2, 2, 0, 0, 2, 1, 9, 1, 2, 2, 0, 1, 1, 0], [6, 3], 'int32')),
          3,
        ),
      ],
      FORWARD,
    );
    expect(out.slice(0, 4).map((r) => r.values)).toEqual([
      [0, 0, 9, 12],
      [1, 0, 3, 0, 5, 8, 7, 12],
      [6, 0],
      [3, 6],
    ]);
  });

  it('handles empty inputs and zero segments', async () => {
    const [empty] = await expectParity(
      () => tf.unsortedSegmentSum(tf.zeros([0, 3]), tf.tensor1d([], 'int32'), 2),
      0,
    );
    expect(empty).toEqual({ shape: [2, 3], dtype: 'float32', values: [0, 0, 0, 0, 0, 0] });
    // The CPU kernel throws here (it packs an empty list); TensorFlow returns an empty [0, ...] tensor.
    const none = tf.unsortedSegmentSum(tf.ones([3, 2]), tf.tensor1d([0, 0, 0], 'int32'), 0);
    expect([none.shape, none.size]).toEqual([[0, 2], 0]);
    none.dispose();
  });

  it('has gradients equal to the CPU backend (its own, and Gather/Embedding backprop through it)', async () => {
    // The gradient (gatherDropNegatives) drops negative ids; ids >= numSegments would fail its gather on cpu.
    const ids = () => tf.tensor1d([2, -1, 0, 2, 3, 1, 2], 'int32');
    await expectParity(() => {
      const w = randn([4, 3], 3);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(x, ids(), 4), w)))(
        randn([7, 3], 2),
      );
    }, GRADIENT);
    await expectParity(() => {
      const indices = ints([4, 5], 4, 10);
      const w = randn([4, 5, 6], 5);
      return tf.grad((table: tf.Tensor) => tf.sum(tf.mul(tf.gather(table, indices), w)))(randn([10, 6], 6));
    }, GRADIENT);
    await expectParity(() => {
      const indices = tf.tensor1d([3, 0, 3, 1], 'int32');
      const w = randn([2, 4, 3], 7);
      return tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, indices, 1), w)))(randn([2, 5, 3], 8));
    }, GRADIENT);
  });

  it('rejects a negative numSegments with a typed error', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([2]);
    const ids = tf.tensor1d([0, 1], 'int32');
    const before = tf.memory().numTensors;
    expect(() => tf.unsortedSegmentSum(x, ids, -1)).toThrow(WasmKernelError);
    expect(() => tf.unsortedSegmentSum(x, ids, -1)).toThrow(
      /numSegments must be a non-negative integer, got -1/,
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ids]);
  });
});

describe('Conv2DBackpropFilter', () => {
  it.each(
    fixtures.conv2dBackpropFilter.map((c) => [`${c.xShape} ${c.filterShape} ${c.strides} ${c.pad}`, c]),
  )('equals the numpy cross-correlation for %s', async (_, c) => {
    const [wasm] = await expectParity(
      () =>
        conv2dBackpropFilter(tf.tensor(c.x, c.xShape), tf.tensor(c.dy, c.dyShape), {
          filterShape: c.filterShape,
          strides: c.strides,
          pad: c.pad,
        }),
      FORWARD,
    );
    expectClose([wasm!], [{ shape: c.filterShape, dtype: 'float32', values: c.expected }], FORWARD);
  });

  it('equals the CPU kernel bit for bit (double sums in its order) for numeric, explicit and rounded padding, NCHW', async () => {
    const cases: [number[], number[], Parameters<typeof conv2dBackpropFilter>[2]][] = [
      // The zoo's Conv1D(32, 5) on an Embedding(500, 16) output, as Conv2D sees it: 8 output channels at a time.
      [[4, 1, 100, 16], [4, 1, 96, 32], { filterShape: [1, 5, 16, 32], strides: 1, pad: 'valid' }],
      [[2, 1, 9, 3], [2, 1, 9, 6], { filterShape: [1, 3, 3, 6], strides: 1, pad: 'same' }],
      [[2, 7, 6, 3], [2, 4, 3, 2], { filterShape: [3, 2, 3, 2], strides: [2, 2], pad: 1 }],
      [
        [1, 5, 5, 2],
        [1, 3, 3, 4],
        { filterShape: [2, 3, 2, 4], strides: 2, pad: 1, dimRoundingMode: 'floor' },
      ],
      [
        [1, 5, 5, 2],
        [1, 4, 4, 4],
        { filterShape: [2, 3, 2, 4], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
      ],
      [
        [2, 4, 5, 2],
        [2, 5, 2, 3],
        {
          filterShape: [2, 3, 2, 3],
          strides: [1, 2],
          pad: [
            [0, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
        },
      ],
      [
        [2, 3, 5, 6],
        [2, 4, 5, 6],
        { filterShape: [1, 3, 3, 4], strides: 1, pad: 'same', dataFormat: 'NCHW' },
      ],
      [
        [1, 2, 6, 5],
        [1, 3, 8, 3],
        {
          filterShape: [2, 2, 2, 3],
          strides: [1, 2],
          pad: [
            [0, 0],
            [0, 0],
            [1, 2],
            [0, 1],
          ],
          dataFormat: 'NCHW',
        },
      ],
    ];
    for (const [i, [xShape, dyShape, attrs]] of cases.entries()) {
      const info = backend_util.computeConv2DInfo(
        xShape as [number, number, number, number],
        attrs.filterShape,
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
        false,
        attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
      );
      const { batchSize, outHeight, outWidth, outChannels } = info;
      const expected =
        attrs.dataFormat === 'NCHW'
          ? [batchSize, outChannels, outHeight, outWidth]
          : [batchSize, outHeight, outWidth, outChannels];
      expect(dyShape).toEqual(expected);
      await expectParity(() => conv2dBackpropFilter(randn(xShape, 10 + i), randn(dyShape, 20 + i), attrs), 0);
    }
  });

  it('handles an empty batch', async () => {
    const [out] = await expectParity(
      () =>
        conv2dBackpropFilter(tf.zeros([0, 4, 4, 2]), tf.zeros([0, 4, 4, 3]), {
          filterShape: [2, 2, 2, 3],
          strides: 1,
          pad: 'same',
        }),
      0,
    );
    expect(out!.values).toEqual(new Array(24).fill(0));
  });

  it('gives Conv1D and Conv2D gradients equal to the CPU backend', async () => {
    await expectParity(
      () =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.square(tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 1, 'valid'))),
        )([randn([3, 12, 4], 30), randn([3, 4, 5], 31)]),
      GRADIENT,
    );
    await expectParity(
      () =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(tf.tanh(tf.conv1d(x as tf.Tensor3D, f as tf.Tensor3D, 2, 'same'))),
        )([randn([2, 9, 3], 32), randn([4, 3, 2], 33)]),
      GRADIENT,
    );
    await expectParity(
      () =>
        tf.grads((x: tf.Tensor, f: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, [2, 1], 'same'), randn([2, 3, 5, 3], 36)),
          ),
        )([randn([2, 6, 5, 2], 34), randn([3, 2, 2, 3], 35)]),
      GRADIENT,
    );
  });

  it('rejects a dy of the wrong shape with a typed error', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([1, 4, 4, 2]);
    const dy = tf.ones([1, 3, 3, 3]);
    const run = () => conv2dBackpropFilter(x, dy, { filterShape: [2, 2, 2, 3], strides: 1, pad: 'same' });
    expect(run).toThrow(WasmKernelError);
    expect(run).toThrow(/expected dy of shape \[1, 4, 4, 3\].*got \[1, 3, 3, 3\]/);
    tf.dispose([x, dy]);
  });
});

describe('Slice', () => {
  it('matches the CPU kernel for contiguous and strided slices of rank 1 to 6, every numeric dtype', async () => {
    const cases: [number[], number[], number[]][] = [
      [[7], [2], [4]],
      [
        [5, 6],
        [1, 0],
        [3, 6],
      ],
      [
        [5, 6],
        [1, 2],
        [3, 3],
      ],
      [
        [5, 6],
        [0, 5],
        [5, 1],
      ],
      [
        [4, 5, 6],
        [1, 1, 0],
        [2, 3, 6],
      ],
      [
        [4, 5, 40],
        [1, 1, 3],
        [2, 3, 35],
      ],
      [
        [3, 4, 5, 6],
        [1, 0, 2, 1],
        [2, 4, 2, -1],
      ],
      [
        [2, 3, 4, 5, 6],
        [0, 1, 1, 0, 2],
        [2, 2, 3, 5, 3],
      ],
      [
        [2, 3, 2, 4, 3, 2],
        [1, 0, 1, 1, 0, 1],
        [1, 3, 1, 2, 3, 1],
      ],
      [
        [4, 5],
        [2, 1],
        [0, 3],
      ],
    ];
    for (const [i, [shape, begin, size]] of cases.entries()) {
      await expectParity(() => {
        const x = randn(shape, 40 + i);
        return [
          tf.slice(x, begin, size),
          tf.slice(tf.cast(tf.mul(x, 10), 'int32'), begin, size),
          tf.slice(tf.greater(x, 0), begin, size),
        ];
      }, 0);
    }
  });

  it('slices string tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor2d(['a', 'b', 'c', 'd', 'e', 'f'], [3, 2]);
    const parts = [tf.slice(x, [1, 0], [2, 2]), tf.slice(x, [0, 1], [3, 1])];
    expect(parts.map((p) => p.arraySync())).toEqual([
      [
        ['c', 'd'],
        ['e', 'f'],
      ],
      [['b'], ['d'], ['f']],
    ]);
    tf.dispose([x, ...parts]);
  });

  it('has gradients equal to the CPU backend (slice, and pad and concat whose gradients slice)', async () => {
    await expectParity(() => {
      const w = randn([2, 3, 2], 50);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.slice(x, [1, 1, 2], [2, 3, 2]), w)))(
        randn([4, 5, 6], 51),
      );
    }, GRADIENT);
    await expectParity(() => {
      const w = randn([6, 9], 52);
      return tf.grad((x: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.pad(x, [
              [1, 2],
              [3, 1],
            ]),
            w,
          ),
        ),
      )(randn([3, 5], 53));
    }, GRADIENT);
    await expectParity(
      () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b], 1), randn([3, 7], 56))))([
          randn([3, 4], 54),
          randn([3, 3], 55),
        ]),
      GRADIENT,
    );
  });
});

describe('Unpack', () => {
  it('matches the CPU kernel on every axis and dtype', async () => {
    for (const axis of [0, 1, 2, -1]) {
      await expectParity(() => {
        const x = randn([4, 5, 6], 60);
        return [
          ...tf.unstack(x, axis),
          ...tf.unstack(tf.cast(tf.mul(x, 10), 'int32'), axis),
          ...tf.unstack(tf.greater(x, 0), axis),
        ];
      }, 0);
    }
    await expectParity(() => tf.unstack(tf.zeros([3, 0, 2]), 0), 0);
    await expectParity(() => tf.unstack(tf.tensor1d([1, 2, 3]), 0), 0);
  });

  it('has gradients equal to the CPU backend (unstack, and stack whose gradient unstacks)', async () => {
    await expectParity(() => {
      return tf.grad((x: tf.Tensor) =>
        tf.addN(tf.unstack(x, 1).map((t, i) => tf.mul(tf.sum(tf.square(t)), i + 1))),
      )(randn([3, 4, 5], 61));
    }, GRADIENT);
    await expectParity(
      () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.stack([a, b], 1), randn([3, 2, 4], 64))))([
          randn([3, 4], 62),
          randn([3, 4], 63),
        ]),
      GRADIENT,
    );
  });
});

describe('SplitV', () => {
  it('matches the CPU kernel for counts, sizes with -1, and negative axes', async () => {
    await expectParity(() => {
      const x = randn([4, 6, 8], 70);
      return [
        ...tf.split(x, 2, 0),
        ...tf.split(x, [1, -1, 2], 1),
        ...tf.split(x, 4, -1),
        ...tf.split(tf.cast(tf.mul(x, 10), 'int32'), [3, 5], 2),
        ...tf.split(tf.greater(x, 0), 3, 1),
      ];
    }, 0);
  });

  it('has gradients equal to the CPU backend (the LSTM gate split)', async () => {
    await expectParity(() => {
      return tf.grad((x: tf.Tensor) => {
        const [i, f, c, o] = tf.split(x, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        return tf.sum(tf.add(tf.mul(tf.sigmoid(i), tf.tanh(c)), tf.mul(tf.sigmoid(f), tf.sigmoid(o))));
      })(randn([3, 8], 71));
    }, GRADIENT);
  });
});

describe('StridedSlice', () => {
  it('matches the CPU kernel for steps, negative steps, masks and int32 (kept int32, unlike stock wasm)', async () => {
    const out = await expectParity(() => {
      const x = randn([5, 6, 7], 80);
      const xi = tf.cast(tf.mul(x, 10), 'int32');
      return [
        tf.stridedSlice(x, [0, 0, 0], [5, 6, 7], [1, 1, 1]),
        tf.stridedSlice(x, [1, 0, 0], [4, 6, 7], [1, 1, 1]),
        tf.stridedSlice(x, [1, 1, 2], [4, 5, 7], [1, 1, 1]),
        tf.stridedSlice(x, [0, 1, 0], [5, 6, 7], [2, 2, 3]),
        tf.stridedSlice(x, [4, 5, 6], [0, 0, 0], [-1, -2, -3]),
        tf.stridedSlice(x, [0, 0, 1], [0, 0, 6], [1, 1, 2], 3, 3),
        tf.stridedSlice(xi, [0, 1, 0], [5, 6, 7], [2, 2, 3]),
        tf.stridedSlice(x, [2, 0, 0], [3, 6, 7], [1, 1, 1], 0, 0, 0, 0, 1),
        tf.stridedSlice(x, [0, 2], [5, 3], [1, 1], 0, 0, 0, 0, 2),
      ];
    }, 0);
    expect(out[6]!.dtype).toBe('int32');
    expect(out.map((r) => r.shape)).toEqual([
      [5, 6, 7],
      [3, 6, 7],
      [3, 4, 5],
      [3, 3, 3],
      [4, 3, 2],
      [5, 6, 3],
      [3, 3, 3],
      [6, 7],
      [5, 7],
    ]);
  });

  it('returns an empty slice when begin is past end (the CPU kernel throws here)', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([5, 6, 7]);
    const empty = tf.stridedSlice(x, [3, 0], [1, 6], [1, 1]);
    expect([empty.shape, empty.dtype]).toEqual([[0, 6, 7], 'float32']);
    tf.dispose([x, empty]);
  });
});

describe('memory', () => {
  it('the kernels leak no tensors and no wasm heap buffers', async () => {
    await tf.setBackend('wasm');
    const x = randn([6, 4], 90);
    const ids = tf.tensor1d([0, 2, 1, 1, -1, 0], 'int32');
    const before = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
    for (let i = 0; i < 3; i++) {
      // Results are disposed, so every tensor the kernels made must be gone.
      tf.dispose(
        [
          tf.unsortedSegmentSum(x, ids, 3),
          tf.unstack(x),
          tf.split(x, 2, 1),
          tf.slice(x, [1, 1], [2, 2]),
          tf.stridedSlice(x, [0, 0], [6, 4], [2, 1]),
          tf.stridedSlice(x, [0, 0], [6, 4], [1, 1]),
        ].flat(),
      );
    }
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual(before);
    tf.dispose([x, ids]);
  });
});

describe('Equal', () => {
  it('equals the CPU kernel for a reduction broadcast (either operand), other broadcasts and dtypes', async () => {
    const [pooled] = await expectParity(
      () =>
        tf.tidy(() => {
          const x = tf.round(tf.mul(randn([4, 7, 6], 40), 2));
          const m = tf.max(x, 1, true);
          const y = tf.round(tf.mul(randn([2, 3, 4, 5], 41), 2));
          return [
            tf.equal(x, m),
            tf.equal(m, x),
            tf.equal(y, tf.max(y, [1, 2], true)),
            tf.equal(y, tf.max(y, 0, true)),
            tf.equal(y, tf.max(y, 3, true)),
            tf.equal(x, tf.max(x, [0, 2], true)),
            tf.equal(tf.tensor([1, Number.NaN, 3], [1, 3]), tf.tensor([[1], [Number.NaN]], [2, 1])),
            tf.equal(tf.tensor([[1, Number.NaN]]), tf.tensor([[Number.NaN]])),
            tf.equal(ints([3, 4], 42, 3), ints([3, 1], 43, 3)),
            tf.equal(x, x),
          ];
        }),
      0,
    );
    // Each of the 4 · 6 columns has at least one maximum.
    expect((pooled!.values as number[]).filter((v) => v === 1).length).toBeGreaterThanOrEqual(24);
  });

  it('gives GlobalMaxPooling1D gradients equal to the CPU backend', async () => {
    await expectParity(
      () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.max(x, 1), randn([8, 5], 45))))(randn([8, 11, 5], 44)),
      0,
    );
  });
});

function conv2dBackpropInput(
  dy: tf.Tensor,
  filter: tf.Tensor,
  attrs: {
    inputShape: [number, number, number, number];
    strides: [number, number] | number;
    pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
    dataFormat?: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): tf.Tensor {
  return tf
    .engine()
    .runKernel('Conv2DBackpropInput', { dy, filter }, { dataFormat: 'NHWC', ...attrs }) as tf.Tensor;
}

describe('Conv2DBackpropInput', () => {
  it('equals the CPU kernel for valid, same, numeric, explicit and rounded padding, strides and NCHW', async () => {
    const cases: [number[], number[], Parameters<typeof conv2dBackpropInput>[2]][] = [
      // The zoo's Conv1D(32, 5) on an Embedding(500, 16) output, as Conv2D sees it.
      [[4, 1, 96, 32], [1, 5, 16, 32], { inputShape: [4, 1, 100, 16], strides: 1, pad: 'valid' }],
      [[2, 1, 9, 6], [1, 3, 3, 6], { inputShape: [2, 1, 9, 3], strides: 1, pad: 'same' }],
      [[2, 3, 7, 5], [2, 4, 3, 5], { inputShape: [2, 3, 7, 3], strides: 1, pad: 'same' }],
      [
        [1, 4, 8, 3],
        [2, 2, 2, 3],
        {
          inputShape: [1, 4, 6, 2],
          strides: [1, 1],
          pad: [
            [0, 0],
            [1, 0],
            [2, 1],
            [0, 0],
          ],
        },
      ],
      [[2, 4, 3, 2], [3, 2, 3, 2], { inputShape: [2, 7, 6, 3], strides: [2, 2], pad: 1 }],
      [
        [1, 3, 3, 5],
        [2, 3, 2, 5],
        { inputShape: [1, 5, 5, 2], strides: 2, pad: 1, dimRoundingMode: 'floor' },
      ],
      [
        [2, 5, 2, 3],
        [2, 3, 2, 3],
        {
          inputShape: [2, 4, 5, 2],
          strides: [1, 2],
          pad: [
            [0, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
        },
      ],
      [[2, 6, 4, 5], [1, 3, 3, 6], { inputShape: [2, 3, 4, 5], strides: 1, pad: 'same', dataFormat: 'NCHW' }],
    ];
    for (const [i, [dyShape, filterShape, attrs]] of cases.entries()) {
      await expectParity(
        () => conv2dBackpropInput(randn(dyShape, 50 + i), randn(filterShape, 60 + i), attrs),
        FORWARD * 10,
      );
    }
  });

  it('handles an empty batch and an empty output', async () => {
    const [empty, zeros] = await expectParity(
      () => [
        conv2dBackpropInput(tf.zeros([0, 4, 4, 3]), tf.zeros([2, 2, 2, 3]), {
          inputShape: [0, 4, 4, 2],
          strides: 1,
          pad: 'same',
        }),
        conv2dBackpropInput(tf.zeros([1, 1, 1, 0]), tf.zeros([1, 1, 2, 0]), {
          inputShape: [1, 1, 1, 2],
          strides: 1,
          pad: 'valid',
        }),
      ],
      0,
    );
    expect(empty!.values).toEqual([]);
    expect(zeros!.values).toEqual([0, 0]);
  });

  it('rejects a dy of the wrong shape with a typed error and no leak', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 1, 5, 3]);
    const filter = tf.zeros([1, 3, 2, 3]);
    const before = tf.memory().numTensors;
    expect(() =>
      conv2dBackpropInput(dy, filter, { inputShape: [1, 1, 9, 2], strides: 1, pad: 'valid' }),
    ).toThrow(WasmKernelError);
    expect(() =>
      conv2dBackpropInput(dy, filter, { inputShape: [1, 1, 9, 2], strides: 1, pad: 'valid' }),
    ).toThrow(/expected dy of shape \[1, 1, 7, 3\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([dy, filter]);
  });
});
