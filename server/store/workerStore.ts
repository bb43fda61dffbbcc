/**
 * The embedded store as the hub uses it: PGlite in a worker thread (storeWorker.ts), behind the
 * same Store interface. PGlite is PostgreSQL in WASM and runs every statement synchronously on the
 * thread that owns it; on the hub's own thread its inserts, group commits and fsyncs were inside
 * most event-loop stalls of 100–330 ms at province scale (issue 14). Here the main thread only
 * posts a call and receives its answer; it still pays the structured clone of both.
 *
 *  - Order: calls reach the worker in the order they are made and start there in that order;
 *    PGlite runs one at a time, so appends keep their order. Answers come as calls finish.
 *  - Bound: at most `maxInFlight` calls waiting for an answer; beyond that a call is refused at
 *    once with StoreBusyError (HUB_BUSY, 503). The hub's own bound (queueLimit, 2,000 changes)
 *    comes first for changes, which reach the store as one group commit at a time; this one bounds
 *    everything else that calls the store (reads, sessions, audit, track samples, /healthz).
 *  - The data-directory lock is taken here, on the main thread (see the `lock` option of
 *    pgliteStore.ts), and released once the worker has closed PGlite.
 *  - A worker that dies (an uncaught error, out of memory, terminated) is logged once, and every
 *    call waiting and every later one fails with StoreUnavailableError (SQLSTATE 08006, answered
 *    503 STORE_UNAVAILABLE): nothing waits for an answer that cannot come. It is not restarted:
 *    a call it was running may have committed without being answered, so the hub's memory may
 *    disagree with the store until the hub is restarted (/healthz answers 503 meanwhile).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { HubError } from '@shared/errors';
import type { Logger } from '../lib/log';
import { acquireDataDirLock, type DataDirLock } from './dataDirLock';
import type { FsyncListener } from './pgliteDurability';
import type { Store } from './types';
import { fromErrorShape, StoreUnavailableError } from './workerErrors';
import { STORE_METHODS, type FromWorker, type StoreMethod, type ToWorker, type WorkerStartData } from './workerProtocol';

/**
 * Well above what the hub keeps in flight when healthy (one group commit, one track-sample write,
 * a few reads per request being served), well below a backlog worth waiting for.
 */
export const DEFAULT_MAX_IN_FLIGHT = 1_000;

const ENTRY = new URL('./storeWorkerEntry.mjs', import.meta.url);

export interface WorkerStoreOptions {
  /** directory for the database files (created if missing); undefined = in memory */
  dataDir?: string;
  /** false: PGlite as shipped, without fsync (benchmarks only; see pgliteStore.ts) */
  fsync?: boolean;
  /** told of every fsync PostgreSQL makes, before the answer of the call that made it */
  onFsync?: FsyncListener;
  maxInFlight?: number;
  /** where the worker's death is reported (console.error without one) */
  log?: Pick<Logger, 'error'>;
  /** the worker's heap limits (tests make it run out of memory with a small one) */
  resourceLimits?: ResourceLimits;
}

export interface WorkerStore extends Store {
  /** calls waiting for their answer */
  readonly inFlight: number;
  /** the thread itself, for diagnostics and tests (terminating it stands in for a crash) */
  readonly thread: Worker;
}

/** A call refused because `limit` calls are waiting for the store already. */
export class StoreBusyError extends HubError {
  constructor(
    readonly inFlight: number,
    readonly limit: number,
  ) {
    super('HUB_BUSY', `The store has ${inFlight} calls waiting already (limit ${limit}); nothing was done. Try again in a moment.`, { inFlight, limit });
    this.name = 'StoreBusyError';
  }
}

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export async function createWorkerStore(options: WorkerStoreOptions = {}): Promise<WorkerStore> {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  let lock: DataDirLock | null = null;
  if (dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
  }
  const start: WorkerStartData = {
    ...(dataDir !== undefined ? { dataDir } : {}),
    ...(options.fsync !== undefined ? { fsync: options.fsync } : {}),
    reportFsyncs: options.onFsync !== undefined,
  };
  let worker: Worker;
  try {
    worker = new Worker(ENTRY, { workerData: start, ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}) });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const link = new WorkerLink(worker, options);
  try {
    await link.opened;
  } catch (error) {
    await link.terminate();
    lock?.release();
    throw error;
  }
  return storeOver(link, lock);
}

/** the main thread's end of the worker: calls waiting for answers, and the worker's fate */
class WorkerLink {
  readonly opened: Promise<void>;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private readonly limit: number;
  /** why calls fail from now on (the worker ended, or the store was closed) */
  private down: StoreUnavailableError | null = null;
  private opening: Waiter | null = null;
  private closing: Waiter | null = null;
  private crash: unknown = null;
  /** this side ended the thread: its exit is no crash */
  private stopping = false;
  private ended = false;

  constructor(
    readonly worker: Worker,
    private readonly options: WorkerStoreOptions,
  ) {
    this.limit = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.opened = new Promise<unknown>((resolve, reject) => (this.opening = { resolve, reject })).then(() => undefined);
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => (this.crash = error));
    // a message that cannot be read leaves some call without an answer: end it rather than hang
    worker.on('messageerror', (error) => {
      this.crash = error;
      void worker.terminate();
    });
    worker.on('exit', (code) => this.exited(code));
  }

  get size(): number {
    return this.waiting.size;
  }

  call(method: StoreMethod, args: unknown[]): Promise<unknown> {
    if (this.down) return Promise.reject(new StoreUnavailableError(this.down.message, this.down.code));
    if (this.waiting.size >= this.limit) return Promise.reject(new StoreBusyError(this.waiting.size, this.limit));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // the thread keeps the process alive only while a call waits on it, as PGlite in-thread would
      if (this.waiting.size === 1) this.worker.ref();
      try {
        this.send({ type: 'call', id, method, args });
      } catch (error) {
        this.settle(id)?.reject(error as Error); // an argument that cannot be cloned
      }
    });
  }

  /** closes PGlite after the calls made before, then ends the thread */
  async close(): Promise<void> {
    if (this.ended) return;
    this.down ??= new StoreUnavailableError('The store is closed.', '08003');
    const closed = new Promise<unknown>((resolve, reject) => (this.closing = { resolve, reject }));
    this.worker.ref();
    this.send({ type: 'close' });
    try {
      await closed;
    } finally {
      await this.terminate();
    }
  }

  async terminate(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private settle(id: number): Waiter | undefined {
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    if (this.waiting.size === 0 && !this.closing) this.worker.unref();
    return waiter;
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'result': {
        const waiter = this.settle(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(fromErrorShape(message.error));
        return;
      }
      case 'fsync':
        this.options.onFsync?.(message.path, message.ms);
        return;
      case 'ready':
        if (this.waiting.size === 0) this.worker.unref();
        this.opening?.resolve(undefined);
        this.opening = null;
        return;
      case 'failed':
        this.opening?.reject(fromErrorShape(message.error));
        this.opening = null;
        return;
      case 'closed':
        if (message.error) this.closing?.reject(fromErrorShape(message.error));
        else this.closing?.resolve(undefined);
        return;
    }
  }

  private exited(code: number): void {
    this.ended = true;
    const reason = this.crash instanceof Error ? this.crash.message : this.crash !== null ? String(this.crash) : 'no error was reported';
    const death = new StoreUnavailableError(
      `The embedded store's worker thread ended (exit code ${code}: ${reason}); nothing more can be stored or read until the hub is restarted.`,
    );
    if (!this.stopping) this.down = death;
    // a thread that ends while opening is the caller's error (createWorkerStore rejects with it), not a death to log
    if (!this.stopping && this.opening === null) {
      const report = this.options.log ?? { error: (msg: string, fields?: Record<string, unknown>) => console.error(`[store] ${msg}`, fields) };
      report.error('the store worker thread died: every call fails with STORE_UNAVAILABLE until the hub is restarted', {
        exitCode: code,
        error: this.crash instanceof Error ? this.crash.stack : reason,
        callsWaiting: this.waiting.size,
      });
    }
    const failure = this.down ?? death;
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(new StoreUnavailableError(failure.message, failure.code));
    this.opening?.reject(death);
    this.opening = null;
    // ended before PGlite said it closed: what was answered before is durable, the rest failed above
    this.closing?.resolve(undefined);
  }
}

function storeOver(link: WorkerLink, lock: DataDirLock | null): WorkerStore {
  const forwarded = Object.fromEntries(STORE_METHODS.map((method) => [method, (...args: unknown[]) => link.call(method, args)])) as unknown as Pick<Store, StoreMethod>;
  let closed: Promise<void> | null = null;
  return {
    kind: 'pglite',
    ...forwarded,
    get inFlight() {
      return link.size;
    },
    thread: link.worker,
    close() {
      closed ??= link.close().finally(() => lock?.release());
      return closed;
    },
  };
}
