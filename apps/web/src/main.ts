import { imdb } from '@seqlab/datasets';
import { listModels } from '@seqlab/models';
import { renderSvgChart, type Series } from '@seqlab/plot';
import { initWasm } from '@seqlab/wasm';
import * as tf from '@tensorflow/tfjs-core';
import { applyLanguage, byId, clear, currentLanguage, msg, num, show, showError } from './dom.js';
import type { DatasetFacts } from './lib/facts.js';
import type { Language } from './lib/i18n.js';
import { labelOf, type ProbeToken, tokenizeReview } from './lib/probe.js';
import type { RuntimeInfo, WorkerEvent, WorkerRequest } from './lib/protocol.js';
import {
  bestEpoch,
  comparisonSeries,
  LESSON_DEFAULTS,
  metricValues,
  type RunRecord,
  runSeries,
  type TrainConfig,
  validateConfig,
} from './lib/runs.js';
import * as store from './lib/store.js';
import { forgetProbeModel, loadProbeModel, type ProbeModel, predictPrefixes } from './probe-models.js';
import { wasmPaths } from './wasm-paths.js';

const BASE = import.meta.env.BASE_URL;
const PRETRAINED = `${BASE}models/lstm/model.json`;
const NPZ_KEY = 'imdb.npz';
const WORD_INDEX_KEY = 'imdb_word_index.json';
const IMPORTED_PREFIX = 'indexeddb://seqlab-imported-';

// ---------- language ----------
const languageSelect = byId<HTMLSelectElement>('language');
applyLanguage();
languageSelect.value = currentLanguage();
languageSelect.addEventListener('change', () => applyLanguage(languageSelect.value as Language));

// ---------- runtime (page and worker) ----------
const runtimeEl = byId('runtime');
const runtimeError = byId('runtime-error');
let pageRuntime: RuntimeInfo | undefined;
let workerRuntime: RuntimeInfo | undefined;

function renderRuntime(): void {
  const info = pageRuntime;
  if (info === undefined) {
    show(runtimeEl, 'runtime.starting');
    return;
  }
  const yes = (b: boolean) => msg(b ? 'runtime.yes' : 'runtime.no');
  const worker = workerRuntime
    ? `${workerRuntime.backend}${workerRuntime.simd ? ' + SIMD' : ''} × ${workerRuntime.threads}`
    : '…';
  runtimeEl.dataset['backend'] = info.backend;
  runtimeEl.dataset['simd'] = String(info.simd);
  runtimeEl.dataset['threads'] = String(info.threads);
  runtimeEl.dataset['workerBackend'] = workerRuntime?.backend ?? '';
  runtimeEl.textContent = `${msg('runtime.summary', {
    backend: info.backend,
    simd: yes(info.simd),
    threads: info.threads,
    worker,
  })} · ${msg(crossOriginIsolated ? 'runtime.isolated' : 'runtime.notIsolated')}`;
}
document.addEventListener('languagechange-app', renderRuntime);
renderRuntime();
const runtimeReady = initWasm({ threads: 'auto', wasmPaths }).then(
  (info) => {
    pageRuntime = info;
    renderRuntime();
    return info;
  },
  (error: unknown) => {
    showError(runtimeError, 'error.wasm', error);
    throw error;
  },
);

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
function send(request: WorkerRequest, transfer: Transferable[] = []): void {
  worker.postMessage(request, transfer);
}
worker.addEventListener('error', (event) => showError(runtimeError, 'error.worker', event.message));
send({ type: 'init' });

// ---------- data ----------
const dataStatus = byId('data-status');
const dataError = byId('data-error');
const factsEl = byId('facts');
let dataReady = false;
let wordIndex: Map<string, number> | undefined;
let wordIndexPending: Promise<Map<string, number>> | undefined;
let lastFacts: { facts: DatasetFacts; sample: { ids: number[]; label: number } } | undefined;

async function fetchBytes(url: string, what: string, report = true): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (cause) {
    throw new Error(`could not reach ${url} (${String(cause)})`, { cause });
  }
  if (!response.ok) {
    let detail = '';
    try {
      const body = (await response.json()) as { message?: string };
      detail = body.message ? `: ${body.message}` : '';
    } catch {
      // not a JSON error body
    }
    throw new Error(`${url} answered HTTP ${response.status}; expected 200 with ${what}${detail}`);
  }
  const total = Number(response.headers.get('content-length') ?? 0);
  if (response.body === null || total === 0) return await response.arrayBuffer();
  const reader = response.body.getReader();
  const out = new Uint8Array(total);
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > total) throw new Error(`${url} sent more than its announced ${total} bytes`);
    out.set(value, loaded);
    loaded += value.length;
    if (report) show(dataStatus, 'data.downloaded', { loaded: mb(loaded), total: mb(total) });
  }
  if (loaded !== total)
    throw new Error(`received ${loaded} of ${total} bytes from ${url}; the download was cut off`);
  return out.buffer;
}

function mb(bytes: number): string {
  return `${num(bytes / 1e6, 1)} MB`;
}

function isZip(bytes: ArrayBuffer): boolean {
  const b = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

let dataWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;

/** Hands the npz bytes to the worker; resolves when it has read them (and shows the facts). */
function useNpz(bytes: ArrayBuffer, sourceKey: string, cacheIt: boolean): Promise<void> {
  if (!isZip(bytes)) {
    return Promise.reject(
      new Error(
        `expected a zip archive (.npz) starting with "PK"; got ${bytes.byteLength} bytes of something else`,
      ),
    );
  }
  show(dataStatus, 'data.parsing');
  const copy = cacheIt ? bytes.slice(0) : undefined;
  const done = new Promise<void>((resolve, reject) => {
    dataWaiter = { resolve, reject };
  });
  send({ type: 'data', bytes, numWords: config().numWords }, [bytes]);
  return done.then(async () => {
    if (copy !== undefined) {
      try {
        await store.put('files', NPZ_KEY, copy);
      } catch (error) {
        showError(dataError, 'error.storage', error);
      }
    }
    show(dataStatus, 'data.ready', { source: msg(sourceKey) });
  });
}

async function loadWordIndex(url?: string): Promise<Map<string, number>> {
  if (wordIndex !== undefined && url === undefined) return wordIndex;
  wordIndexPending ??= (async () => {
    let bytes =
      url === undefined
        ? await store.get<ArrayBuffer>('files', WORD_INDEX_KEY).catch(() => undefined)
        : undefined;
    if (bytes === undefined) {
      bytes = await fetchBytes(url ?? `${BASE}data/imdb_word_index.json`, 'imdb_word_index.json', false);
      await store.put('files', WORD_INDEX_KEY, bytes).catch(() => undefined);
    }
    return await imdb.getWordIndex(new Uint8Array(bytes));
  })();
  try {
    wordIndex = await wordIndexPending;
    return wordIndex;
  } finally {
    wordIndexPending = undefined;
  }
}

async function useWordIndexFile(file: Blob): Promise<void> {
  const bytes = await file.arrayBuffer();
  const index = await imdb.getWordIndex(new Uint8Array(bytes));
  if (index.size === 0 || index.get('the') === undefined) {
    throw new Error(
      `expected imdb_word_index.json (a word → rank object with "the"); got ${index.size} entries`,
    );
  }
  await store.put('files', WORD_INDEX_KEY, bytes).catch(() => undefined);
  wordIndex = index;
  renderFacts();
}

function renderFacts(): void {
  if (lastFacts === undefined) return;
  const { facts, sample } = lastFacts;
  const rows: [string, string, Record<string, string | number>, string?][] = [
    ['facts.train', num(facts.trainSize, 0), {}],
    ['facts.test', num(facts.testSize, 0), {}],
    [
      'facts.length',
      msg('facts.lengthValue', {
        min: facts.length.min,
        median: num(facts.length.median, 1),
        mean: num(facts.length.mean, 1),
        max: facts.length.max,
      }),
      {},
    ],
    [
      'facts.labels',
      msg('facts.labelsValue', {
        trainNeg: num(facts.labels.train[0], 0),
        trainPos: num(facts.labels.train[1], 0),
        testNeg: num(facts.labels.test[0], 0),
        testPos: num(facts.labels.test[1], 0),
      }),
      {},
    ],
    ['facts.oov', `${num(facts.oovRate * 100, 1)} %`, { numWords: config().numWords }],
  ];
  if (wordIndex !== undefined) {
    rows.push(['facts.sample', imdb.decode(sample.ids, wordIndex), { label: sample.label }, 'sample']);
  }
  factsEl.replaceChildren(
    ...rows.flatMap(([key, value, params, cls]) => {
      const dt = document.createElement('dt');
      dt.textContent = msg(key, params);
      const dd = document.createElement('dd');
      dd.textContent = value;
      if (cls) dd.className = cls;
      return [dt, dd];
    }),
  );
  factsEl.hidden = false;
  factsEl.dataset['trainSize'] = String(facts.trainSize);
}
document.addEventListener('languagechange-app', renderFacts);

async function loadFrom(what: () => Promise<ArrayBuffer>, sourceKey: string, label: string): Promise<void> {
  clear(dataError);
  show(dataStatus, 'data.loading', { what: label });
  let bytes: ArrayBuffer;
  try {
    bytes = await what();
  } catch (error) {
    clear(dataStatus);
    return showError(dataError, 'error.download', error);
  }
  try {
    await useNpz(bytes, sourceKey, true);
  } catch (error) {
    clear(dataStatus);
    return showError(dataError, 'error.badFile', error);
  }
  try {
    await loadWordIndex();
    renderFacts();
  } catch (error) {
    showError(dataError, 'error.wordIndex', error);
  }
}

byId('data-server').addEventListener('click', () => {
  void loadFrom(() => fetchBytes(`${BASE}data/imdb.npz`, 'imdb.npz'), 'data.server', '/data/imdb.npz');
});
byId('data-url-load').addEventListener('click', () => {
  const url = byId<HTMLInputElement>('data-url').value.trim();
  if (url === '') return byId('data-url').focus();
  void loadFrom(() => fetchBytes(url, 'imdb.npz'), 'data.server', url);
});

async function openFiles(files: readonly File[]): Promise<void> {
  clear(dataError);
  for (const file of files.filter((f) => f.name.endsWith('.json'))) {
    try {
      await useWordIndexFile(file);
    } catch (error) {
      showError(dataError, 'error.wordIndex', error);
    }
  }
  const npz = files.find((f) => !f.name.endsWith('.json'));
  if (npz !== undefined) await loadFrom(() => npz.arrayBuffer(), 'data.server', npz.name);
}
const dataFile = byId<HTMLInputElement>('data-file');
dataFile.addEventListener('change', () => {
  void openFiles([...(dataFile.files ?? [])]);
  dataFile.value = '';
});
const dropZone = byId('drop-zone');
for (const target of [dropZone, byId('data')]) {
  target.addEventListener('dragover', (event) => {
    event.preventDefault();
    dropZone.classList.add('over');
  });
  target.addEventListener('dragleave', () => dropZone.classList.remove('over'));
  target.addEventListener('drop', (event) => {
    event.preventDefault();
    dropZone.classList.remove('over');
    void openFiles([...(event.dataTransfer?.files ?? [])]);
  });
}
byId('data-clear').addEventListener('click', async () => {
  await Promise.all([store.remove('files', NPZ_KEY), store.remove('files', WORD_INDEX_KEY)]).catch((error) =>
    showError(dataError, 'error.storage', error),
  );
  show(dataStatus, 'data.cleared');
});

// ---------- training ----------
const form = byId<HTMLFormElement>('train-form');
const modelSelect = byId<HTMLSelectElement>('cfg-model');
for (const info of listModels()) {
  modelSelect.append(new Option(`${info.name} (${info.params.toLocaleString('en')})`, info.name));
}
for (const [name, value] of Object.entries(LESSON_DEFAULTS)) {
  const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  if (field !== null) field.value = String(value);
}

function config(): TrainConfig {
  const data = new FormData(form);
  const number = (name: string) => Number(data.get(name));
  return {
    model: String(data.get('model') ?? 'lstm'),
    numWords: number('numWords'),
    maxlen: number('maxlen'),
    epochs: number('epochs'),
    batchSize: number('batchSize'),
    learningRate: number('learningRate'),
    patience: number('patience'),
    limit: number('limit'),
    seed: number('seed'),
  };
}

const startButton = byId<HTMLButtonElement>('train-start');
const stopButton = byId<HTMLButtonElement>('train-stop');
const progress = byId<HTMLProgressElement>('train-progress');
const trainStatus = byId('train-status');
const trainError = byId('train-error');
let current: RunRecord | undefined;
let runs: RunRecord[] = [];
let epochsPlanned = 0;

function chart(el: HTMLElement, series: Series[], yLabel: string): void {
  el.innerHTML = renderSvgChart(series, { xLabel: msg('train.epochAxis'), yLabel, width: 640, height: 320 });
  el.setAttribute(
    'aria-label',
    series.map((s) => `${s.name}: ${s.values.map((v) => num(v)).join(', ')}`).join('; '),
  );
  el.dataset['points'] = String(series.reduce((n, s) => n + s.values.length, 0));
}

function renderCurves(): void {
  const h = current?.history ?? {};
  chart(byId('loss-chart'), runSeries(h, 'loss'), 'loss');
  chart(byId('acc-chart'), runSeries(h, 'acc'), 'accuracy');
}

function runLabel(run: RunRecord): string {
  return `#${runs.indexOf(run) + 1} ${run.config.model}`;
}

function renderRuns(): void {
  const table = byId<HTMLTableElement>('runs');
  const head = [
    'runs.col.run',
    'runs.col.model',
    'runs.col.epochs',
    'runs.col.best',
    'runs.col.acc',
    'runs.col.status',
  ];
  const tr = (cells: string[], tag: 'th' | 'td') => {
    const row = document.createElement('tr');
    for (const text of cells) {
      const cell = document.createElement(tag);
      if (tag === 'th') cell.scope = 'col';
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  };
  if (runs.length === 0) {
    const caption = document.createElement('caption');
    caption.textContent = msg('runs.none');
    table.replaceChildren(caption);
  } else {
    const thead = document.createElement('thead');
    thead.append(
      tr(
        head.map((k) => msg(k)),
        'th',
      ),
    );
    const tbody = document.createElement('tbody');
    for (const run of runs) {
      const losses = metricValues(run.history, 'val_loss');
      const best = bestEpoch(losses);
      const acc = best === null ? Number.NaN : (metricValues(run.history, 'val_acc')[best - 1] ?? Number.NaN);
      tbody.append(
        tr(
          [
            `#${runs.indexOf(run) + 1} · ${new Date(run.startedAt).toLocaleString(currentLanguage())}`,
            run.config.model,
            String(losses.length),
            best === null ? '–' : `${num(losses[best - 1]!)} (${best})`,
            num(acc),
            msg(`runs.status.${run.status}`),
          ],
          'td',
        ),
      );
    }
    table.replaceChildren(thead, tbody);
  }
  chart(byId('runs-chart'), comparisonSeries(runs, runLabel), 'val_loss');
  renderProbeOptions();
}
document.addEventListener('languagechange-app', () => {
  renderRuns();
  renderCurves();
});

async function saveRun(run: RunRecord): Promise<void> {
  try {
    await store.put('runs', run.id, run);
  } catch (error) {
    showError(trainError, 'error.storage', error);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  clear(trainError);
  const cfg = config();
  const problem = validateConfig(cfg);
  if (problem !== null) {
    const field = form.elements.namedItem(problem.field) as HTMLInputElement | null;
    const label = field?.closest('label')?.querySelector('span')?.textContent ?? problem.field;
    show(trainError, problem.key, { field: label });
    field?.focus();
    return;
  }
  if (!dataReady) return show(trainError, 'train.needData');
  const id = `run-${Date.now().toString(36)}`;
  current = {
    id,
    startedAt: new Date().toISOString(),
    config: cfg,
    history: {},
    status: 'running',
    bestEpoch: null,
    checkpoint: null,
  };
  runs.push(current);
  epochsPlanned = cfg.epochs;
  startButton.disabled = true;
  stopButton.disabled = false;
  progress.value = 0;
  trainStatus.dataset['state'] = 'running';
  show(trainStatus, 'train.preparing', { rows: '…', valRows: '…' });
  renderCurves();
  renderRuns();
  void saveRun(current);
  send({ type: 'train', runId: id, config: cfg, checkpoint: `indexeddb://seqlab-${id}` });
});
stopButton.addEventListener('click', () => {
  send({ type: 'stop' });
  stopButton.disabled = true;
});
byId('runs-clear').addEventListener('click', async () => {
  for (const run of runs.filter((r) => r.status !== 'running')) {
    await store.remove('runs', run.id).catch(() => undefined);
    if (run.checkpoint !== null) {
      forgetProbeModel(run.checkpoint);
      await tf.io.removeModel(run.checkpoint).catch(() => undefined);
    }
  }
  runs = runs.filter((r) => r.status === 'running');
  renderRuns();
});

let batchesPerEpoch = 1;
function finishRun(status: RunRecord['status']): void {
  if (current === undefined) return;
  current.status = status;
  void saveRun(current);
  startButton.disabled = false;
  stopButton.disabled = true;
  trainStatus.dataset['state'] = status;
  renderRuns();
}

worker.addEventListener('message', (event: MessageEvent<WorkerEvent>) => {
  const e = event.data;
  switch (e.type) {
    case 'runtime':
      workerRuntime = e.info;
      renderRuntime();
      break;
    case 'dataReady':
      dataReady = true;
      lastFacts = { facts: e.facts, sample: e.sample };
      renderFacts();
      dataWaiter?.resolve();
      break;
    case 'trainBegin':
      batchesPerEpoch = e.batches;
      progress.max = e.batches;
      show(trainStatus, 'train.preparing', { rows: e.rows, valRows: e.valRows });
      break;
    case 'batch':
      progress.value = e.batch + 1;
      progress.dataset['batches'] = String(Number(progress.dataset['batches'] ?? 0) + 1);
      show(trainStatus, 'train.progress', {
        epoch: e.epoch + 1,
        epochs: epochsPlanned,
        batch: e.batch + 1,
        batches: batchesPerEpoch,
        loss: num(e.loss),
      });
      break;
    case 'epoch':
      if (current?.id === e.runId) {
        for (const [key, value] of Object.entries(e.logs)) {
          current.history[key] ??= [];
          current.history[key].push(value);
        }
        current.bestEpoch = bestEpoch(metricValues(current.history, 'val_loss'));
        void saveRun(current);
        renderCurves();
        renderRuns();
        show(trainStatus, 'train.epochDone', {
          epoch: e.epoch + 1,
          loss: num(e.logs['loss'] ?? Number.NaN),
          valLoss: num(e.logs['val_loss'] ?? Number.NaN),
          acc: num(e.logs['acc'] ?? Number.NaN),
          valAcc: num(e.logs['val_acc'] ?? Number.NaN),
        });
      }
      break;
    case 'trainEnd':
      if (current?.id === e.runId) {
        current.history = e.history;
        current.bestEpoch = e.bestEpoch;
        current.checkpoint = e.checkpoint;
        const epochs = metricValues(e.history, 'loss').length;
        finishRun(e.stopped ? 'stopped' : 'finished');
        renderCurves();
        if (e.stopped) show(trainStatus, 'train.stopped', { epochs });
        else if (e.stoppedEarly)
          show(trainStatus, 'train.stoppedEarly', { patience: current.config.patience });
        else {
          show(trainStatus, 'train.finished', {
            epochs,
            best: e.bestEpoch ?? '–',
            checkpoint: e.checkpoint ?? '–',
          });
        }
        if (e.checkpoint !== null) {
          forgetProbeModel(e.checkpoint);
          probeSelect.value = e.checkpoint;
        }
      }
      break;
    case 'error':
      if (e.during === 'init') showError(runtimeError, 'error.wasm', `${e.message} (${e.code})`);
      else if (e.during === 'data') dataWaiter?.reject(new Error(`${e.message} (${e.code})`));
      else {
        showError(trainError, 'error.train', `${e.message} (${e.code})`);
        finishRun('failed');
      }
      break;
  }
});

// ---------- probe ----------
const probeSelect = byId<HTMLSelectElement>('probe-model');
const probeText = byId<HTMLTextAreaElement>('probe-text');
const probeResult = byId('probe-result');
const probeError = byId('probe-error');
const probeWords = byId('probe-words');
const modelsStatus = byId('models-status');
let imported: string[] = [];

function renderProbeOptions(): void {
  const selected = probeSelect.value;
  const options = [new Option(msg('probe.pretrained'), PRETRAINED)];
  runs.forEach((run, i) => {
    if (run.checkpoint !== null) {
      options.push(
        new Option(msg('probe.checkpoint', { run: `#${i + 1}`, model: run.config.model }), run.checkpoint),
      );
    }
  });
  for (const url of imported) {
    options.push(new Option(msg('probe.imported', { name: url.slice(IMPORTED_PREFIX.length) }), url));
  }
  probeSelect.replaceChildren(...options);
  if (options.some((o) => o.value === selected)) probeSelect.value = selected;
}

function probeColor(p: number): string {
  // red (negative) → white → blue (positive)
  const d = Math.abs(p - 0.5) * 2;
  const [r, g, b] = p >= 0.5 ? [31, 95, 200] : [196, 40, 40];
  const mix = (c: number) => Math.round(255 + (c - 255) * d);
  return `rgb(${mix(r)} ${mix(g)} ${mix(b)})`;
}

let lastProbe: { tokens: ProbeToken[]; probs: Float32Array } | undefined;
function renderProbe(): void {
  if (lastProbe === undefined) return;
  const { tokens, probs } = lastProbe;
  const p = probs[probs.length - 1]!;
  probeResult.dataset['probability'] = String(p);
  probeResult.textContent = msg('probe.result', { p: num(p, 3), label: msg(`probe.label.${labelOf(p)}`) });
  probeWords.replaceChildren(
    ...tokens.map((token, i) => {
      const span = document.createElement('span');
      const pi = probs[i]!;
      span.className = `word ${token.status}`;
      span.textContent = token.word;
      span.style.background = probeColor(pi);
      span.style.color = Math.abs(pi - 0.5) > 0.35 ? '#fff' : '#1b1b1f';
      const note =
        token.status === 'in' ? '' : ` (${msg(token.status === 'oov' ? 'probe.oov' : 'probe.unknown')})`;
      span.title = msg('probe.wordTitle', { word: token.word, p: num(pi, 3) }) + note;
      span.dataset['p'] = pi.toFixed(4);
      return span;
    }),
  );
}
document.addEventListener('languagechange-app', () => {
  renderProbeOptions();
  renderProbe();
});

async function selectedModel(): Promise<ProbeModel> {
  await runtimeReady;
  return await loadProbeModel(probeSelect.value);
}

byId('probe-run').addEventListener('click', async () => {
  clear(probeError);
  const text = probeText.value.trim();
  if (text === '') {
    show(probeError, 'probe.empty');
    return probeText.focus();
  }
  let probe: ProbeModel;
  try {
    probe = await selectedModel();
  } catch (error) {
    return showError(probeError, 'error.model', error);
  }
  let index: Map<string, number>;
  try {
    show(probeResult, 'probe.needWordIndex');
    index = await loadWordIndex();
  } catch (error) {
    clear(probeResult);
    return showError(probeError, 'error.wordIndex', error);
  }
  const tokens = tokenizeReview(text, index, { numWords: probe.numWords });
  if (tokens.length === 0) return show(probeError, 'probe.empty');
  delete probeResult.dataset['msg'];
  lastProbe = { tokens, probs: await predictPrefixes(probe, tokens) };
  renderProbe();
});
probeText.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) byId('probe-run').click();
});

const importInput = byId<HTMLInputElement>('model-import');
importInput.addEventListener('change', async () => {
  clear(probeError);
  const files = [...(importInput.files ?? [])];
  importInput.value = '';
  const json = files.find((f) => f.name.endsWith('.json'));
  const weights = files.filter((f) => f !== json);
  try {
    if (json === undefined || weights.length === 0) {
      throw new Error(`got ${files.map((f) => f.name).join(', ') || 'no files'}`);
    }
    await runtimeReady;
    const name = `${json.name.replace(/\.json$/, '')}-${Date.now().toString(36)}`;
    const url = `${IMPORTED_PREFIX}${name}`;
    const probe = await loadProbeModel(url, tf.io.browserFiles([json, ...weights]));
    await probe.model.save(url);
    imported.push(url);
    renderProbeOptions();
    probeSelect.value = url;
    show(modelsStatus, 'models.imported', { name, numWords: probe.numWords, maxlen: probe.maxlen });
  } catch (error) {
    showError(probeError, 'error.import', error);
  }
});
byId('model-export').addEventListener('click', async () => {
  clear(probeError);
  try {
    const probe = await selectedModel();
    await probe.model.save('downloads://seqlab-model');
    show(modelsStatus, 'models.exported');
  } catch (error) {
    showError(probeError, 'error.model', error);
  }
});

// ---------- restore what this browser kept ----------
async function restore(): Promise<void> {
  try {
    runs = (await store.values<RunRecord>('runs')).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    for (const run of runs) if (run.status === 'running') run.status = 'stopped';
    const saved = await tf.io.listModels();
    imported = Object.keys(saved).filter((url) => url.startsWith(IMPORTED_PREFIX));
    for (const run of runs) if (run.checkpoint !== null && !(run.checkpoint in saved)) run.checkpoint = null;
  } catch (error) {
    showError(trainError, 'error.storage', error);
  }
  renderRuns();
  renderCurves();
  let cached: ArrayBuffer | undefined;
  try {
    cached = await store.get<ArrayBuffer>('files', NPZ_KEY);
  } catch (error) {
    return showError(dataError, 'error.storage', error);
  }
  if (cached !== undefined) {
    await loadFrom(async () => cached, 'data.cached', 'imdb.npz');
    factsEl.dataset['source'] = 'cache';
  }
}
void runtimeReady.then(restore, restore);
