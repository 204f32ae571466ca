// The header: which tfjs backend runs in the page and in the worker, and the language switch.
import type { AppContext } from '../app.js';
import { byId, errorMsg, render, setLanguage } from '../dom.js';
import type { Language } from '../lib/i18n.js';
import type { RuntimeInfo } from '../lib/protocol.js';

export function mountRuntime({ store, client, pageReady }: AppContext): void {
  const select = byId<HTMLSelectElement>('language');
  select.addEventListener('change', () => store.set({ language: select.value as Language }));
  store.subscribe(
    (s) => s.language,
    (language) => {
      setLanguage(language);
      select.value = language;
    },
  );
  const setRuntime = (
    patch: Partial<{ page: RuntimeInfo; worker: RuntimeInfo; error: ReturnType<typeof errorMsg> }>,
  ) => store.set((s) => ({ runtime: { ...s.runtime, ...patch } }));
  pageReady.then(
    (info) => setRuntime({ page: info as RuntimeInfo }),
    (error: unknown) => setRuntime({ error: errorMsg('error.wasm', error) }),
  );
  client.init().then(
    (info) => setRuntime({ worker: info }),
    (error: unknown) => setRuntime({ error: errorMsg('error.wasm', error) }),
  );

  const el = byId('runtime');
  store.subscribe(
    (s) => [s.language, s.runtime] as const,
    (_, s) => {
      const { page, worker, error } = s.runtime;
      render(byId('runtime-error'), error);
      if (page === null) return render(el, { key: 'runtime.starting' });
      const yes = (b: boolean) => ({ key: b ? 'runtime.yes' : 'runtime.no' });
      el.dataset['backend'] = page.backend;
      el.dataset['simd'] = String(page.simd);
      el.dataset['threads'] = String(page.threads);
      el.dataset['workerBackend'] = worker?.backend ?? '';
      el.dataset['threadedBinary'] = String(page.threadedBinary);
      el.dataset['workerSimd'] = worker ? String(worker.simd) : '';
      el.dataset['workerThreads'] = worker ? String(worker.threads) : '';
      el.dataset['workerThreadedBinary'] = worker ? String(worker.threadedBinary) : '';
      el.dataset['workerFrames'] = worker?.frames ?? '';
      render(el, {
        key: 'runtime.summary',
        params: {
          backend: page.backend,
          simd: yes(page.simd),
          threads: page.threads,
          worker: worker ? `${worker.backend}${worker.simd ? ' + SIMD' : ''} × ${worker.threads}` : '…',
          isolated: { key: crossOriginIsolated ? 'runtime.isolated' : 'runtime.notIsolated' },
        },
      });
    },
  );
}
