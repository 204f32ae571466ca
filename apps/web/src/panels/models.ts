// Models: import a CLI-trained model or a Keras file (.h5, .keras), export (tfjs or Keras) or remove the selected one.
import { encodeKerasModel, inspectKerasModel, loadKerasModel } from '@seqlab/models';
import * as tf from '@tensorflow/tfjs-core';
import { type AppContext, type AppState, IMPORTED_PREFIX, PRETRAINED, runLabel } from '../app.js';
import { byId, errorMsg, msg, render } from '../dom.js';
import { KerasShapeError, kerasModelName, kerasProbeShape } from '../lib/keras-file.js';
import { exportName } from '../lib/runs.js';
import { modelEntries } from '../model-list.js';
import { forgetProbeModel, loadProbeModel, rememberProbeModel } from '../probe-models.js';

/** The selected model's name in export file names. */
function exportLabel(s: AppState): string {
  const run = s.runs.find((r) => r.checkpoint === s.probeModel);
  const imported = s.imported.find((i) => i.url === s.probeModel);
  return run ? `run ${runLabel(s.runs, run)}` : imported ? imported.name : 'pretrained-lstm';
}

/** Hands `bytes` to the browser as a download called `name`. */
function download(bytes: Uint8Array, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

/**
 * A run on your own texts is only usable with its vocabulary: its export also downloads `<name>.vectorizer.json`
 * (`textVectorizationFromJSON` reads it) and `<name>.classes.json` (class names in label order). Returns whether it did.
 */
function downloadVocabulary(s: AppState, name: string): boolean {
  const vocabulary = s.runs.find((r) => r.checkpoint === s.probeModel)?.vocabulary;
  if (!vocabulary) return false;
  const encode = (text: string) => new TextEncoder().encode(text);
  download(encode(vocabulary.vectorizer), `${name}.vectorizer.json`);
  download(encode(`${JSON.stringify(vocabulary.classNames)}\n`), `${name}.classes.json`);
  return true;
}

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

  // A Keras file (chosen or dropped onto the button): inspected, loaded, kept in IndexedDB like other imports.
  const kerasInput = byId<HTMLInputElement>('model-import-keras');
  const ask = byId<HTMLFormElement>('keras-ask');
  const askMaxlen = byId<HTMLInputElement>('keras-maxlen');
  /** The file waiting for the user's maxlen (its input is `[null, null]`). */
  let pending: File | null = null;
  ask.addEventListener('submit', (event) => {
    event.preventDefault();
    if (pending !== null) void openKeras(pending, askMaxlen.valueAsNumber);
  });

  async function openKeras(file: File, maxlen?: number): Promise<void> {
    pending = null;
    ask.hidden = true;
    setModels({ status: { key: 'models.opening', params: { name: file.name } }, error: null });
    try {
      await pageReady;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const info = await inspectKerasModel(bytes, { name: file.name });
      const shape = kerasProbeShape(info, { maxlen });
      const model = await loadKerasModel(bytes, { name: file.name });
      if (shape.maxlen !== info.maxlen) model.setUserDefinedMetadata({ seqlab: { maxlen: shape.maxlen } });
      const name = kerasModelName(file.name);
      const url = `${IMPORTED_PREFIX}${name}-${Date.now().toString(36)}`;
      try {
        await model.save(url);
      } catch (error) {
        model.dispose();
        throw error;
      }
      rememberProbeModel(url, { model, ...shape });
      store.set((s) => ({ imported: [...s.imported, { url, name }], probeModel: url }));
      setModels({
        status: {
          key: 'models.importedKeras',
          params: {
            name: file.name,
            version: info.kerasVersion ?? '?',
            numWords: shape.numWords,
            maxlen: shape.maxlen,
            input: { key: `models.input.${shape.inputKind}` },
          },
        },
      });
    } catch (error) {
      if (error instanceof KerasShapeError && error.needsMaxlen) {
        pending = file;
        ask.hidden = false;
      }
      setModels({
        status: null,
        error:
          error instanceof KerasShapeError
            ? {
                key: error.needsMaxlen ? 'error.kerasMaxlen' : 'error.kerasShape',
                params: { name: file.name, shape: error.shape },
              }
            : {
                key: 'error.keras',
                params: { name: file.name, detail: error instanceof Error ? error.message : String(error) },
              },
      });
    }
  }
  kerasInput.addEventListener('change', () => {
    const file = kerasInput.files?.[0];
    kerasInput.value = '';
    if (file !== undefined) void openKeras(file);
  });
  const kerasTarget = kerasInput.closest('label') ?? kerasInput;
  kerasTarget.addEventListener('dragover', (event) => event.preventDefault());
  kerasTarget.addEventListener('drop', (event) => {
    event.preventDefault();
    const file = (event as DragEvent).dataTransfer?.files[0];
    if (file !== undefined) void openKeras(file);
  });

  for (const format of ['keras', 'h5'] as const) {
    byId(`model-export-${format}`).addEventListener('click', async () => {
      setModels({ status: { key: 'models.exporting' }, error: null });
      const s = store.get();
      try {
        await pageReady;
        const probe = await loadProbeModel(s.probeModel);
        const bytes = await encodeKerasModel(probe.model, format);
        const base = exportName(exportLabel(s), new Date());
        const name = `${base}.${format}`;
        download(bytes, name);
        const texts = downloadVocabulary(s, base);
        setModels({
          status: texts
            ? { key: 'models.exportedTexts', params: { name, base } }
            : { key: 'models.exportedKeras', params: { name } },
        });
      } catch (error) {
        setModels({ status: null, error: errorMsg('error.model', error) });
      }
    });
  }

  byId('model-export').addEventListener('click', async () => {
    setModels({ status: null, error: null });
    const s = store.get();
    const label = exportLabel(s);
    try {
      await pageReady;
      const probe = await loadProbeModel(s.probeModel);
      const name = exportName(label, new Date());
      await probe.model.save(`downloads://${name}`);
      const texts = downloadVocabulary(s, name);
      setModels({
        status: texts
          ? { key: 'models.exportedTexts', params: { name: `${name}.json, ${name}.weights.bin`, base: name } }
          : { key: 'models.exported', params: { name } },
      });
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
