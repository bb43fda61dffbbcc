/**
 * What the hub's main thread and the store's worker thread say to each other (workerStore.ts,
 * storeWorker.ts). Every message is structured-cloned, so it holds data only: errors travel as
 * ErrorShape (workerErrors.ts) and are rebuilt as their own classes on the other side.
 */
import type { ErrorShape } from './workerErrors';
import type { Store } from './types';

/** every method of Store that is forwarded as a call (close has a message of its own) */
/** `watchAppends`, `databaseIdentity`: PostgreSQL only (the worker runs PGlite, one process per data directory) */
export type StoreMethod = Exclude<keyof Store, 'kind' | 'close' | 'watchAppends' | 'databaseIdentity'>;

export const STORE_METHODS = [
  'migrate',
  'ping',
  'append',
  'readEvents',
  'lastSeq',
  'getIncident',
  'highestIncidentId',
  'loadIncidents',
  'incidentsForWindow',
  'incidentsReported',
  'findIdempotencyKey',
  'findIdempotencyKeys',
  'loadVideoAlarms',
  'upsertCameras',
  'upsertPatrols',
  'loadCameras',
  'loadPatrols',
  'saveTrackSamples',
  'readTrackSamples',
  'pruneTrackSamples',
  'createUser',
  'getUser',
  'listUsers',
  'updateUser',
  'countUsers',
  'createSession',
  'getSession',
  'endSession',
  'endSessionsOf',
  'createAccessKey',
  'getAccessKey',
  'findAccessKeyBySecret',
  'listAccessKeys',
  'revokeAccessKey',
  'appendAudit',
  'readAudit',
  'getMeta',
  'setMeta',
  'setMetaIfAbsent',
  'reserveIncidentNumbers',
  'acquireLease',
  'releaseLease',
] as const satisfies readonly StoreMethod[];

// A method added to Store but not to the list above fails the type-check here, not at run time.
type Unlisted = Exclude<StoreMethod, (typeof STORE_METHODS)[number]>;
export const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;

export function isStoreMethod(name: unknown): name is StoreMethod {
  return (STORE_METHODS as readonly unknown[]).includes(name);
}

/** handed to the worker as workerData */
export interface WorkerStartData {
  /** the PGlite directory, its lock already held by the main thread; undefined = in memory */
  dataDir?: string;
  fsync?: boolean;
  /** post a message for every fsync (only when someone listens: tests and benchmarks) */
  reportFsyncs: boolean;
}

export type ToWorker = { type: 'call'; id: number; method: StoreMethod; args: unknown[] } | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; error: ErrorShape }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ErrorShape }
  | { type: 'fsync'; path: string; ms: number }
  | { type: 'closed'; error?: ErrorShape };
