// seqlab's fused recurrent kernels: one call runs a whole sequence forward, or backward through time.
// Built by scripts/build-fused.mjs with AssemblyScript (--enable simd); callers own the memory layout.
export {
  conv1dBackward,
  conv1dForward,
  conv1dTableBackward,
  conv1dTableForward,
  gateBackward,
  gateForward,
  maxPool,
  maxPoolGrad,
} from './conv1d';
export { conv1dTablePoolBackward, conv1dTablePoolForward } from './conv1d_table_pool';
export { gatedBlockBackward, gatedBlockForward } from './gated_block';
export { gruBackward, gruForward } from './gru';
export { embedGrad, embedInput, maskInput, tableGrads, tableProject } from './input';
export { lstmBackward, lstmForward } from './lstm';
export { rnnBackward, rnnForward } from './simple_rnn';
export { sumReluMaxPool, sumReluMaxPoolGrad } from './sum_pool';

/** First free byte after the static data, 16-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
