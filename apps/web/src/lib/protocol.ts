import type { LessonEvent } from '@seqlab/lesson';
import type { DatasetFacts } from './facts.js';
import type { OwnTextsReport, OwnTextsSpec } from './own-texts.js';
import type { RunVocabulary, TrainConfig } from './runs.js';

/** The runtime a realm started. */
export interface RuntimeInfo {
  backend: string;
  simd: boolean;
  threads: number;
  /** Whether tfjs runs its threaded-SIMD binary (a cross-origin isolated realm with more than one thread to use). */
  threadedBinary: boolean;
  /** The worker's: what tfjs' `nextFrame` waits for — a task turn (worker-frames.ts), or a display frame. */
  frames?: 'task' | 'display';
}

/** What the worker read from an imdb.npz at one `num_words`. */
export interface DataReport {
  numWords: number;
  facts: DatasetFacts;
  sample: { ids: number[]; label: number };
}

/** Progress of one training run: `@seqlab/lesson`'s `LessonEvent`s as the worker forwards them (1-based). */
// The data event crosses the worker boundary without the vectorizer (a class instance does not clone).
export type TrainEvent =
  | Exclude<LessonEvent, { type: 'warning' | 'data' }>
  | (Omit<Extract<LessonEvent, { type: 'data' }>, 'vectorizer'> & {
      /** A run on your own texts: its vectorizer as JSON, sent before the first epoch so a cut run keeps it. */
      vocabulary: RunVocabulary | null;
    });

/** How a training run ended. */
export interface TrainOutcome {
  history: Record<string, number[]>;
  bestEpoch: number | null;
  stoppedEarly: boolean;
  interrupted: boolean;
  test: { loss: number; acc: number } | null;
  checkpointSaved: boolean;
  /** Runs on your own texts: the adapted vectorizer and the class names, to store with the run. */
  vocabulary: RunVocabulary | null;
}

/** The worker's methods: arguments, result and the events a call streams before its result. */
export interface WorkerMethods {
  init: { args: Record<string, never>; result: RuntimeInfo; event: never };
  loadData: { args: { bytes: ArrayBuffer; numWords: number }; result: DataReport; event: never };
  facts: { args: { numWords: number }; result: DataReport; event: never };
  openTexts: {
    args: { spec: OwnTextsSpec; numWords: number; maxlen: number; unicode: boolean };
    result: OwnTextsReport;
    event: never;
  };
  train: { args: { config: TrainConfig; checkpoint: string }; result: TrainOutcome; event: TrainEvent };
}
export type Method = keyof WorkerMethods;

/** What the page sends: a call with its request id, or the cancellation of one. */
export type WorkerRequest =
  | { [M in Method]: { id: number; method: M; args: WorkerMethods[M]['args'] } }[Method]
  | { id: number; method: 'cancel' };

/** What the worker answers, always tagged with the request id it belongs to. */
export type WorkerResponse =
  | { id: number; kind: 'result'; value: unknown }
  | { id: number; kind: 'event'; event: unknown }
  | { id: number; kind: 'error'; code: string; message: string };
