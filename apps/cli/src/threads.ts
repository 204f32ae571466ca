import { MAX_THREADS, resolveThreads, type ThreadsOption } from '@seqlab/models';
import type { FlagSpecs } from './args.js';
import { usageError } from './errors.js';

/** `--threads`, shared by `train` and `compare`. */
export const THREADS_FLAG = {
  threads: {
    type: 'string',
    default: '1',
    description:
      "training threads, or 'auto': 2 where two cores are free (cores minus the 1-minute load average ≥ 1.5), else 1; recurrent models and wavenet split each batch inside their fused kernels, others train data-parallel ('auto' keeps those on 1 thread)",
    valueName: 'n|auto',
  },
} as const satisfies FlagSpecs;

/** `--threads n|auto` → the library's `threads` option (a usage error names what it got). */
export function threadsOption(value: string): ThreadsOption {
  if (value === 'auto') return 'auto';
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  try {
    return resolveThreads(n, '--threads');
  } catch {
    throw usageError(
      `--threads must be 'auto' or an integer from 1 to ${MAX_THREADS}; got '${value}'.`,
      "'auto' picks 2 threads where two cores are free, else 1.",
    );
  }
}

/** The line printed before training when it may use more than one thread (none otherwise, as before). */
export function describeThreads(option: ThreadsOption): string | null {
  if (option === 'auto') {
    return resolveThreads('auto') > 1
      ? 'training threads: 2 (--threads auto: two cores free; recurrent models and wavenet split inside their kernels, others 1)'
      : null;
  }
  return option > 1 ? `training threads: ${option}` : null;
}
