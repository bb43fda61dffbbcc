/**
 * The store's worker thread: owns the real PGlite store (pgliteStore.ts, with its migrations and
 * fsync durability) so that PGlite's WASM — a transaction of 1,000 track samples, a group commit,
 * an fsync — runs here and never on the hub's event loop. Loaded through storeWorkerEntry.mjs,
 * which gives the thread the TypeScript loader; started by workerStore.ts.
 *
 * Calls are started in the order they arrive, exactly as the main thread made them, and PGlite
 * itself runs one statement or transaction at a time (one connection): the store's semantics — one
 * writer, appends in call order — are those of the store in-thread. Each call is answered as it
 * finishes.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createPgliteStore } from './pgliteStore';
import type { Store } from './types';
import { toErrorShape } from './workerErrors';
import { isStoreMethod, type FromWorker, type ToWorker, type WorkerStartData } from './workerProtocol';

function threadPort(): MessagePort {
  if (!parentPort) throw new Error('storeWorker.ts runs as a worker thread (workerStore.ts starts it)');
  return parentPort;
}
const port = threadPort();
const start = workerData as WorkerStartData;
const post = (message: FromWorker) => port.postMessage(message);

async function answer(store: Store, message: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  const { id, method, args } = message;
  try {
    if (!isStoreMethod(method)) throw new TypeError(`the store has no method ${String(method)}`);
    // called before any await, so PGlite queues the calls in the order they arrived
    const value: unknown = await (store[method] as (...a: unknown[]) => Promise<unknown>).apply(store, args);
    post({ type: 'result', id, ok: true, value }); // throws DataCloneError for a value that cannot travel
  } catch (error) {
    post({ type: 'result', id, ok: false, error: toErrorShape(error) });
  }
}

async function main(): Promise<void> {
  let store: Store;
  try {
    store = await createPgliteStore({
      ...(start.dataDir !== undefined ? { dataDir: start.dataDir } : {}),
      ...(start.fsync !== undefined ? { fsync: start.fsync } : {}),
      ...(start.reportFsyncs ? { onFsync: (path: string, ms: number) => post({ type: 'fsync', path, ms }) } : {}),
      lock: false, // the main thread holds it
    });
  } catch (error) {
    post({ type: 'failed', error: toErrorShape(error) });
    return; // the main thread ends this thread
  }

  const inFlight = new Set<Promise<void>>();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'call') {
      const task = answer(store, message).finally(() => inFlight.delete(task));
      inFlight.add(task);
      return;
    }
    // close: what was called before it finishes (and is durable) before PGlite shuts down
    void Promise.allSettled(inFlight)
      .then(() => store.close())
      .then(
        () => post({ type: 'closed' }),
        (error: unknown) => post({ type: 'closed', error: toErrorShape(error) }),
      );
  });
  post({ type: 'ready' });
}

await main();
