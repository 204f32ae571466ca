import type { TextVectorization } from '@seqlab/sequence';
import type { DataReport } from './data.js';

/** Progress of {@link runLesson}, in order: `data`, `trainBegin`, then per epoch `epochBegin`, `batch`…, `epoch`; `test` last. */
export type LessonEvent =
  | {
      type: 'data';
      report: DataReport;
      /** For text data: the vectorizer adapted on the training split (save it as soon as the run starts). */
      vectorizer: TextVectorization | null;
    }
  | {
      type: 'trainBegin';
      /** The epoch limit. */
      epochs: number;
      /** Gradient steps per epoch. */
      batches: number;
      rows: number;
      validationRows: number;
    }
  | { type: 'epochBegin' /** 1-based. */; epoch: number }
  | {
      type: 'batch';
      /** 1-based epoch. */
      epoch: number;
      /** 1-based batch within the epoch. */
      batch: number;
      batches: number;
      loss: number;
      acc: number;
      /** Seconds since the epoch began. */
      seconds: number;
      /** Estimated seconds to the end of the epoch's training batches. */
      eta: number;
    }
  | {
      type: 'epoch';
      /** 1-based. */
      epoch: number;
      logs: Record<string, number>;
      /** Wall time of the epoch, validation included. */
      seconds: number;
      /** Estimated seconds to the epoch limit at the mean epoch time so far (early stopping may end sooner). */
      eta: number;
      /** 1-based best epoch so far (`EarlyStopping`'s), or null. */
      bestEpoch: number | null;
    }
  | { type: 'test'; loss: number; acc: number }
  | { type: 'warning'; message: string };
