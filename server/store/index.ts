/**
 * Picks the database: PostgreSQL when a URL is configured (production, several hub nodes),
 * otherwise PGlite embedded under `${dataDir}/store` (nothing to install), run in a worker thread
 * so that its WASM never holds the hub's event loop (workerStore.ts). Either way the schema is
 * migrated before the store is handed out.
 */
import { join } from 'node:path';
import type { Logger } from '../lib/log';
import { createPostgresStore } from './postgresStore';
import type { Store } from './types';
import { createWorkerStore } from './workerStore';

export interface StoreConfig {
  /** postgres://… ; when set, PostgreSQL is used and dataDir is ignored */
  databaseUrl?: string;
  /** the hub's data directory (DATA_DIR); PGlite keeps its files in `${dataDir}/store` */
  dataDir: string;
  /** PostgreSQL schema, default public */
  pgSchema?: string;
  /** where the death of PGlite's worker thread is reported (console.error without one) */
  log?: Pick<Logger, 'error'>;
}

export async function createStore(config: StoreConfig): Promise<Store> {
  const store = config.databaseUrl
    ? await createPostgresStore({ url: config.databaseUrl, ...(config.pgSchema ? { schema: config.pgSchema } : {}) })
    : await createWorkerStore({ dataDir: join(config.dataDir, 'store'), ...(config.log ? { log: config.log } : {}) });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export { DataDirLockedError } from './dataDirLock';
export { IdempotencyConflictError, StaleStateError, UserExistsError } from './types';
export { StoreUnavailableError } from './workerErrors';
export { StoreBusyError } from './workerStore';
export type * from './types';
