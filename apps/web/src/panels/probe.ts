// Probe: a review in, P(positive) after each word out — as text, as colours, and as a line over the words.
// A run on your own texts reads the text through its saved vectorizer and shows its own classes.
import { type TextVectorization, textVectorizationFromJSON } from '@seqlab/sequence';
import type { AppContext, AppState, ProbeResult } from '../app.js';
import { chart } from '../chart.js';
import { byId, el, errorMsg, msg, num, render } from '../dom.js';
import {
  labelOf,
  type ProbeToken,
  predictedClass,
  probeSummary,
  tokenizeReview,
  vectorizerTokens,
} from '../lib/probe.js';
import type { RunRecord } from '../lib/runs.js';
import { modelEntries } from '../model-list.js';
import { loadProbeModel, predictPrefixes } from '../probe-models.js';
import { wordIndex } from '../word-index.js';

const vectorizers = new Map<string, TextVectorization>();
/** The run's saved vectorizer, read once. */
function vectorizerOf(run: RunRecord): TextVectorization {
  let vectorizer = vectorizers.get(run.id);
  if (vectorizer === undefined) {
    vectorizer = textVectorizationFromJSON(run.vocabulary!.vectorizer) as TextVectorization;
    vectorizers.set(run.id, vectorizer);
  }
  return vectorizer;
}

/** The `outputs` values of word `i`. */
function rowOf(result: ProbeResult, i: number): number[] {
  return result.probs.slice(i * result.outputs, (i + 1) * result.outputs);
}

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
      const ownRun = store.get().runs.find((r) => r.checkpoint === modelKey && r.config.texts !== undefined);
      if (ownRun !== undefined && !ownRun.vocabulary) {
        setProbe({ status: null, error: { key: 'probe.noVocabulary' }, busy: false });
        return;
      }
      const own = ownRun?.vocabulary ? { run: ownRun, classNames: ownRun.vocabulary.classNames } : null;
      let tokens: ProbeToken[];
      const probe = await loadProbeModel(modelKey);
      if (own !== null) tokens = vectorizerTokens(vectorizerOf(own.run), review);
      else tokens = tokenizeReview(review, await wordIndex(), { numWords: probe.numWords });
      if (id !== run) return;
      if (tokens.length === 0) {
        setProbe({ status: null, error: { key: 'probe.noWords' }, busy: false });
        return;
      }
      const summary = probeSummary(tokens, probe.maxlen, own === null);
      const outputs = (probe.model.outputs[0]?.shape.at(-1) as number | undefined) ?? 1;
      const base: ProbeResult = {
        modelKey,
        tokens,
        probs: [],
        maxlen: probe.maxlen,
        numWords: probe.numWords,
        classNames: own?.classNames ?? null,
        outputs,
      };
      const noneKey = own === null ? 'probe.noneKnown' : 'probe.noneKnownTexts';
      setProbe({
        status: null,
        result: base,
        warning:
          summary.warning === null
            ? null
            : {
                key: summary.warning === 'none' ? noneKey : 'probe.fewKnown',
                params: { known: summary.known, words: summary.words, numWords: probe.numWords },
              },
      });
      await predictPrefixes(probe, tokens, {
        startChar: own === null ? 1 : null,
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
      const classesEl = byId('probe-classes');
      const result = probe.result;
      const done = result !== null && result.probs.length === result.tokens.length * result.outputs;
      classesEl.hidden = true;
      if (result !== null && done) {
        const last = rowOf(result, result.tokens.length - 1);
        const best = predictedClass(last);
        const names = result.classNames;
        // Binary: P(class 1), as for IMDB; softmax: the probability of the class it predicts.
        const final = last.length === 1 ? last[0]! : last[best]!;
        resultEl.dataset['probability'] = String(final);
        resultEl.dataset['label'] = names?.[best] ?? labelOf(final);
        if (names === null) {
          render(resultEl, {
            key: 'probe.result',
            params: { p: num(final, 3), label: { key: `probe.label.${labelOf(final)}` } },
          });
        } else {
          render(resultEl, {
            key: 'probe.resultClass',
            params: {
              name: last.length === 1 ? (names[1] ?? '1') : (names[best] ?? String(best)),
              p: num(final, 3),
              label: names[best] ?? String(best),
            },
          });
          const probs = last.length === 1 ? [1 - last[0]!, last[0]!] : last;
          classesEl.replaceChildren(
            ...probs.map((p, c) => {
              const li = el('li', {
                textContent: msg('probe.classValue', { name: names[c] ?? String(c), p: num(p, 3) }),
              });
              li.dataset['p'] = String(p);
              return li;
            }),
          );
          classesEl.hidden = false;
        }
      } else {
        delete resultEl.dataset['probability'];
        delete resultEl.dataset['label'];
        render(
          resultEl,
          result !== null
            ? {
                key: 'probe.progress',
                params: { done: result.probs.length / result.outputs, words: result.tokens.length },
              }
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
    const summary = probeSummary(result.tokens, result.maxlen, result.classNames === null);
    const words_ = result.probs.length / result.outputs;
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
    for (let i = filled; i < words_; i++) {
      const token = result.tokens[i]!;
      const row = rowOf(result, i);
      const best = predictedClass(row);
      // Binary: P(class 1) as a colour; softmax: the probability of the leading class, with its name.
      const p = row.length === 1 ? row[0]! : row[best]!;
      const li = el('li', { className: `word ${token.status}${i < summary.windowStart ? ' outside' : ''}` });
      const note =
        token.status === 'in' ? '' : ` (${msg(token.status === 'oov' ? 'probe.oov' : 'probe.unknown')})`;
      const value = row.length === 1 ? num(p, 2) : `${result.classNames?.[best] ?? best} ${num(p, 2)}`;
      li.append(
        el('span', { className: 'w', textContent: token.word }),
        el('span', { className: 'sr-only', textContent: note }),
        el('span', { className: 'p', textContent: value }),
      );
      if (row.length === 1) li.style.background = probeColor(p);
      li.dataset['p'] = p.toFixed(4);
      fragment.append(li);
    }
    words.append(fragment);
    filled = words_;
    if (words_ === result.tokens.length) {
      const k = result.outputs;
      const names = result.classNames;
      const perClass = (c: number) => result.tokens.map((_, i) => result.probs[i * k + c]!);
      const probs = perClass(0);
      const series =
        k > 1
          ? Array.from({ length: k }, (_, c) => ({
              name: msg('probe.seriesClass', { name: names?.[c] ?? String(c) }),
              values: perClass(c),
            }))
          : [
              {
                name:
                  names === null ? msg('probe.series') : msg('probe.seriesClass', { name: names[1] ?? '1' }),
                values: probs,
              },
            ];
      chart(
        byId('probe-chart'),
        [
          ...series,
          ...(k === 1 ? [{ name: '0.5', values: probs.map(() => 0.5) }] : []),
          ...(k === 1 && summary.windowStart > 0
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
