// Data: imdb.npz from the server, a URL, a file or this browser's cache, handed to the worker; facts on screen.
import { imdb } from '@seqlab/datasets';
import type { AppContext, AppState } from '../app.js';
import { byId, el, errorMsg, type Msg, msg, num, render } from '../dom.js';
import * as idb from '../lib/idb.js';
import { useWordIndexFile, WORD_INDEX_KEY, wordIndex } from '../word-index.js';

const NPZ_KEY = 'imdb.npz';
type Source = NonNullable<AppState['data']['source']>;

async function fetchBytes(url: string, progress: (m: Msg) => void): Promise<ArrayBuffer> {
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
    throw new Error(`${url} answered HTTP ${response.status}; expected 200 with imdb.npz${detail}`);
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
    progress({
      key: 'data.downloaded',
      params: { loaded: `${num(loaded / 1e6, 1)} MB`, total: `${num(total / 1e6, 1)} MB` },
    });
  }
  if (loaded !== total)
    throw new Error(`received ${loaded} of ${total} bytes from ${url}; the download was cut off`);
  return out.buffer;
}

function isZip(bytes: ArrayBuffer): boolean {
  const b = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** The num_words the Train form asks for now. */
export function formNumWords(): number {
  const v = Number((document.querySelector('input[name=numWords]') as HTMLInputElement | null)?.value);
  return Number.isInteger(v) && v >= 3 ? v : 500;
}

export function mountData({ store, client }: AppContext): void {
  const setData = (patch: Partial<AppState['data']>) => store.set((s) => ({ data: { ...s.data, ...patch } }));
  let current: AbortController | undefined;

  /** Reads npz bytes into the worker; a newer load cancels an older one. Only fresh bytes are written to the cache. */
  async function load(what: () => Promise<ArrayBuffer>, source: Source, label: string): Promise<void> {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const progress = (m: Msg) => {
      if (current === controller) setData({ status: m });
    };
    setData({ error: null, status: { key: 'data.loading', params: { what: label } } });
    let bytes: ArrayBuffer;
    try {
      bytes = await what();
      if (!isZip(bytes))
        throw new Error(
          `expected a zip archive (.npz) starting with "PK"; got ${bytes.byteLength} bytes of something else`,
        );
    } catch (error) {
      if (current === controller) setData({ status: null, error: errorMsg('error.badFile', error) });
      return;
    }
    const copy = source === 'cache' ? undefined : bytes.slice(0);
    progress({ key: 'data.parsing' });
    try {
      const report = await client.loadData(bytes, formNumWords(), controller.signal);
      store.set((s) => ({
        activeData: 'imdb',
        data: {
          ...s.data,
          report,
          source,
          status: { key: 'data.ready', params: { source: { key: `data.source.${source}` } } },
        },
      }));
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') return;
      setData({ status: null, error: errorMsg('error.badFile', error) });
      return;
    }
    if (copy !== undefined)
      await idb.put('files', NPZ_KEY, copy).catch((e) => setData({ error: errorMsg('error.storage', e) }));
    try {
      await wordIndex();
      setData({ wordIndex: true });
    } catch (error) {
      setData({ error: errorMsg('error.wordIndex', error) });
    }
  }

  const base = import.meta.env.BASE_URL;
  byId('data-server').addEventListener('click', () => {
    void load(() => fetchBytes(`${base}data/imdb.npz`, (m) => setData({ status: m })), 'server', 'imdb.npz');
  });
  byId('data-url-load').addEventListener('click', () => {
    const input = byId<HTMLInputElement>('data-url');
    const url = input.value.trim();
    if (url === '') return input.focus();
    void load(() => fetchBytes(url, (m) => setData({ status: m })), 'url', url);
  });
  async function openFiles(files: readonly File[]): Promise<void> {
    setData({ error: null });
    for (const file of files.filter((f) => f.name.endsWith('.json'))) {
      try {
        await useWordIndexFile(file);
        setData({ wordIndex: true });
      } catch (error) {
        setData({ error: errorMsg('error.wordIndex', error) });
      }
    }
    const npz = files.find((f) => !f.name.endsWith('.json'));
    if (npz !== undefined) await load(() => npz.arrayBuffer(), 'file', npz.name);
  }
  const fileInput = byId<HTMLInputElement>('data-file');
  fileInput.addEventListener('change', () => {
    void openFiles([...(fileInput.files ?? [])]);
    fileInput.value = '';
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
    try {
      await Promise.all([idb.remove('files', NPZ_KEY), idb.remove('files', WORD_INDEX_KEY)]);
      setData({ status: { key: 'data.cleared' } });
    } catch (error) {
      setData({ error: errorMsg('error.storage', error) });
    }
  });

  // The OOV share depends on num_words: recompute it when the form's value changes (the latest request wins).
  let factsRequest: AbortController | undefined;
  document.querySelector('input[name=numWords]')?.addEventListener('change', async () => {
    const numWords = formNumWords();
    if (store.get().data.report === null || store.get().data.report?.numWords === numWords) return;
    factsRequest?.abort();
    factsRequest = new AbortController();
    try {
      const report = await client.facts(numWords, factsRequest.signal);
      setData({ report });
    } catch (error) {
      if ((error as { name?: string }).name !== 'AbortError')
        setData({ error: errorMsg('error.badFile', error) });
    }
  });

  store.subscribe(
    (s) => [s.language, s.data] as const,
    (_, s) => {
      render(byId('data-status'), s.data.status);
      render(byId('data-error'), s.data.error);
      renderFacts(s);
    },
  );

  async function restore(): Promise<void> {
    const cached = await idb.get<ArrayBuffer>('files', NPZ_KEY).catch(() => undefined);
    if (cached !== undefined) await load(async () => cached, 'cache', 'imdb.npz');
  }
  void restore();
}

let sampleText: { ids: number[]; text: string } | undefined;
function renderFacts(s: AppState): void {
  const factsEl = byId('facts');
  const report = s.data.report;
  if (report === null) {
    factsEl.hidden = true;
    return;
  }
  const { facts, sample } = report;
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
    ['facts.oov', `${num(facts.oovRate * 100, 1)} %`, { numWords: report.numWords }, 'oov'],
  ];
  if (s.data.wordIndex) {
    if (sampleText?.ids !== sample.ids) {
      sampleText = { ids: sample.ids, text: '…' };
      void wordIndex().then((index) => {
        if (sampleText?.ids === sample.ids) {
          sampleText.text = imdb.decode(sample.ids, index);
          renderFacts(s);
        }
      });
    }
    rows.push(['facts.sample', sampleText.text, { label: sample.label }, 'sample']);
  }
  factsEl.replaceChildren(
    ...rows.flatMap(([key, value, params, cls]) => {
      const dd = el('dd', { textContent: value });
      if (cls) dd.className = cls;
      if (cls === 'sample') dd.tabIndex = 0; // it scrolls: keyboard users must reach it
      return [el('dt', { textContent: msg(key, params) }), dd];
    }),
  );
  factsEl.hidden = false;
  factsEl.dataset['trainSize'] = String(facts.trainSize);
  factsEl.dataset['source'] = s.data.source ?? '';
  factsEl.dataset['numWords'] = String(report.numWords);
}
