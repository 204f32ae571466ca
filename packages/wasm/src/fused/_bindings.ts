// Typed bindings of the fused module's exports (assembly/index.ts): each kernel takes one object of named fields,
// and the positional call the WebAssembly export needs is made here, once, from the parameter order below
// (assembly's own parameter names; test/fused-bindings.test.ts checks them against the AssemblyScript source).
// Pointers are byte addresses in the module's memory, 0 for an absent optional buffer; flags are booleans.
import { fusedExports } from './_module.js';
import { positional, runSplit, SPLIT } from './_split.js';
import { helperPool } from './_threads.js';

/** The dimensions every recurrent kernel takes. */
export interface KernelDims {
  /** Batch rows. */
  B: number;
  /** Time steps. */
  T: number;
  /** Input features (one-hot classes when x holds ids). */
  F: number;
  /** Units. */
  U: number;
  /** Units padded to a multiple of 4 (one SIMD vector). */
  UP: number;
}

/** `rnnForward`: SimpleRNN over the whole sequence, `H [B,T,UP]` out. */
export interface RnnForwardArgs extends KernelDims {
  x: number;
  W: number;
  bias: number;
  R: number;
  /** `[B,T]` float mask, or 0. */
  mask: number;
  H: number;
  zeros: number;
  /** Whether x holds int32 ids `[B,T]` read as one-hot rows of F classes. */
  ids: boolean;
}

/** `rnnBackward`: SimpleRNN backward through time. */
export interface RnnBackwardArgs extends KernelDims {
  x: number;
  W: number;
  R: number;
  mask: number;
  H: number;
  dY: number;
  /** Whether dY is `[B,T,UP]` (return sequences) rather than `[B,UP]`. */
  seq: boolean;
  DZ: number;
  dx: number;
  dW: number;
  dR: number;
  db: number;
  dh: number;
  zeros: number;
  wantDx: boolean;
  /** Whether x holds int32 ids `[B,T]` read as one-hot rows of F classes. */
  ids: boolean;
  RT: number;
  WT: number;
}

/** `lstmForward`: gates G, cell states C and outputs H `[B,T,·]` out. */
export interface LstmForwardArgs extends KernelDims {
  x: number;
  W: number;
  bias: number;
  R: number;
  /** Peephole weights `[3, UP]`, or 0. */
  peep: number;
  mask: number;
  /** Recurrent activation: 0 sigmoid, 1 hard sigmoid. */
  ract: 0 | 1;
  G: number;
  C: number;
  H: number;
  zeros: number;
}

/** `lstmBackward`: LSTM backward through time. */
export interface LstmBackwardArgs extends KernelDims {
  x: number;
  W: number;
  R: number;
  peep: number;
  mask: number;
  ract: 0 | 1;
  G: number;
  C: number;
  H: number;
  dY: number;
  seq: boolean;
  dx: number;
  dW: number;
  dR: number;
  db: number;
  dpeep: number;
  dh: number;
  dc: number;
  zeros: number;
  wantDx: boolean;
  RT: number;
  WT: number;
}

/** `gruForward`: gates G, reset products A and outputs H out. */
export interface GruForwardArgs extends KernelDims {
  x: number;
  W: number;
  bias: number;
  /** The recurrent bias (the second row of a `reset_after` bias). */
  rbias: number;
  R: number;
  mask: number;
  ract: 0 | 1;
  resetAfter: boolean;
  G: number;
  A: number;
  H: number;
  zeros: number;
  inner: number;
}

/** `gruBackward`: GRU backward through time. */
export interface GruBackwardArgs extends KernelDims {
  x: number;
  W: number;
  R: number;
  mask: number;
  ract: 0 | 1;
  resetAfter: boolean;
  G: number;
  A: number;
  H: number;
  dY: number;
  seq: boolean;
  dx: number;
  dW: number;
  dR: number;
  db: number;
  drb: number;
  dh: number;
  dhn: number;
  di: number;
  zeros: number;
  wantDx: boolean;
  RT: number;
  WT: number;
}

/** `embedInput`: `x[b,t] = E[ids[b,t]] ⊙ mask[b]`. */
export interface EmbedInputArgs {
  ids: number;
  E: number;
  /** `[B,F]` input dropout mask, or 0. */
  mask: number;
  x: number;
  B: number;
  T: number;
  F: number;
}

/** `maskInput`: `x[b,t] ⊙= mask[b]` in place. */
export interface MaskInputArgs {
  x: number;
  mask: number;
  B: number;
  T: number;
  F: number;
}

/** `embedGrad`: the lookup's gradient `dE` from `dx`. */
export interface EmbedGradArgs {
  ids: number;
  dx: number;
  mask: number;
  dE: number;
  B: number;
  T: number;
  F: number;
  V: number;
}

/** `tableProject`: `P [V,N] = bias + E [V,F] · W [F,N]`. */
export interface TableProjectArgs {
  E: number;
  W: number;
  bias: number;
  P: number;
  V: number;
  F: number;
  N: number;
}

/** `tableGrads`: `dE = S · Wᵀ`, `dW = Eᵀ · S`. */
export interface TableGradsArgs {
  E: number;
  S: number;
  W: number;
  dE: number;
  dW: number;
  V: number;
  F: number;
  N: number;
}

/** `conv1dForward` (assembly/conv1d.ts). */
export interface Conv1dForwardArgs {
  B: number;
  T: number;
  CP: number;
  K: number;
  FP: number;
  dil: number;
  padLeft: number;
  To: number;
  act: number;
  x: number;
  W: number;
  bias: number;
  Y: number;
}

/** `conv1dBackward` (assembly/conv1d.ts). */
export interface Conv1dBackwardArgs {
  B: number;
  T: number;
  CP: number;
  K: number;
  FP: number;
  dil: number;
  padLeft: number;
  To: number;
  act: number;
  x: number;
  W: number;
  Y: number;
  dY: number;
  dx: number;
  dW: number;
  db: number;
  WR: number;
  wantDx: boolean;
}

/** `maxPool` (assembly/conv1d.ts). */
export interface MaxPoolArgs {
  B: number;
  To: number;
  FP: number;
  Y: number;
  M: number;
}

/** `maxPoolGrad` (assembly/conv1d.ts). */
export interface MaxPoolGradArgs {
  B: number;
  To: number;
  FP: number;
  Y: number;
  dM: number;
  M: number;
  dY: number;
}

/** `conv1dTableForward` (assembly/conv1d.ts). */
export interface Conv1dTableForwardArgs {
  B: number;
  T: number;
  V: number;
  CP: number;
  K: number;
  FP: number;
  dil: number;
  padLeft: number;
  To: number;
  act: number;
  ids: number;
  E: number;
  W: number;
  bias: number;
  P: number;
  Y: number;
}

/** `conv1dTableBackward` (assembly/conv1d.ts). */
export interface Conv1dTableBackwardArgs {
  B: number;
  T: number;
  V: number;
  CP: number;
  K: number;
  FP: number;
  dil: number;
  padLeft: number;
  To: number;
  act: number;
  ids: number;
  E: number;
  W: number;
  Y: number;
  dY: number;
  dP: number;
  dE: number;
  dW: number;
  db: number;
  WR: number;
}

/** `conv1dTablePoolForward` (assembly/conv1d_table_pool.ts). */
export interface Conv1dTablePoolForwardArgs {
  B: number;
  T: number;
  V: number;
  CP: number;
  K: number;
  FP: number;
  dil: number;
  padLeft: number;
  To: number;
  act: number;
  ids: number;
  E: number;
  W: number;
  bias: number;
  P: number;
  M: number;
  A: number;
}

/** `conv1dTablePoolBackward` (assembly/conv1d_table_pool.ts). */
export interface Conv1dTablePoolBackwardArgs extends Conv1dTablePoolForwardArgs {
  /** Scratch, 2 · FP floats. */
  R: number;
  dM: number;
  dE: number;
  dW: number;
  db: number;
  WT: number;
  dWT: number;
}

/** `gateForward` (assembly/conv1d.ts). */
export interface GateForwardArgs {
  rows: number;
  FP: number;
  Y: number;
  Z: number;
}

/** `gateBackward` (assembly/conv1d.ts). */
export interface GateBackwardArgs {
  rows: number;
  FP: number;
  Y: number;
  dZ: number;
  dY: number;
}

/** `gatedBlockForward` (assembly/gated_block.ts): WaveNet's gated block; `residual` false for the last block. */
export interface GatedBlockForwardArgs {
  B: number;
  T: number;
  CP: number;
  K: number;
  FP: number;
  SP: number;
  dil: number;
  residual: boolean;
  x: number;
  Wfg: number;
  bfg: number;
  Ws: number;
  bs: number;
  Wr: number;
  br: number;
  Y: number;
  Z: number;
  S: number;
  N: number;
}

/** `gatedBlockBackward` (assembly/gated_block.ts). */
export interface GatedBlockBackwardArgs {
  B: number;
  T: number;
  CP: number;
  K: number;
  FP: number;
  SP: number;
  dil: number;
  residual: boolean;
  x: number;
  Wfg: number;
  Ws: number;
  Wr: number;
  Y: number;
  Z: number;
  dS: number;
  dN: number;
  dZ: number;
  dY: number;
  dx: number;
  dWfg: number;
  dbfg: number;
  dWs: number;
  dbs: number;
  dWr: number;
  dbr: number;
  WR: number;
  WT: number;
  idx: number;
}

/** `sumReluMaxPool` (assembly/sum_pool.ts): relu of the sum of n inputs and its maximum over the steps. */
export interface SumReluMaxPoolArgs {
  n: number;
  B: number;
  T: number;
  FP: number;
  X: number;
  Y: number;
  M: number;
}

/** `sumReluMaxPoolGrad` (assembly/sum_pool.ts). */
export interface SumReluMaxPoolGradArgs {
  B: number;
  T: number;
  FP: number;
  Y: number;
  dM: number;
  M: number;
  dY: number;
}

/** The fused module's kernels, each called with named arguments. */
export interface FusedKernels {
  rnnForward(args: RnnForwardArgs): void;
  rnnBackward(args: RnnBackwardArgs): void;
  lstmForward(args: LstmForwardArgs): void;
  lstmBackward(args: LstmBackwardArgs): void;
  gruForward(args: GruForwardArgs): void;
  gruBackward(args: GruBackwardArgs): void;
  embedInput(args: EmbedInputArgs): void;
  maskInput(args: MaskInputArgs): void;
  embedGrad(args: EmbedGradArgs): void;
  tableProject(args: TableProjectArgs): void;
  tableGrads(args: TableGradsArgs): void;
  conv1dForward(args: Conv1dForwardArgs): void;
  conv1dBackward(args: Conv1dBackwardArgs): void;
  maxPool(args: MaxPoolArgs): void;
  maxPoolGrad(args: MaxPoolGradArgs): void;
  conv1dTableForward(args: Conv1dTableForwardArgs): void;
  conv1dTableBackward(args: Conv1dTableBackwardArgs): void;
  conv1dTablePoolForward(args: Conv1dTablePoolForwardArgs): void;
  conv1dTablePoolBackward(args: Conv1dTablePoolBackwardArgs): void;
  gateForward(args: GateForwardArgs): void;
  gateBackward(args: GateBackwardArgs): void;
  gatedBlockForward(args: GatedBlockForwardArgs): void;
  gatedBlockBackward(args: GatedBlockBackwardArgs): void;
  sumReluMaxPool(args: SumReluMaxPoolArgs): void;
  sumReluMaxPoolGrad(args: SumReluMaxPoolGradArgs): void;
}

type Args = { [N in keyof FusedKernels]: Parameters<FusedKernels[N]>[0] };

/**
 * The parameter order of each export, as declared in assembly/*.ts: the one place where named arguments become
 * positional ones.
 */
const ORDER = {
  rnnForward: ['B', 'T', 'F', 'U', 'UP', 'x', 'W', 'bias', 'R', 'mask', 'H', 'zeros', 'ids'],
  rnnBackward: [
    'B',
    'T',
    'F',
    'U',
    'UP',
    'x',
    'W',
    'R',
    'mask',
    'H',
    'dY',
    'seq',
    'DZ',
    'dx',
    'dW',
    'dR',
    'db',
    'dh',
    'zeros',
    'wantDx',
    'ids',
    'RT',
    'WT',
  ],
  lstmForward: [
    'B',
    'T',
    'F',
    'U',
    'UP',
    'x',
    'W',
    'bias',
    'R',
    'peep',
    'mask',
    'ract',
    'G',
    'C',
    'H',
    'zeros',
  ],
  lstmBackward: [
    'B',
    'T',
    'F',
    'U',
    'UP',
    'x',
    'W',
    'R',
    'peep',
    'mask',
    'ract',
    'G',
    'C',
    'H',
    'dY',
    'seq',
    'dx',
    'dW',
    'dR',
    'db',
    'dpeep',
    'dh',
    'dc',
    'zeros',
    'wantDx',
    'RT',
    'WT',
  ],
  gruForward: [
    'B',
    'T',
    'F',
    'U',
    'UP',
    'x',
    'W',
    'bias',
    'rbias',
    'R',
    'mask',
    'ract',
    'resetAfter',
    'G',
    'A',
    'H',
    'zeros',
    'inner',
  ],
  gruBackward: [
    'B',
    'T',
    'F',
    'U',
    'UP',
    'x',
    'W',
    'R',
    'mask',
    'ract',
    'resetAfter',
    'G',
    'A',
    'H',
    'dY',
    'seq',
    'dx',
    'dW',
    'dR',
    'db',
    'drb',
    'dh',
    'dhn',
    'di',
    'zeros',
    'wantDx',
    'RT',
    'WT',
  ],
  embedInput: ['ids', 'E', 'mask', 'x', 'B', 'T', 'F'],
  maskInput: ['x', 'mask', 'B', 'T', 'F'],
  embedGrad: ['ids', 'dx', 'mask', 'dE', 'B', 'T', 'F', 'V'],
  tableProject: ['E', 'W', 'bias', 'P', 'V', 'F', 'N'],
  tableGrads: ['E', 'S', 'W', 'dE', 'dW', 'V', 'F', 'N'],
  conv1dForward: ['B', 'T', 'CP', 'K', 'FP', 'dil', 'padLeft', 'To', 'act', 'x', 'W', 'bias', 'Y'],
  conv1dBackward: [
    'B',
    'T',
    'CP',
    'K',
    'FP',
    'dil',
    'padLeft',
    'To',
    'act',
    'x',
    'W',
    'Y',
    'dY',
    'dx',
    'dW',
    'db',
    'WR',
    'wantDx',
  ],
  maxPool: ['B', 'To', 'FP', 'Y', 'M'],
  maxPoolGrad: ['B', 'To', 'FP', 'Y', 'dM', 'M', 'dY'],
  conv1dTableForward: [
    'B',
    'T',
    'V',
    'CP',
    'K',
    'FP',
    'dil',
    'padLeft',
    'To',
    'act',
    'ids',
    'E',
    'W',
    'bias',
    'P',
    'Y',
  ],
  conv1dTableBackward: [
    'B',
    'T',
    'V',
    'CP',
    'K',
    'FP',
    'dil',
    'padLeft',
    'To',
    'act',
    'ids',
    'E',
    'W',
    'Y',
    'dY',
    'dP',
    'dE',
    'dW',
    'db',
    'WR',
  ],
  conv1dTablePoolForward: [
    'B',
    'T',
    'V',
    'CP',
    'K',
    'FP',
    'dil',
    'padLeft',
    'To',
    'act',
    'ids',
    'E',
    'W',
    'bias',
    'P',
    'M',
    'A',
  ],
  conv1dTablePoolBackward: [
    'B',
    'T',
    'V',
    'CP',
    'K',
    'FP',
    'dil',
    'padLeft',
    'To',
    'act',
    'ids',
    'E',
    'W',
    'bias',
    'P',
    'R',
    'M',
    'A',
    'dM',
    'dE',
    'dW',
    'db',
    'WT',
    'dWT',
  ],
  gateForward: ['rows', 'FP', 'Y', 'Z'],
  gateBackward: ['rows', 'FP', 'Y', 'dZ', 'dY'],
  gatedBlockForward: [
    'B',
    'T',
    'CP',
    'K',
    'FP',
    'SP',
    'dil',
    'residual',
    'x',
    'Wfg',
    'bfg',
    'Ws',
    'bs',
    'Wr',
    'br',
    'Y',
    'Z',
    'S',
    'N',
  ],
  gatedBlockBackward: [
    'B',
    'T',
    'CP',
    'K',
    'FP',
    'SP',
    'dil',
    'residual',
    'x',
    'Wfg',
    'Ws',
    'Wr',
    'Y',
    'Z',
    'dS',
    'dN',
    'dZ',
    'dY',
    'dx',
    'dWfg',
    'dbfg',
    'dWs',
    'dbs',
    'dWr',
    'dbr',
    'WR',
    'WT',
    'idx',
  ],
  sumReluMaxPool: ['n', 'B', 'T', 'FP', 'X', 'Y', 'M'],
  sumReluMaxPoolGrad: ['B', 'T', 'FP', 'Y', 'dM', 'M', 'dY'],
} as const satisfies { readonly [N in keyof FusedKernels]: readonly (keyof Args[N] & string)[] };

// A field of an args interface missing from its order list is a type error naming it.
type Unlisted = {
  [N in keyof FusedKernels]: Exclude<keyof Args[N], (typeof ORDER)[N][number]>;
}[keyof FusedKernels];
const everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyFieldListed;

/** {@link ORDER}, for the test that compares it with the AssemblyScript signatures. */
export const PARAMETER_ORDER: Readonly<Record<keyof FusedKernels, readonly string[]>> = ORDER;

/** A WebAssembly export as the JS API sees it: every i32 and pointer parameter is a number. */
type RawExport = (...values: number[]) => void;

function bind(raw: RawExport, order: readonly string[]): (args: object) => void {
  return (args) => raw(...positional(args as Record<string, number | boolean>, order));
}

/** `bind`, plus the batch split over two threads while `setFusedThreads(2)` is on (`_split.ts`). */
function bindSplit(
  name: keyof FusedKernels,
  raw: RawExport,
  order: readonly string[],
): (args: object) => void {
  const spec = SPLIT[name];
  const one = bind(raw, order);
  if (spec === undefined) return one;
  const heapOf = () => new Float32Array(fusedExports().memory.buffer);
  return (args) => {
    const pool = helperPool();
    if (pool === null) one(args);
    else runSplit(pool, name, spec, order, raw, args as Record<string, number | boolean>, heapOf);
  };
}

let kernels: FusedKernels | undefined;

/** The fused module's kernels with named arguments (instantiating the module on first use, as `fusedExports`). */
export function fusedKernels(): FusedKernels {
  if (kernels !== undefined) return kernels;
  const raw = fusedExports() as unknown as Record<keyof FusedKernels, RawExport>;
  const bound = {} as Record<keyof FusedKernels, (args: object) => void>;
  for (const name of Object.keys(ORDER) as (keyof FusedKernels)[]) {
    bound[name] = bindSplit(name, raw[name], ORDER[name]);
  }
  kernels = bound as unknown as FusedKernels;
  return kernels;
}
