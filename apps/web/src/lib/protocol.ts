import type { DatasetFacts } from './facts.js';
import type { TrainConfig } from './runs.js';

/** What the page asks the training worker to do. */
export type WorkerRequest =
  | { type: 'init' }
  | { type: 'data'; bytes: ArrayBuffer; numWords: number }
  | { type: 'train'; runId: string; config: TrainConfig; checkpoint: string }
  | { type: 'stop' };

/** The runtime a realm started. */
export interface RuntimeInfo {
  backend: string;
  simd: boolean;
  threads: number;
}

/** What the worker reports back. */
export type WorkerEvent =
  | { type: 'runtime'; info: RuntimeInfo }
  | { type: 'dataReady'; facts: DatasetFacts; sample: { ids: number[]; label: number } }
  | { type: 'trainBegin'; runId: string; rows: number; valRows: number; batches: number; epochs: number }
  | { type: 'batch'; runId: string; epoch: number; batch: number; loss: number }
  | { type: 'epoch'; runId: string; epoch: number; logs: Record<string, number> }
  | {
      type: 'trainEnd';
      runId: string;
      history: Record<string, number[]>;
      stopped: boolean;
      stoppedEarly: boolean;
      bestEpoch: number | null;
      checkpoint: string | null;
    }
  | { type: 'error'; during: 'init' | 'data' | 'train'; code: string; message: string; runId?: string };
