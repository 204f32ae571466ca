// Probe: a review in, P(positive) after each word out — as text, as colours, and as a line over the words.
import type { AppContext, AppState, ProbeResult } from '../app.js';
import { chart } from '../chart.js';
import { byId, el, errorMsg, msg, num, render } from '../dom.js';
import { labelOf, probeSummary, tokenizeReview } from '../lib/probe.js';
import { modelEntries } from '../model-list.js';
import { loadProbeModel, predictPrefixes } from '../probe-models.js';
import { wordIndex } from '../word-index.js';

function probeColor(p: number): string {
  // red (negative) → white → blue (positive), light enough for dark text at every value (WCAG AA contrast)
  const d = Math.abs(p - 0.5) * 2 * 0.6;
  const [r, g, b] = p >= 0.5 ? [31, 95, 200] : [196, 40, 40];
  const mix = (c: number) => Math.round(255 + (c - 255) * d);
  return `rgb(${mix(r)} ${mix(g)} ${mix(b)})`;
}

export function mountProbe({ store, pageReady }: AppContext): void {
  const select = byId<HTMLSelectElement>('probe-model');
  const text = byId<HTMLTextAreaElement>('probe-text');
  const button = byId<HTMLButtonElement>('probe-run');
  const words = byId<HTMLOListElement>('probe-words');
  const details = byId('probe-details');
  const setProbe = (patch: Partial<AppState['probe']>) =>
    store.set((s) => ({ probe: { ...s.probe, ...patch } }));

  store.subscribe(
    (s) => [s.language, s.runs, s.imported, s.probeModel] as const,
    (_, s) => {
      const options = modelEntries(s).map((e) => new Option(msg(e.label.key, e.label.params), e.key));
      select.replaceChildren(...options);
      select.value = s.probeModel;
    },
  );
  select.addEventListener('change', () => store.set({ probeModel: select.value }));

  let run = 0;
  let shown: ProbeResult['tokens'] | null = null;
  let filled = 0;
  async function predict(): Promise<void> {
    const id = ++run;
    const review = text.value.trim();
    // Every prediction starts from a clean slate: no old result, trace, warning or status stays behind.
    setProbe({ status: null, error: null, warning: null, result: null, busy: true });
    if (review === '') {
      setProbe({ error: { key: 'probe.empty' }, busy: false });
      text.focus();
      return;
    }
    const modelKey = store.get().probeModel;
    try {
      setProbe({ status: { key: 'probe.loading' } });
      await pageReady;
      const [probe, index] = await Promise.all([loadProbeModel(modelKey), wordIndex()]);
      if (id !== run) return;
      const tokens = tokenizeReview(review, index, { numWords: probe.numWords });
      if (tokens.length === 0) {
        setProbe({ status: null, error: { key: 'probe.noWords' }, busy: false });
        return;
      }
      const summary = probeSummary(tokens, probe.maxlen);
      const base: ProbeResult = {
        modelKey,
        tokens,
        probs: [],
        maxlen: probe.maxlen,
        numWords: probe.numWords,
      };
      setProbe({
        status: null,
        result: base,
        warning:
          summary.warning === null
            ? null
            : {
                key: summary.warning === 'none' ? 'probe.noneKnown' : 'probe.fewKnown',
                params: { known: summary.known, words: summary.words, numWords: probe.numWords },
              },
      });
      await predictPrefixes(probe, tokens, {
        onChunk: (probs) => {
          if (id === run) setProbe({ result: { ...base, probs } });
        },
      });
      if (id === run) setProbe({ busy: false });
    } catch (error) {
      if (id === run) setProbe({ status: null, error: errorMsg('error.model', error), busy: false });
    }
  }
  button.addEventListener('click', () => void predict());
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void predict();
  });

  store.subscribe(
    (s) => [s.language, s.probe] as const,
    (_, s) => {
      const { probe } = s;
      render(byId('probe-error'), probe.error);
      render(byId('probe-warning'), probe.warning);
      const resultEl = byId('probe-result');
      const result = probe.result;
      const final = result?.probs.length === result?.tokens.length ? result?.probs.at(-1) : undefined;
      if (result !== null && final !== undefined) {
        resultEl.dataset['probability'] = String(final);
        render(resultEl, {
          key: 'probe.result',
          params: { p: num(final, 3), label: { key: `probe.label.${labelOf(final)}` } },
        });
      } else {
        delete resultEl.dataset['probability'];
        render(
          resultEl,
          result !== null
            ? { key: 'probe.progress', params: { done: result.probs.length, words: result.tokens.length } }
            : probe.status,
        );
      }
      renderWords(result, s);
      button.disabled = probe.busy;
    },
  );

  function renderWords(result: ProbeResult | null, s: AppState): void {
    details.hidden = result === null;
    if (result === null) {
      shown = null;
      words.replaceChildren();
      return;
    }
    const summary = probeSummary(result.tokens, result.maxlen);
    if (shown !== result.tokens || words.dataset['language'] !== s.language) {
      shown = result.tokens;
      filled = 0;
      words.dataset['language'] = s.language;
      words.replaceChildren();
      render(
        byId('probe-window'),
        summary.windowStart > 0
          ? {
              key: 'probe.window',
              params: { maxlen: result.maxlen, first: summary.windowStart + 1, words: summary.words },
            }
          : { key: 'probe.windowAll', params: { maxlen: result.maxlen } },
      );
    }
    // Words appear as their values arrive, a chunk at a time, so a long review never lays out 5,000 items at once.
    const fragment = document.createDocumentFragment();
    for (let i = filled; i < result.probs.length; i++) {
      const token = result.tokens[i]!;
      const p = result.probs[i]!;
      const li = el('li', { className: `word ${token.status}${i < summary.windowStart ? ' outside' : ''}` });
      const note =
        token.status === 'in' ? '' : ` (${msg(token.status === 'oov' ? 'probe.oov' : 'probe.unknown')})`;
      li.append(
        el('span', { className: 'w', textContent: token.word }),
        el('span', { className: 'sr-only', textContent: note }),
        el('span', { className: 'p', textContent: num(p, 2) }),
      );
      li.style.background = probeColor(p);
      li.dataset['p'] = p.toFixed(4);
      fragment.append(li);
    }
    words.append(fragment);
    filled = result.probs.length;
    if (result.probs.length === result.tokens.length) {
      const probs = result.probs;
      chart(
        byId('probe-chart'),
        [
          { name: msg('probe.series'), values: probs },
          { name: '0.5', values: probs.map(() => 0.5) },
          ...(summary.windowStart > 0
            ? [
                {
                  name: msg('probe.seriesWindow', { maxlen: result.maxlen }),
                  values: probs.map((p, i) => (i >= summary.windowStart ? p : Number.NaN)),
                },
              ]
            : []),
        ],
        { x: msg('probe.wordAxis'), y: msg('probe.pAxis'), summary: msg('probe.chart') },
      );
    }
  }
}
