// Your own texts: a CSV/TSV/JSONL file (choose its columns) or a folder (picked or dropped), read in the worker;
// the facts `seqlab data --data` prints on screen. The last texts that opened become the training data.
import type { AppContext, AppState } from '../app.js';
import { byId, el, msg, num, render } from '../dom.js';
import { type DroppedEntry, droppedFiles } from '../lib/dropped-folder.js';
import { type OwnTextsSpec, tableColumns, textsError } from '../lib/own-texts.js';
import { formNumWords } from './data.js';

type Chosen =
  | { kind: 'table'; file: File }
  | { kind: 'folder'; name: string; files: { path: string; file: File }[] };

function formMaxlen(): number {
  const v = Number((document.querySelector('input[name=maxlen]') as HTMLInputElement | null)?.value);
  return Number.isInteger(v) && v >= 1 ? v : 100;
}

export function mountTexts({ store, client }: AppContext): void {
  const setTexts = (patch: Partial<AppState['texts']>) =>
    store.set((s) => ({ texts: { ...s.texts, ...patch } }));
  const textColumn = byId<HTMLSelectElement>('texts-text-column');
  const labelColumn = byId<HTMLSelectElement>('texts-label-column');
  const unicode = byId<HTMLInputElement>('texts-unicode');
  let chosen: Chosen | null = null;
  let current: AbortController | undefined;

  /** Opens the chosen texts in the worker; a newer request cancels an older one. */
  async function open(): Promise<void> {
    if (chosen === null) return;
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const name = chosen.kind === 'table' ? chosen.file.name : chosen.name;
    setTexts({ error: null, status: { key: 'texts.reading', params: { name } } });
    const spec: OwnTextsSpec =
      chosen.kind === 'table'
        ? {
            kind: 'table',
            file: chosen.file,
            name: chosen.file.name,
            textColumn: textColumn.value || 'text',
            labelColumn: labelColumn.value || 'label',
          }
        : { kind: 'folder', files: chosen.files };
    try {
      const report = await client.call(
        'openTexts',
        { spec, numWords: formNumWords(), maxlen: formMaxlen(), unicode: unicode.checked },
        { signal: controller.signal },
      );
      store.set((s) => ({
        activeData: 'texts',
        texts: { ...s.texts, report, error: null, status: { key: 'texts.ready', params: { name } } },
      }));
    } catch (error) {
      if ((error as { name?: string }).name === 'AbortError') return;
      // Texts that failed are not training data: the last good ones are dropped too, so nothing stale is used.
      store.set((s) => ({
        activeData: s.activeData === 'texts' ? null : s.activeData,
        texts: { ...s.texts, report: null, status: null, error: textsError(error) },
      }));
    }
  }

  async function chooseTable(file: File): Promise<void> {
    const columns = await tableColumns(file, file.name);
    const options = (select: HTMLSelectElement, value: string) => {
      select.replaceChildren(...(columns?.columns ?? []).map((c) => new Option(c, c)));
      select.value = value;
    };
    options(textColumn, columns?.textColumn ?? '');
    options(labelColumn, columns?.labelColumn ?? '');
    setTexts({ columns });
    chosen = { kind: 'table', file };
    await open();
  }

  function chooseFolder(name: string, files: { path: string; file: File }[]): Promise<void> {
    setTexts({ columns: null });
    chosen = { kind: 'folder', name, files };
    return open();
  }

  const fileInput = byId<HTMLInputElement>('texts-file');
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file !== undefined) void chooseTable(file);
    fileInput.value = '';
  });
  const folderInput = byId<HTMLInputElement>('texts-folder');
  folderInput.addEventListener('change', () => {
    const files = [...(folderInput.files ?? [])].map((file) => ({ path: file.webkitRelativePath, file }));
    void chooseFolder(files[0]?.path.split('/')[0] ?? '', files);
    folderInput.value = '';
  });
  const drop = byId('texts-drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.stopPropagation(); // the imdb.npz drop zone around it is not the target
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    event.stopPropagation(); // not also an imdb.npz for the Data drop zone around it
    drop.classList.remove('over');
    const item = [...(event.dataTransfer?.items ?? [])].find((i) => i.kind === 'file');
    const entry = item?.webkitGetAsEntry?.() ?? null;
    if (entry?.isDirectory) {
      void droppedFiles(entry as unknown as DroppedEntry).then(
        (files) => chooseFolder(entry.name, files),
        (error) => setTexts({ status: null, error: textsError(error) }),
      );
      return;
    }
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void chooseTable(file);
  });
  for (const control of [textColumn, labelColumn, unicode])
    control.addEventListener('change', () => void open());
  // The coverage and the maxlen fact follow the Train form's num_words and maxlen.
  for (const name of ['numWords', 'maxlen']) {
    document.querySelector(`input[name=${name}]`)?.addEventListener('change', () => {
      if (store.get().texts.report !== null) void open();
    });
  }

  store.subscribe(
    (s) => [s.language, s.texts] as const,
    (_, s) => {
      render(byId('texts-status'), s.texts.status);
      render(byId('texts-error'), s.texts.error);
      byId('texts-columns').hidden = s.texts.columns === null;
      renderFacts(s);
    },
  );
}

function percent(fraction: number): string {
  return `${num(fraction * 100, 1)} %`;
}

function renderFacts(s: AppState): void {
  const factsEl = byId('texts-facts');
  const report = s.texts.report;
  if (report === null) {
    factsEl.hidden = true;
    factsEl.replaceChildren();
    return;
  }
  const { facts, coverage, fitMaxlen, sample } = report;
  const w = facts.words;
  const rows: [string, Record<string, string | number>, string, string?][] = [
    ['texts.facts.source', {}, facts.name],
    [
      'texts.facts.size',
      {},
      msg('texts.facts.sizeValue', { size: num(facts.size, 0), mb: num(facts.bytes / 1e6, 2) }),
    ],
    [
      'texts.facts.classes',
      { classes: facts.classes.length },
      facts.classes
        .map((c) =>
          msg('texts.facts.classValue', {
            name: c.name,
            count: num(c.count, 0),
            share: percent(c.count / facts.size),
          }),
        )
        .join(' · '),
      'classes',
    ],
    [
      'texts.facts.words',
      {},
      msg('texts.facts.wordsValue', {
        min: w.min,
        p25: num(w.p25, 1),
        median: num(w.p50, 1),
        p75: num(w.p75, 1),
        p90: num(w.p90, 1),
        p99: num(w.p99, 1),
        max: w.max,
      }),
    ],
    ['texts.facts.fit', { maxlen: fitMaxlen.maxlen }, percent(fitMaxlen.fraction), 'fit'],
    [
      'texts.facts.coverage',
      { numWords: coverage.numWords },
      msg('texts.facts.coverageValue', {
        kept: num(Math.max(0, coverage.vocabularySize - 2), 0),
        share: percent(coverage.fraction),
        tokens: num(coverage.tokens, 0),
      }),
      'coverage',
    ],
    ['texts.facts.sample', { label: sample.label }, sample.text, 'sample'],
  ];
  factsEl.replaceChildren(
    ...rows.flatMap(([key, params, value, cls]) => {
      const dd = el('dd', { textContent: value });
      if (cls) dd.className = cls;
      if (cls === 'sample') dd.tabIndex = 0; // it scrolls: keyboard users must reach it
      return [el('dt', { textContent: msg(key, params) }), dd];
    }),
  );
  factsEl.hidden = false;
  factsEl.dataset['size'] = String(facts.size);
  factsEl.dataset['classes'] = JSON.stringify(facts.classes.map((c) => [c.name, c.count]));
  factsEl.dataset['coverage'] = String(coverage.fraction);
}
