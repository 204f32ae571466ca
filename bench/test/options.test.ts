import { describe, expect, it } from 'vitest';
import { BenchError, runBench } from '../src/index.js';

describe('runBench options', () => {
  it('rejects an unknown model with the valid names, before loading anything', async () => {
    const run = runBench({ models: ['transformer' as never] });
    await expect(run).rejects.toBeInstanceOf(BenchError);
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message:
        'bench: unknown model "transformer"; expected some of simple-rnn-onehot, embedding-simple-rnn, lstm, ' +
        'stacked-lstm, gru, peephole-lstm, conv1d, wavenet, bidirectional-lstm.',
    });
  });

  it('rejects an unknown variant and a non-integer batch count', async () => {
    await expect(runBench({ variants: ['gpu' as never] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'bench: unknown variant "gpu"; expected some of fused, unfused, stock, cpu.',
    });
    await expect(runBench({ batches: 2.5 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'bench: batches must be a positive integer, got 2.5.',
    });
  });
});
