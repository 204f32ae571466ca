// How a recurrent kernel call (or WaveNet's gated block) splits over two threads: rows [0, h) of the batch on the
// calling thread with the call's own buffers, rows [h, B) on the helper (h = floor(B/2)) with the row buffers
// offset by h rows and its own scratch and weight-gradient buffers; then the helper's weight gradients are added to
// the caller's (half 0 + half 1, in float32), so a run repeats bit for bit for a given thread count. Rows are
// independent in every recurrent kernel and in the gated block (its causal convolutions stay inside a sequence):
// the forward outputs are the one-thread outputs bit for bit, and the weight gradients are sums over rows, split in
// two partial sums.
import type { FusedKernels } from './_bindings.js';
import type { HelperPool } from './_threads.js';

type Fields = Record<string, number | boolean>;
const n = (a: Fields, key: string): number => a[key] as number;

/** A kernel's buffers by role: bytes per batch row, or the helper's own buffer (bytes, and whether it is summed). */
interface SplitSpec {
  rows: Record<string, (a: Fields) => number>;
  own: Record<string, { bytes: (a: Fields) => number; sum?: (a: Fields) => boolean }>;
}

const seqRow = (a: Fields, width: number): number => n(a, 'T') * width * 4;
const unitRow = (a: Fields) => n(a, 'UP') * 4;
const always = () => true;

function lstmWidth(a: Fields): number {
  return 4 * n(a, 'UP');
}
function gruWidth(a: Fields): number {
  return 3 * n(a, 'UP');
}

/** Scratch and gradients every backward owns: dW [F,GW], dR [U,GW], db [GW], dh, zeros [UP], RT [GW,UP], WT [GW,F]. */
function backwardOwn(width: (a: Fields) => number): SplitSpec['own'] {
  return {
    dW: { bytes: (a) => n(a, 'F') * width(a) * 4, sum: always },
    dR: { bytes: (a) => n(a, 'U') * width(a) * 4, sum: always },
    db: { bytes: (a) => width(a) * 4, sum: always },
    dh: { bytes: unitRow },
    zeros: { bytes: unitRow },
    RT: { bytes: (a) => width(a) * n(a, 'UP') * 4 },
    WT: { bytes: (a) => width(a) * n(a, 'F') * 4 },
  };
}

/** dY is [B,T,UP] with `seq`, else [B,UP]. */
/** The per-sequence buffers an LSTM's forward writes and its backward reads. */
const lstmRows: SplitSpec['rows'] = {
  x: (a) => seqRow(a, n(a, 'F')),
  mask: (a) => seqRow(a, 1),
  G: (a) => seqRow(a, lstmWidth(a)),
  C: (a) => seqRow(a, n(a, 'UP')),
  H: (a) => seqRow(a, n(a, 'UP')),
};
/** The same for a GRU. */
const gruRows: SplitSpec['rows'] = {
  x: (a) => seqRow(a, n(a, 'F')),
  mask: (a) => seqRow(a, 1),
  G: (a) => seqRow(a, gruWidth(a)),
  A: (a) => seqRow(a, n(a, 'UP')),
  H: (a) => seqRow(a, n(a, 'UP')),
};
const dYRow = (a: Fields) => (a.seq ? n(a, 'T') : 1) * n(a, 'UP') * 4;

/** gatedBlock*: per-sequence buffers [T, width] of the block's channel counts CP, FP (Z) and 2·FP (Y). */
const cpRow = (a: Fields) => seqRow(a, n(a, 'CP'));
const fgRow = (a: Fields) => seqRow(a, 2 * n(a, 'FP'));
const fpRow = (a: Fields) => seqRow(a, n(a, 'FP'));
const spRow = (a: Fields) => seqRow(a, n(a, 'SP'));
const residualOn = (a: Fields) => a.residual === true || a.residual === 1;

export const SPLIT: Partial<Record<keyof FusedKernels, SplitSpec>> = {
  rnnForward: {
    rows: {
      x: (a) => seqRow(a, a.ids ? 1 : n(a, 'F')),
      mask: (a) => seqRow(a, 1),
      H: (a) => seqRow(a, n(a, 'UP')),
    },
    own: { zeros: { bytes: unitRow } },
  },
  rnnBackward: {
    rows: {
      x: (a) => seqRow(a, a.ids ? 1 : n(a, 'F')),
      mask: (a) => seqRow(a, 1),
      H: (a) => seqRow(a, n(a, 'UP')),
      dY: dYRow,
      DZ: (a) => seqRow(a, n(a, 'UP')),
      dx: (a) => seqRow(a, n(a, 'F')),
    },
    own: backwardOwn((a) => n(a, 'UP')),
  },
  lstmForward: {
    rows: lstmRows,
    own: { zeros: { bytes: unitRow } },
  },
  lstmBackward: {
    rows: {
      ...lstmRows,
      dY: dYRow,
      dx: (a) => seqRow(a, n(a, 'F')),
    },
    own: {
      ...backwardOwn(lstmWidth),
      dpeep: { bytes: (a) => 3 * n(a, 'UP') * 4, sum: (a) => n(a, 'peep') !== 0 },
      dc: { bytes: unitRow },
    },
  },
  gruForward: {
    rows: gruRows,
    own: { zeros: { bytes: unitRow }, inner: { bytes: (a) => gruWidth(a) * 4 } },
  },
  gruBackward: {
    rows: {
      ...gruRows,
      dY: dYRow,
      dx: (a) => seqRow(a, n(a, 'F')),
    },
    own: {
      ...backwardOwn(gruWidth),
      drb: { bytes: (a) => gruWidth(a) * 4, sum: (a) => a.resetAfter === true || a.resetAfter === 1 },
      dhn: { bytes: unitRow },
      di: { bytes: (a) => gruWidth(a) * 4 },
    },
  },
  gatedBlockForward: {
    rows: { x: cpRow, Y: fgRow, Z: fpRow, S: spRow, N: cpRow },
    own: {},
  },
  gatedBlockBackward: {
    // idx holds row numbers local to its half (the sparse skip-gradient path picks each half's nonzero rows).
    rows: {
      x: cpRow,
      Y: fgRow,
      Z: fpRow,
      dS: spRow,
      dN: cpRow,
      dZ: fpRow,
      dY: fgRow,
      dx: cpRow,
      idx: (a) => seqRow(a, 1),
    },
    own: {
      dWfg: { bytes: (a) => n(a, 'K') * n(a, 'CP') * 2 * n(a, 'FP') * 4, sum: always },
      dbfg: { bytes: (a) => 2 * n(a, 'FP') * 4, sum: always },
      dWs: { bytes: (a) => n(a, 'FP') * n(a, 'SP') * 4, sum: always },
      dbs: { bytes: (a) => n(a, 'SP') * 4, sum: always },
      dWr: { bytes: (a) => (residualOn(a) ? n(a, 'FP') * n(a, 'CP') * 4 : 0), sum: residualOn },
      dbr: { bytes: (a) => (residualOn(a) ? n(a, 'CP') * 4 : 0), sum: residualOn },
      WR: { bytes: (a) => n(a, 'K') * 2 * n(a, 'FP') * n(a, 'CP') * 4 },
      WT: { bytes: (a) => Math.max(n(a, 'SP'), n(a, 'CP')) * n(a, 'FP') * 4 },
    },
  },
};

const ALIGN = 16;

/**
 * Runs `kernel` (positional, from `order`) split over the caller and `pool`'s helper; a batch under two rows runs
 * here whole.
 */
export function runSplit(
  pool: HelperPool,
  name: keyof FusedKernels,
  spec: SplitSpec,
  order: readonly string[],
  kernel: (...values: number[]) => void,
  args: Fields,
  heapOf: () => Float32Array,
): void {
  const B = n(args, 'B');
  const h = B >> 1;
  if (h === 0) {
    kernel(...positional(args, order));
    return;
  }
  const mine: Fields = { ...args, B: h };
  const theirs: Fields = { ...args, B: B - h };
  for (const [key, stride] of Object.entries(spec.rows)) {
    const at = n(args, key);
    if (at !== 0) theirs[key] = at + h * stride(args);
  }
  const owned = Object.entries(spec.own);
  let total = 0;
  const sizes = owned.map(([, o]) => {
    const bytes = Math.ceil(o.bytes(args) / ALIGN) * ALIGN;
    total += bytes;
    return bytes;
  });
  let next = pool.scratch(total);
  owned.forEach(([key], i) => {
    theirs[key] = next;
    next += sizes[i]!;
  });
  pool.run(name, positional(theirs, order), () => kernel(...positional(mine, order)));
  const heap = heapOf();
  for (const [key, o] of owned) {
    if (o.sum === undefined || !o.sum(args)) continue;
    const to = n(args, key) >> 2;
    const from = n(theirs, key) >> 2;
    const count = o.bytes(args) >> 2;
    for (let j = 0; j < count; j++) heap[to + j] = heap[to + j]! + heap[from + j]!;
  }
}

/** Named arguments → the export's positional ones (booleans as 0/1). */
export function positional(args: Fields, order: readonly string[]): number[] {
  const values = new Array<number>(order.length);
  for (let i = 0; i < order.length; i++) {
    const value = args[order[i]!]!;
    values[i] = value === true ? 1 : value === false ? 0 : value;
  }
  return values;
}
