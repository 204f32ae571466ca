import { expect, test } from 'vitest';
import { type OwnTextsSpec, openOwnTexts, ownTextsReport, textsError } from './own-texts.js';
import type { DataReport, TrainOutcome, WorkerRequest, WorkerResponse } from './protocol.js';
import { LESSON_FORM_DEFAULTS } from './runs.js';
import { WorkerCallError, WorkerClient } from './worker-client.js';
import { type Handlers, serve } from './worker-server.js';

/** Two ends of an in-memory channel that deliver asynchronously, like postMessage. */
function channel() {
  type Listener<T> = (event: MessageEvent<T>) => void;
  const toWorker: Listener<WorkerRequest>[] = [];
  const toPage: Listener<WorkerResponse>[] = [];
  const sent: WorkerRequest[] = [];
  const page = {
    postMessage(message: WorkerRequest) {
      sent.push(message);
      setTimeout(() => {
        for (const l of toWorker) l({ data: message } as MessageEvent<WorkerRequest>);
      });
    },
    addEventListener: (_: 'message', l: Listener<WorkerResponse>) => toPage.push(l),
  };
  const worker = {
    postMessage(message: WorkerResponse) {
      setTimeout(() => {
        for (const l of toPage) l({ data: message } as MessageEvent<WorkerResponse>);
      });
    },
    addEventListener: (_: 'message', l: Listener<WorkerRequest>) => toWorker.push(l),
  };
  return { page, worker, sent };
}

const report = (numWords: number): DataReport => ({
  numWords,
  facts: {
    trainSize: numWords,
    testSize: 0,
    length: { min: 0, max: 0, mean: 0, median: 0 },
    labels: { train: [0, 0], test: [0, 0] },
    oovRate: 0,
  },
  sample: { ids: [], label: 0 },
});
const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(Object.assign(new Error('aborted'), { code: 'ABORTED' }));
    });
  });

function handlers(log: string[]): Handlers {
  return {
    init: async () => ({ backend: 'fake', simd: false, threads: 1, threadedBinary: false }),
    // The first load is slower than the second: answers arrive out of order.
    loadData: async ({ numWords }, { signal }) => {
      await delay(numWords === 500 ? 30 : 5, signal);
      log.push(`loaded ${numWords}`);
      return report(numWords);
    },
    facts: async ({ numWords }) => {
      if (numWords < 3)
        throw Object.assign(new Error('numWords must be at least 3'), { code: 'BAD_NUM_WORDS' });
      return report(numWords);
    },
    openTexts: async ({ spec, numWords, maxlen, unicode }) =>
      ownTextsReport(await openOwnTexts(spec), { numWords, maxlen, unicode }),
    train: async ({ config }, { signal, emit }) => {
      let epoch = 0;
      while (epoch < config.epochs && !signal.aborted) {
        epoch++;
        emit({ type: 'epochBegin', epoch });
        await delay(2);
      }
      const outcome: TrainOutcome = {
        history: { loss: Array.from({ length: epoch }, () => 0.5) },
        bestEpoch: epoch,
        stoppedEarly: false,
        interrupted: signal.aborted,
        test: null,
        checkpointSaved: false,
        vocabulary: null,
      };
      return outcome;
    },
  };
}

test('answers are matched to their request ids, whatever order they arrive in', async () => {
  const { page, worker } = channel();
  serve(worker, handlers([]));
  const client = new WorkerClient(page);
  const [a, b] = await Promise.all([
    client.loadData(new ArrayBuffer(8), 500),
    client.loadData(new ArrayBuffer(8), 10_000),
  ]);
  expect([a.numWords, b.numWords]).toEqual([500, 10_000]);
  expect(client.pending).toBe(0);
});

test('a cancelled load rejects at once with an AbortError and the worker stops it', async () => {
  const { page, worker, sent } = channel();
  const log: string[] = [];
  serve(worker, handlers(log));
  const client = new WorkerClient(page);
  const controller = new AbortController();
  const first = client.loadData(new ArrayBuffer(8), 500, controller.signal);
  controller.abort();
  await expect(first).rejects.toMatchObject({ name: 'AbortError' });
  expect((await client.loadData(new ArrayBuffer(8), 1000)).numWords).toBe(1000);
  await delay(40);
  expect(log).toEqual(['loaded 1000']);
  expect(sent.map((r) => r.method)).toEqual(['loadData', 'cancel', 'loadData']);
});

test('worker errors reject with their code', async () => {
  const { page, worker } = channel();
  serve(worker, handlers([]));
  const client = new WorkerClient(page);
  const error = await client.facts(2).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WorkerCallError);
  expect(error).toMatchObject({ code: 'BAD_NUM_WORDS', message: 'numWords must be at least 3' });
});

test('bad own texts reach the page with their code, and each gets its own sentence', async () => {
  const { page, worker } = channel();
  serve(worker, handlers([]));
  const client = new WorkerClient(page);
  const table = (text: string | Uint8Array<ArrayBuffer>, textColumn = 'text'): OwnTextsSpec => ({
    kind: 'table',
    file: new Blob([text]),
    name: 'reviews.csv',
    textColumn,
    labelColumn: 'label',
  });
  const folder = (files: Record<string, string>): OwnTextsSpec => ({
    kind: 'folder',
    files: Object.entries(files).map(([path, text]) => ({ path, file: new Blob([text]) })),
  });
  const failure = async (spec: OwnTextsSpec) => {
    const error = await client
      .call('openTexts', { spec, numWords: 100, maxlen: 10, unicode: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCallError);
    return textsError(error).key;
  };
  expect(await failure(table(''))).toBe('error.texts.EMPTY');
  expect(await failure(folder({}))).toBe('error.texts.EMPTY');
  expect(await failure(table('text,label\na,x\nb,y\n', 'review'))).toBe('error.texts.MISSING_COLUMN');
  expect(await failure(table('text,label\n좋다,pos\n좋아,pos\n'))).toBe('error.texts.ONE_CLASS');
  expect(await failure(folder({ 'top/pos/1.txt': 'good', 'top/pos/2.txt': 'fine' }))).toBe(
    'error.texts.ONE_CLASS',
  );
  expect(await failure(table('text,label\na,x\nb, \n'))).toBe('error.texts.BAD_LABEL');
  const bytes = new Uint8Array([
    ...new TextEncoder().encode('text,label\na'),
    0xff,
    ...new TextEncoder().encode(',x\n'),
  ]);
  expect(await failure(table(bytes))).toBe('error.texts.BAD_UTF8');
  expect(textsError(new Error('something else'))).toEqual({
    key: 'error.texts',
    params: { detail: 'something else' },
  });
  const ok = await client.call('openTexts', {
    spec: table('text,label\n좋은 영화,pos\n나쁜 영화,neg\n'),
    numWords: 100,
    maxlen: 10,
    unicode: true,
  });
  expect(ok.facts.classes).toEqual([
    { name: 'neg', count: 1 },
    { name: 'pos', count: 1 },
  ]);
});

test('training events go to their run only; stopping still returns what was trained', async () => {
  const { page, worker } = channel();
  serve(worker, handlers([]));
  const client = new WorkerClient(page);
  const config = { ...LESSON_FORM_DEFAULTS, epochs: 1000 };
  const seen: Record<string, number> = { a: 0, b: 0 };
  const stop = new AbortController();
  const a = client.train(
    { config, checkpoint: 'a' },
    {
      signal: stop.signal,
      onEvent: (e) => {
        seen['a']!++;
        if (e.type === 'epochBegin' && e.epoch === 3) stop.abort();
      },
    },
  );
  const b = client.train(
    { config: { ...config, epochs: 2 }, checkpoint: 'b' },
    { onEvent: () => seen['b']!++ },
  );
  const [outA, outB] = await Promise.all([a, b]);
  expect(outA.interrupted).toBe(true);
  expect(outA.history['loss']).toHaveLength(seen['a']!);
  expect(seen['a']).toBeGreaterThanOrEqual(3);
  expect(outB).toMatchObject({ interrupted: false, bestEpoch: 2 });
  expect(seen['b']).toBe(2);
});
