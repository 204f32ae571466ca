// Train: the lesson's settings, one run at a time in the worker, live curves of the run on view.
import { listModels } from '@seqlab/models';
import { type AppContext, type AppState, updateRun } from '../app.js';
import { chart } from '../chart.js';
import { byId, errorMsg, msg, num, render } from '../dom.js';
import {
  addBatchLoss,
  checkpointUrl,
  completedEpochs,
  LESSON_FORM_DEFAULTS,
  markerSeries,
  metricValues,
  type RunRecord,
  runSeries,
  type TrainConfig,
  validateConfig,
} from '../lib/runs.js';

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}:${String(Math.round(s % 60)).padStart(2, '0')}` : `${num(s, 1)} s`;
}

export function mountTrain({ store, client }: AppContext): void {
  const form = byId<HTMLFormElement>('train-form');
  const modelSelect = byId<HTMLSelectElement>('cfg-model');
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
  for (const [name, value] of Object.entries(LESSON_FORM_DEFAULTS)) {
    if (name === 'model') continue;
    if (typeof value === 'boolean') field(name).checked = value;
    else field(name).value = String(value);
  }
  const syncPatience = () => {
    field('patience').disabled = !field('earlyStopping').checked;
  };
  field('earlyStopping').addEventListener('change', syncPatience);
  syncPatience();

  function config(): TrainConfig {
    const texts = activeTexts();
    const number = (name: string) => Number(field(name).value);
    return {
      model: modelSelect.value || 'lstm',
      numWords: number('numWords'),
      maxlen: number('maxlen'),
      testSize: number('testSize'),
      randomState: number('randomState'),
      epochs: number('epochs'),
      batchSize: number('batchSize'),
      learningRate: number('learningRate'),
      patience: number('patience'),
      earlyStopping: field('earlyStopping').checked,
      limit: number('limit'),
      seed: number('seed'),
      ...(texts === null ? {} : { texts }),
    };
  }
  /** The texts the next run trains on, when your own texts are the active data. */
  function activeTexts(): TrainConfig['texts'] | null {
    const s = store.get();
    const report = s.texts.report;
    if (s.activeData !== 'texts' || report === null) return null;
    return { name: report.facts.name, unicode: report.unicode };
  }
  const setTrain = (patch: Partial<AppState['train']>) =>
    store.set((s) => ({ train: { ...s.train, ...patch } }));

  let stop: AbortController | undefined;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setTrain({ error: null });
    const cfg = config();
    const problem = validateConfig(cfg);
    if (problem !== null) {
      const input = field(problem.field);
      const label = input?.closest('label')?.querySelector('span')?.textContent ?? problem.field;
      setTrain({ error: { key: problem.key, params: { field: label } } });
      input?.focus();
      return;
    }
    if (store.get().activeData === null) return setTrain({ error: { key: 'train.needData' } });
    const id = `run-${Date.now().toString(36)}`;
    const run: RunRecord = {
      id,
      name: '',
      startedAt: new Date().toISOString(),
      config: cfg,
      history: {},
      epochSeconds: [],
      batchLoss: [],
      batchLossStep: 1,
      status: 'running',
      stoppedEarly: false,
      bestEpoch: null,
      checkpoint: null,
      test: null,
      vocabulary: null,
    };
    store.set((s) => ({ runs: [...s.runs, run], viewedRun: id }));
    setTrain({ state: 'running', progress: null, test: null, status: { key: 'train.preparing' } });
    let testRows = 0;
    stop = new AbortController();
    let pending: number[] = [];
    try {
      const outcome = await client.train(
        { config: cfg, checkpoint: checkpointUrl(id) },
        {
          signal: stop.signal,
          onEvent: (e) => {
            if (e.type === 'data') {
              testRows = e.report.test;
              // Kept from the start: a run cut short (a reload, a crash) can still be probed with its vocabulary.
              if (e.vocabulary !== null) updateRun(store, id, (r) => ({ ...r, vocabulary: e.vocabulary }));
              setTrain({
                status: {
                  key: 'train.split',
                  params: { rows: e.report.train, valRows: e.report.validation },
                },
              });
            } else if (e.type === 'batch') {
              updateRun(store, id, (r) => {
                const next = addBatchLoss(r.batchLoss, r.batchLossStep, pending, e.loss);
                pending = next.pending;
                return { ...r, batchLoss: next.points, batchLossStep: next.step };
              });
              setTrain({
                progress: { epoch: e.epoch, epochs: cfg.epochs, batch: e.batch, batches: e.batches },
                status: {
                  key: 'train.progress',
                  params: {
                    epoch: e.epoch,
                    epochs: cfg.epochs,
                    batch: e.batch,
                    batches: e.batches,
                    loss: num(e.loss),
                    eta: seconds(e.eta),
                  },
                },
              });
            } else if (e.type === 'epoch') {
              if (!('val_loss' in e.logs)) return; // an epoch stopped halfway is not an epoch of the run
              updateRun(store, id, (r) => {
                const history = { ...r.history };
                for (const [key, value] of Object.entries(e.logs))
                  history[key] = [...(history[key] ?? []), value];
                return {
                  ...r,
                  history,
                  bestEpoch: e.bestEpoch,
                  epochSeconds: [...r.epochSeconds, e.seconds],
                };
              });
              setTrain({
                status: {
                  key: 'train.epochDone',
                  params: {
                    epoch: e.epoch,
                    loss: num(e.logs['loss'] ?? Number.NaN),
                    valLoss: num(e.logs['val_loss'] ?? Number.NaN),
                    seconds: seconds(e.seconds),
                    eta: seconds(e.eta),
                  },
                },
              });
            } else if (e.type === 'test') {
              updateRun(store, id, (r) => ({ ...r, test: { loss: e.loss, acc: e.acc } }));
              setTrain({
                test: {
                  key: 'train.testResult',
                  params: { loss: num(e.loss), acc: num(e.acc * 100, 2), reviews: num(testRows, 0) },
                },
              });
            }
          },
        },
      );
      const history = completedEpochs(outcome.history);
      const epochs = metricValues(history, 'val_loss').length;
      const status = outcome.interrupted ? 'stopped' : 'finished';
      updateRun(store, id, (r) => ({
        ...r,
        history,
        status,
        stoppedEarly: outcome.stoppedEarly,
        bestEpoch: outcome.bestEpoch,
        checkpoint: outcome.checkpointSaved ? checkpointUrl(id) : null,
        test: outcome.test ?? r.test,
        vocabulary: outcome.vocabulary,
      }));
      const key = outcome.interrupted
        ? 'train.stopped'
        : outcome.stoppedEarly
          ? 'train.stoppedEarly'
          : 'train.finished';
      setTrain({
        state: status,
        status: { key, params: { epochs, best: outcome.bestEpoch ?? '–', patience: cfg.patience } },
      });
    } catch (error) {
      updateRun(store, id, (r) => ({ ...r, status: 'failed' }));
      setTrain({ state: 'failed', status: null, error: errorMsg('error.train', error) });
    } finally {
      stop = undefined;
    }
  });
  byId('train-stop').addEventListener('click', () => stop?.abort());

  store.subscribe(
    (s) => [s.language, s.activeData, s.texts.report, s.data.report] as const,
    (_, s) => {
      const report = s.texts.report;
      render(
        byId('train-data'),
        s.activeData === 'texts' && report !== null
          ? {
              key: 'train.dataTexts',
              params: {
                name: report.facts.name,
                size: num(report.facts.size, 0),
                classes: report.facts.classes.length,
              },
            }
          : s.activeData === 'imdb'
            ? { key: 'train.dataImdb' }
            : { key: 'train.dataNone' },
      );
      byId('train-data').dataset['data'] = s.activeData ?? '';
    },
  );
  store.subscribe(
    (s) => [s.language, s.train, s.runs, s.viewedRun] as const,
    (_, s) => {
      const { train } = s;
      const status = byId('train-status');
      status.dataset['state'] = train.state;
      render(status, train.status);
      render(byId('train-error'), train.error);
      render(byId('train-test'), train.test);
      byId<HTMLButtonElement>('train-start').disabled = train.state === 'running';
      byId<HTMLButtonElement>('train-stop').disabled = train.state !== 'running';
      const progress = byId<HTMLProgressElement>('train-progress');
      progress.max = train.progress?.batches ?? 1;
      progress.value = train.progress?.batch ?? 0;
      renderCurves(s);
    },
  );
  store.subscribe(
    (s) => s.language,
    () => {
      const selected = modelSelect.value || LESSON_FORM_DEFAULTS.model;
      modelSelect.replaceChildren(
        ...listModels().map(
          (info) =>
            new Option(msg('train.modelOption', { name: info.name, params: num(info.params, 0) }), info.name),
        ),
      );
      modelSelect.value = selected;
    },
  );
}

function renderCurves(s: AppState): void {
  const run = s.runs.find((r) => r.id === s.viewedRun);
  const charts = byId('train-charts');
  charts.hidden = run === undefined;
  if (run === undefined) return;
  const index = s.runs.indexOf(run);
  render(byId('loss-caption'), {
    key: 'train.lossChart',
    params: { run: run.name || `#${index + 1} ${run.config.model}` },
  });
  const h = run.history;
  const best = msg('train.bestEpoch', { epoch: run.bestEpoch ?? '–' });
  const epochAxis = msg('train.epochAxis');
  chart(
    byId('loss-chart'),
    [...runSeries(h, 'loss'), markerSeries(best, metricValues(h, 'val_loss'), run.bestEpoch)],
    {
      x: epochAxis,
      y: msg('train.lossAxis'),
      summary: msg('train.lossChart', { run: run.config.model }),
    },
  );
  chart(
    byId('acc-chart'),
    [...runSeries(h, 'acc'), markerSeries(best, metricValues(h, 'val_acc'), run.bestEpoch)],
    {
      x: epochAxis,
      y: msg('train.accuracy'),
      summary: msg('train.accChart'),
    },
  );
  chart(byId('batch-chart'), [{ name: 'loss', values: run.batchLoss }], {
    x:
      run.batchLossStep === 1
        ? msg('train.batchAxisOne')
        : msg('train.batchAxis', { step: run.batchLossStep }),
    y: msg('train.lossAxis'),
    summary: msg('train.batchChart'),
  });
}
