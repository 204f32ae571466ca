export {
  type BenchOptions,
  type BenchReport,
  LATENCY_TARGET_MS,
  type ModelResult,
  runBench,
  TARGET_SPEEDUP,
  type VariantResult,
} from './_bench.js';
export { BenchError, type BenchErrorCode } from './_errors.js';
export type { SectionMemory } from './_memory.js';
export type { PytorchAnchor, PytorchModel } from './_pytorch.js';
export { renderReport } from './_report.js';
export { median, ratio, round } from './_stats.js';
export { type Align, type Column, fmt, formatTable, type TableStyle } from './_table.js';
export type { Latency, PassTiming } from './_timing.js';
export { RECURRENT_MODELS, VARIANTS, type Variant } from './_variants.js';
