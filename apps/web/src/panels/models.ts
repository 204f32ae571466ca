// Models: import a CLI-trained model, export or remove the selected one.
import * as tf from '@tensorflow/tfjs-core';
import { type AppContext, IMPORTED_PREFIX, PRETRAINED, runLabel } from '../app.js';
import { byId, errorMsg, msg, render } from '../dom.js';
import { exportName } from '../lib/runs.js';
import { modelEntries } from '../model-list.js';
import { forgetProbeModel, loadProbeModel } from '../probe-models.js';

export function mountModels({ store, pageReady }: AppContext): void {
  const importInput = byId<HTMLInputElement>('model-import');
  const setModels = (patch: { status?: unknown; error?: unknown }) =>
    store.set((s) => ({ models: { ...s.models, ...patch } as typeof s.models }));

  store.subscribe(
    (s) => [s.language, s.models, s.probeModel, s.runs, s.imported] as const,
    (_, s) => {
      render(byId('models-status'), s.models.status);
      render(byId('models-error'), s.models.error);
      const entry = modelEntries(s).find((e) => e.key === s.probeModel);
      render(
        byId('models-selected'),
        entry ? { key: 'models.selected', params: { name: entry.label } } : null,
      );
      const remove = byId<HTMLButtonElement>('model-remove');
      remove.disabled = entry === undefined || entry.kind === 'pretrained';
      byId('models').dataset['selectedKind'] = entry?.kind ?? '';
    },
  );

  importInput.addEventListener('change', async () => {
    setModels({ status: null, error: null });
    const files = [...(importInput.files ?? [])];
    importInput.value = '';
    const json = files.find((f) => f.name.endsWith('.json'));
    const weights = files.filter((f) => f !== json);
    try {
      if (json === undefined || weights.length === 0)
        throw new Error(`got ${files.map((f) => f.name).join(', ') || 'no files'}`);
      await pageReady;
      const name = json.name.replace(/\.json$/, '');
      const url = `${IMPORTED_PREFIX}${name}-${Date.now().toString(36)}`;
      const probe = await loadProbeModel(url, tf.io.browserFiles([json, ...weights]));
      await probe.model.save(url);
      store.set((s) => ({ imported: [...s.imported, { url, name }], probeModel: url }));
      setModels({
        status: { key: 'models.imported', params: { name, numWords: probe.numWords, maxlen: probe.maxlen } },
      });
    } catch (error) {
      setModels({ error: errorMsg('error.import', error) });
    }
  });

  byId('model-export').addEventListener('click', async () => {
    setModels({ status: null, error: null });
    const s = store.get();
    const run = s.runs.find((r) => r.checkpoint === s.probeModel);
    const imported = s.imported.find((i) => i.url === s.probeModel);
    const label = run ? `run ${runLabel(s.runs, run)}` : imported ? imported.name : 'pretrained-lstm';
    try {
      await pageReady;
      const probe = await loadProbeModel(s.probeModel);
      const name = exportName(label, new Date());
      await probe.model.save(`downloads://${name}`);
      setModels({ status: { key: 'models.exported', params: { name } } });
    } catch (error) {
      setModels({ error: errorMsg('error.model', error) });
    }
  });

  byId('model-remove').addEventListener('click', async () => {
    setModels({ status: null, error: null });
    const s = store.get();
    const entry = modelEntries(s).find((e) => e.key === s.probeModel);
    if (entry === undefined || entry.kind === 'pretrained') return;
    try {
      forgetProbeModel(entry.key);
      await tf.io.removeModel(entry.key);
    } catch (error) {
      setModels({ error: errorMsg('error.storage', error) });
    }
    store.set((state) => ({
      imported: state.imported.filter((i) => i.url !== entry.key),
      runs: state.runs.map((r) => (r.checkpoint === entry.key ? { ...r, checkpoint: null } : r)),
      probeModel: PRETRAINED,
    }));
    setModels({
      status: { key: 'models.removed', params: { name: msg(entry.label.key, entry.label.params) } },
    });
  });
}
