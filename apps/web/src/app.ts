import type { Msg } from './dom.js';
import type { Language } from './lib/i18n.js';
import type { OwnTextsReport, TableColumns } from './lib/own-texts.js';
import type { ProbeToken } from './lib/probe.js';
import type { DataReport, RuntimeInfo } from './lib/protocol.js';
import type { RunRecord } from './lib/runs.js';
import type { Store } from './lib/state.js';
import type { WorkerClient } from './lib/worker-client.js';

export const PRETRAINED = `${import.meta.env.BASE_URL}models/lstm/model.json`;
export const IMPORTED_PREFIX = 'indexeddb://seqlab-imported-';

export interface ProbeResult {
  modelKey: string;
  tokens: ProbeToken[];
  /** P(positive) after each word; filled chunk by chunk for long reviews. `outputs` values per word. */
  probs: number[];
  maxlen: number;
  numWords: number;
  /** A model trained on your own texts: its classes (label order); null for IMDB (negative / positive). */
  classNames: string[] | null;
  /** Values per word: 1 for a sigmoid head (P(class 1)), the number of classes for a softmax head. */
  outputs: number;
}

/** Everything the page shows. Panels render from it and change it only through `store.set`. */
export interface AppState {
  language: Language;
  runtime: { page: RuntimeInfo | null; worker: RuntimeInfo | null; error: Msg | null };
  data: {
    status: Msg | null;
    error: Msg | null;
    report: DataReport | null;
    source: 'server' | 'url' | 'file' | 'cache' | null;
    wordIndex: boolean;
  };
  /** Your own texts (a table file or a folder), opened in the worker. */
  texts: {
    status: Msg | null;
    error: Msg | null;
    report: OwnTextsReport | null;
    /** The header of the chosen table file (null for a folder). */
    columns: TableColumns | null;
  };
  /** What the next run trains on: the last data that loaded. */
  activeData: 'imdb' | 'texts' | null;
  train: {
    state: 'idle' | 'running' | 'finished' | 'stopped' | 'failed';
    status: Msg | null;
    /** Test loss and accuracy of the run's best model (the lesson's last step). */
    test: Msg | null;
    error: Msg | null;
    progress: { epoch: number; epochs: number; batch: number; batches: number } | null;
  };
  runs: RunRecord[];
  /** The run whose curves the Train panel shows. */
  viewedRun: string | null;
  imported: { url: string; name: string }[];
  /** The model the Probe uses (its URL); it changes only when the user picks another. */
  probeModel: string;
  probe: {
    status: Msg | null;
    error: Msg | null;
    warning: Msg | null;
    result: ProbeResult | null;
    busy: boolean;
  };
  models: { status: Msg | null; error: Msg | null };
}

export type AppStore = Store<AppState>;

/** What every panel gets. */
export interface AppContext {
  store: AppStore;
  client: WorkerClient;
  /** Resolves once the page's own tfjs runtime is ready (the probe predicts in the page). */
  pageReady: Promise<unknown>;
}

export function initialState(language: Language): AppState {
  return {
    language,
    runtime: { page: null, worker: null, error: null },
    data: { status: null, error: null, report: null, source: null, wordIndex: false },
    texts: { status: null, error: null, report: null, columns: null },
    activeData: null,
    train: { state: 'idle', status: null, test: null, error: null, progress: null },
    runs: [],
    viewedRun: null,
    imported: [],
    probeModel: PRETRAINED,
    probe: { status: null, error: null, warning: null, result: null, busy: false },
    models: { status: null, error: null },
  };
}

/** Replaces one run by id. */
export function updateRun(store: AppStore, id: string, change: (run: RunRecord) => RunRecord): void {
  store.set((s) => ({ runs: s.runs.map((r) => (r.id === id ? change(r) : r)) }));
}

/** A run's display name: the user's, else "#n model". */
export function runLabel(runs: readonly RunRecord[], run: RunRecord): string {
  return run.name || `#${runs.indexOf(run) + 1} ${run.config.model}`;
}
