import { execFileSync } from 'node:child_process';
import { listModels } from '@seqlab/models';
import { describe, expect, it } from 'vitest';
import { measurePytorch } from '../src/_pytorch.js';

function hasTorch(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the PyTorch anchor', () => {
  it('says "not measured" and why when there is no PyTorch, instead of a figure from elsewhere', () => {
    const saved = process.env.SEQLAB_PYTHON;
    process.env.SEQLAB_PYTHON = '/nonexistent/python3';
    try {
      const lines: string[] = [];
      expect(measurePytorch(['lstm'], 1, (l) => lines.push(l))).toEqual({
        measured: false,
        reason: 'PyTorch is not installed for /nonexistent/python3 (Debian: apt-get install python3-torch)',
      });
      expect(lines).toEqual([
        'pytorch: not measured: PyTorch is not installed for /nonexistent/python3 (Debian: apt-get install python3-torch)',
      ]);
    } finally {
      if (saved === undefined) delete process.env.SEQLAB_PYTHON;
      else process.env.SEQLAB_PYTHON = saved;
    }
  });

  it.runIf(hasTorch())(
    "measures the PyTorch twins, whose parameter counts are the zoo models'",
    () => {
      const names = ['gru', 'peephole-lstm', 'conv1d', 'wavenet'] as const;
      const anchor = measurePytorch(names, 1, () => {});
      expect(anchor.measured).toBe(true);
      if (!anchor.measured) return;
      expect(anchor.threads).toBe(1);
      for (const name of names) {
        const zoo = listModels().find((m) => m.name === name)!;
        expect(anchor.models[name]?.params, name).toBe(zoo.params);
        expect(anchor.models[name]?.secondsPerEpoch).toBeGreaterThan(0);
      }
    },
    300_000,
  );
});
