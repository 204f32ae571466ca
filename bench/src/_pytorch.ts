import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ModelName } from '@seqlab/models';

/** One PyTorch model's training epoch, measured by bench/pytorch/zoo_epoch.py. */
export interface PytorchModel {
  secondsPerEpoch: number;
  msPerBatch: number;
  /** Training steps timed (after two warm-up steps). */
  batches: number;
  params: number;
}

/** The PyTorch anchor of a bench run: measured in the same run, or why it was not. */
export type PytorchAnchor =
  | {
      measured: true;
      torch: string;
      threads: number;
      python: string;
      models: Partial<Record<ModelName, PytorchModel>>;
    }
  | { measured: false; reason: string };

/** Debian's python3-torch lives under the system Python; `SEQLAB_PYTHON` names another interpreter. */
function python(): string {
  return process.env.SEQLAB_PYTHON ?? '/usr/bin/python3';
}

/**
 * Runs the PyTorch twins of `models` (one CPU thread, `batches` timed steps each) when PyTorch is installed;
 * otherwise says so, and the report prints "not measured" — never a figure from elsewhere.
 */
export function measurePytorch(
  models: readonly ModelName[],
  batches: number,
  log: (line: string) => void,
): PytorchAnchor {
  const script = fileURLToPath(new URL('../pytorch/zoo_epoch.py', import.meta.url));
  const interpreter = python();
  try {
    execFileSync(interpreter, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    const reason = `PyTorch is not installed for ${interpreter} (Debian: apt-get install python3-torch)`;
    log(`pytorch: not measured: ${reason}`);
    return { measured: false, reason };
  }
  try {
    const out = execFileSync(
      interpreter,
      [script, '--models', models.join(','), '--batches', String(batches)],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } },
    );
    const parsed = JSON.parse(out) as {
      torch: string;
      threads: number;
      models: Partial<Record<ModelName, PytorchModel>>;
    };
    return { measured: true, python: interpreter, ...parsed };
  } catch (error) {
    const reason = `bench/pytorch/zoo_epoch.py failed: ${(error as Error).message.split('\n')[0]}`;
    log(`pytorch: not measured: ${reason}`);
    return { measured: false, reason };
  }
}
