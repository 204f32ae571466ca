// Runs: every run this browser kept — open one's curves, rename, delete, compare val_loss across runs.
import * as tf from '@tensorflow/tfjs-core';
import { type AppContext, type AppState, IMPORTED_PREFIX, PRETRAINED, runLabel, updateRun } from '../app.js';
import { chart } from '../chart.js';
import { byId, currentLanguage, el, errorMsg, msg, num, render } from '../dom.js';
import * as idb from '../lib/idb.js';
import { checkpointUrl, comparisonSeries, metricValues, type RunRecord, reconcileRuns } from '../lib/runs.js';
import { importedName } from '../model-list.js';
import { forgetProbeModel } from '../probe-models.js';

/** Records written by earlier versions lack the newer fields. */
function upgrade(
  run: Partial<RunRecord> & Pick<RunRecord, 'id' | 'config' | 'history' | 'status'>,
): RunRecord {
  return {
    name: '',
    startedAt: new Date(0).toISOString(),
    epochSeconds: [],
    batchLoss: [],
    batchLossStep: 1,
    stoppedEarly: false,
    bestEpoch: null,
    checkpoint: null,
    test: null,
    ...run,
  };
}

export function mountRuns({ store, pageReady }: AppContext): void {
  // Persistence: whatever runs the state holds is what IndexedDB holds (writes batched per run).
  let saved: RunRecord[] = [];
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let restored = false;
  store.subscribe(
    (s) => s.runs,
    (runs) => {
      if (!restored) return;
      for (const run of runs) if (!saved.includes(run)) dirty.add(run.id);
      for (const old of saved)
        if (!runs.some((r) => r.id === old.id)) void idb.remove('runs', old.id).catch(() => undefined);
      saved = runs;
      timer ??= setTimeout(flush, 300);
    },
  );
  async function flush(): Promise<void> {
    timer = undefined;
    for (const id of [...dirty]) {
      dirty.delete(id);
      const run = store.get().runs.find((r) => r.id === id);
      if (run)
        await idb
          .put('runs', id, run)
          .catch((e) => store.set((s) => ({ train: { ...s.train, error: errorMsg('error.storage', e) } })));
    }
  }

  async function remove(run: RunRecord): Promise<void> {
    // The checkpoint goes by its URL, also when the record never learnt it was saved (a reload mid-run).
    const url = checkpointUrl(run.id);
    forgetProbeModel(url);
    await tf.io.removeModel(url).catch(() => undefined);
    store.set((s) => ({
      runs: s.runs.filter((r) => r.id !== run.id),
      viewedRun: s.viewedRun === run.id ? null : s.viewedRun,
      probeModel: s.probeModel === url ? PRETRAINED : s.probeModel,
    }));
  }

  const table = byId<HTMLTableElement>('runs');
  store.subscribe(
    // Not on every batch: the table changes when a run's epochs, name, status, checkpoint or test result do.
    (s) =>
      [
        s.language,
        s.viewedRun,
        s.runs
          .map((r) =>
            [r.id, r.name, r.status, r.history['val_loss']?.length, r.checkpoint, r.test?.acc].join('|'),
          )
          .join('\n'),
      ] as const,
    (_, s) =>
      renderTable(table, s, {
        open: (id) => store.set({ viewedRun: id }),
        remove,
        rename: (id, name) => updateRun(store, id, (r) => ({ ...r, name })),
      }),
  );

  async function restore(): Promise<void> {
    try {
      await pageReady.catch(() => undefined);
      const records = (await idb.values<RunRecord>('runs')).map(upgrade);
      const models = new Set(Object.keys(await tf.io.listModels()));
      const runs = reconcileRuns(records, models).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
      const imported = [...models]
        .filter((url) => url.startsWith(IMPORTED_PREFIX))
        .map((url) => ({ url, name: importedName(url) }));
      saved = runs;
      restored = true;
      store.set((s) => ({ runs: [...runs, ...s.runs], imported }));
    } catch (error) {
      restored = true;
      store.set((s) => ({ train: { ...s.train, error: errorMsg('error.storage', error) } }));
    }
  }
  void restore();
}

function renderTable(
  table: HTMLTableElement,
  s: AppState,
  actions: {
    open(id: string): void;
    remove(run: RunRecord): Promise<void>;
    rename(id: string, name: string): void;
  },
): void {
  const { runs } = s;
  if (runs.length === 0) {
    table.replaceChildren(el('caption', { textContent: msg('runs.none') }));
  } else {
    const head = [
      'runs.col.run',
      'runs.col.model',
      'runs.col.epochs',
      'runs.col.best',
      'runs.col.acc',
      'runs.col.test',
      'runs.col.time',
      'runs.col.status',
      'runs.col.actions',
    ];
    const headRow = el(
      'tr',
      {},
      ...head.map((k) => Object.assign(el('th', { textContent: msg(k) }), { scope: 'col' })),
    );
    const rows = runs.map((run, i) => {
      const losses = metricValues(run.history, 'val_loss');
      const best = run.bestEpoch;
      const acc = best === null ? Number.NaN : (metricValues(run.history, 'val_acc')[best - 1] ?? Number.NaN);
      const perEpoch = run.epochSeconds.length
        ? run.epochSeconds.reduce((a, b) => a + b, 0) / run.epochSeconds.length
        : Number.NaN;
      const name = Object.assign(el('input'), {
        value: run.name,
        placeholder: `#${i + 1} ${run.config.model}`,
        type: 'text',
      });
      name.setAttribute('aria-label', msg('runs.rename', { run: `#${i + 1}` }));
      name.addEventListener('change', () => actions.rename(run.id, name.value.trim()));
      const open = el('button', { className: 'secondary', textContent: msg('runs.open') });
      open.type = 'button';
      open.setAttribute('aria-pressed', String(s.viewedRun === run.id));
      open.setAttribute('aria-label', msg('runs.openLabel', { run: runLabel(runs, run) }));
      open.addEventListener('click', () => actions.open(run.id));
      const del = el('button', { className: 'secondary', textContent: msg('runs.delete') });
      del.type = 'button';
      del.disabled = run.status === 'running';
      del.setAttribute('aria-label', msg('runs.deleteLabel', { run: runLabel(runs, run) }));
      del.addEventListener('click', () => void actions.remove(run));
      const tr = el(
        'tr',
        {},
        el(
          'td',
          {},
          name,
          el('div', {
            className: 'when',
            textContent: new Date(run.startedAt).toLocaleString(currentLanguage()),
          }),
        ),
        el('td', { textContent: run.config.model }),
        el('td', { textContent: String(losses.length) }),
        el('td', {
          textContent:
            best === null
              ? '–'
              : msg('runs.bestValue', { loss: num(losses[best - 1] ?? Number.NaN), epoch: best }),
        }),
        el('td', { textContent: num(acc) }),
        el('td', {
          textContent:
            run.test === null
              ? '–'
              : msg('runs.testValue', { loss: num(run.test.loss), acc: num(run.test.acc) }),
        }),
        el('td', { textContent: Number.isFinite(perEpoch) ? `${num(perEpoch, 1)} s` : '–' }),
        el('td', { textContent: msg(`runs.status.${run.status}`) }),
        el('td', { className: 'actions' }, open, del),
      );
      tr.dataset['runId'] = run.id;
      return tr;
    });
    table.replaceChildren(el('thead', {}, headRow), el('tbody', {}, ...rows));
  }
  const series = comparisonSeries(runs, (run) => runLabel(runs, run));
  byId('runs-figure').hidden = series.length === 0;
  if (series.length > 0)
    chart(byId('runs-chart'), series, {
      x: msg('train.epochAxis'),
      y: msg('runs.valLossAxis'),
      summary: msg('runs.compare'),
    });
  render(byId('runs-heading'), { key: 'runs.heading' });
}
