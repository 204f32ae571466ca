import type { Method, WorkerMethods, WorkerRequest, WorkerResponse } from './protocol.js';

/** The part of a `Worker` (or a `MessagePort`) the client uses. */
export interface PortLike {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerResponse>) => void): void;
}

/** A failure the worker reported for one request, with the library's error code. */
export class WorkerCallError extends Error {
  readonly code: string;
  constructor(method: string, code: string, message: string) {
    super(message);
    this.name = 'WorkerCallError';
    this.code = code;
    this.cause = { method };
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onEvent?: (event: unknown) => void;
}

export interface CallOptions<E> {
  /** Cancels the request: the worker is told, and (unless `settleOnAbort`) the promise rejects with an AbortError. */
  signal?: AbortSignal;
  onEvent?: (event: E) => void;
  transfer?: Transferable[];
}

function abortError(): DOMException {
  return new DOMException('the request was cancelled', 'AbortError');
}

/** Typed calls into the training worker: every request has an id, its events and result are matched to it. */
export class WorkerClient {
  #port: PortLike;
  #next = 1;
  #pending = new Map<number, Pending>();

  constructor(port: PortLike) {
    this.#port = port;
    port.addEventListener('message', (event) => this.#receive(event.data));
  }

  /** Requests that have not answered yet. */
  get pending(): number {
    return this.#pending.size;
  }

  #receive(response: WorkerResponse): void {
    const pending = this.#pending.get(response.id);
    if (pending === undefined) return; // cancelled, or not ours
    if (response.kind === 'event') {
      pending.onEvent?.(response.event);
      return;
    }
    this.#pending.delete(response.id);
    if (response.kind === 'result') pending.resolve(response.value);
    else pending.reject(new WorkerCallError(String(response.id), response.code, response.message));
  }

  /**
   * Calls `method` in the worker. With `settleOnAbort`, aborting only tells the worker to stop, and the promise
   * still settles with the worker's answer (a training run returns what it trained so far).
   */
  call<M extends Method>(
    method: M,
    args: WorkerMethods[M]['args'],
    options: CallOptions<WorkerMethods[M]['event']> & { settleOnAbort?: boolean } = {},
  ): Promise<WorkerMethods[M]['result']> {
    const { signal, onEvent, transfer = [], settleOnAbort = false } = options;
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this.#next++;
    return new Promise<WorkerMethods[M]['result']>((resolve, reject) => {
      const pending: Pending = {
        resolve: (v) => resolve(v as WorkerMethods[M]['result']),
        reject,
        ...(onEvent ? { onEvent: (e: unknown) => onEvent(e as WorkerMethods[M]['event']) } : {}),
      };
      this.#pending.set(id, pending);
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.#pending.has(id)) return;
          this.#port.postMessage({ id, method: 'cancel' });
          if (!settleOnAbort) {
            this.#pending.delete(id);
            reject(abortError());
          }
        },
        { once: true },
      );
      this.#port.postMessage({ id, method, args } as WorkerRequest, transfer);
    });
  }

  init(): Promise<WorkerMethods['init']['result']> {
    return this.call('init', {});
  }

  /** Hands imdb.npz to the worker (the buffer is transferred) and resolves with what it read. */
  loadData(
    bytes: ArrayBuffer,
    numWords: number,
    signal?: AbortSignal,
  ): Promise<WorkerMethods['loadData']['result']> {
    return this.call('loadData', { bytes, numWords }, { transfer: [bytes], ...(signal ? { signal } : {}) });
  }

  /** The loaded data's facts at another `num_words`. */
  facts(numWords: number, signal?: AbortSignal): Promise<WorkerMethods['facts']['result']> {
    return this.call('facts', { numWords }, signal ? { signal } : {});
  }

  /** Trains one run; aborting `signal` stops it after the current batch and still resolves with its outcome. */
  train(
    args: WorkerMethods['train']['args'],
    options: { signal?: AbortSignal; onEvent?: (event: WorkerMethods['train']['event']) => void } = {},
  ): Promise<WorkerMethods['train']['result']> {
    return this.call('train', args, { ...options, settleOnAbort: true });
  }
}
