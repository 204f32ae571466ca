import type { Method, WorkerMethods, WorkerRequest, WorkerResponse } from './protocol.js';

/** One handler per worker method; `emit` streams events of this request, `signal` aborts on cancel. */
export type Handlers = {
  [M in Method]: (
    args: WorkerMethods[M]['args'],
    context: { signal: AbortSignal; emit: (event: WorkerMethods[M]['event']) => void },
  ) => Promise<WorkerMethods[M]['result']>;
};

export interface ServerPort {
  postMessage(message: WorkerResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : error.name, message: error.message };
  }
  return { code: 'UNKNOWN', message: String(error) };
}

/** Answers the client's requests with `handlers`, each tagged with its request id; `cancel` aborts one. */
export function serve(port: ServerPort, handlers: Handlers): void {
  const running = new Map<number, AbortController>();
  port.addEventListener('message', async (event) => {
    const request = event.data;
    if (request.method === 'cancel') {
      running.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    running.set(request.id, controller);
    const { id } = request;
    try {
      const handler = handlers[request.method] as (
        args: unknown,
        context: { signal: AbortSignal; emit: (event: unknown) => void },
      ) => Promise<unknown>;
      const value = await handler(request.args, {
        signal: controller.signal,
        emit: (e) => port.postMessage({ id, kind: 'event', event: e }),
      });
      port.postMessage({ id, kind: 'result', value });
    } catch (error) {
      port.postMessage({ id, kind: 'error', ...describe(error) });
    } finally {
      running.delete(id);
    }
  });
}
