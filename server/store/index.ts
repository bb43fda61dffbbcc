/**
 * Picks the database: PostgreSQL when a URL is configured (production, several hub nodes),
 * otherwise PGlite embedded under `${dataDir}/store` (nothing to install). Either way the schema
 * is migrated before the store is handed out.
 */
import { join } from 'node:path';
import { createPgliteStore } from './pgliteStore';
import { createPostgresStore } from './postgresStore';
import type { Store } from './types';

export interface StoreConfig {
  /** postgres://… ; when set, PostgreSQL is used and dataDir is ignored */
  databaseUrl?: string;
  /** the hub's data directory (DATA_DIR); PGlite keeps its files in `${dataDir}/store` */
  dataDir: string;
  /** PostgreSQL schema, default public */
  pgSchema?: string;
}

export async function createStore(config: StoreConfig): Promise<Store> {
  const store = config.databaseUrl
    ? await createPostgresStore({ url: config.databaseUrl, ...(config.pgSchema ? { schema: config.pgSchema } : {}) })
    : await createPgliteStore({ dataDir: join(config.dataDir, 'store') });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export { DataDirLockedError } from './dataDirLock';
export { IdempotencyConflictError } from './types';
export type * from './types';
