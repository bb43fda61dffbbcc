/**
 * The embedded store: PostgreSQL compiled to WASM, on the thread that calls this — which for the
 * hub is a worker thread of its own (workerStore.ts), since PGlite's work holds the thread it runs
 * on. Files live under `${dataDir}/pgdata`, beside the lock file `${dataDir}/store.lock`; without
 * a dataDir the database lives in memory (tests, benchmarks). On disk a commit is acknowledged
 * only once its WAL is fsynced (pgliteDurability.ts).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { acquireDataDirLock, type DataDirLock } from './dataDirLock';
import { DurableNodeFS, durableStartParams, syncTree, type FsyncListener } from './pgliteDurability';
import type { SqlClient, SqlQueryable, SqlRow } from './sqlClient';
import { createSqlStore } from './sqlStore';
import type { Store } from './types';

export interface PgliteStoreOptions {
  /** directory for the database files (created if missing); undefined = in memory */
  dataDir?: string;
  /** told of every fsync PostgreSQL makes (tests and benchmarks count them) */
  onFsync?: FsyncListener;
  /**
   * false: PGlite as shipped, acknowledging commits that are only in the OS page cache. Only for
   * benchmarks that show what durability costs; the hub never turns it off.
   */
  fsync?: boolean;
  /**
   * false: the caller holds the data-directory lock already. The worker store (workerStore.ts)
   * takes it on the main thread, where the registry of this process's locks and the exit hook
   * that removes them live; a worker thread has its own copy of that module state and would
   * take the main thread's own lock for a stale one.
   */
  lock?: boolean;
}

const queryable = (db: Pick<PGlite, 'query'>): SqlQueryable => ({
  async query(sql, params = []) {
    return (await db.query<SqlRow>(sql, [...params])).rows;
  },
});

function clientOver(db: PGlite, lock: DataDirLock | null): SqlClient {
  return {
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    async close() {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Opens PGlite and adapts it to SqlClient (exported for benchmarks that need raw SQL). */
export async function openPgliteClient(options: PgliteStoreOptions = {}): Promise<SqlClient> {
  if (options.dataDir === undefined) return clientOver(await PGlite.create(), null);

  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const lock = options.lock === false ? null : acquireDataDirLock(dataDir);
  const pgdata = resolve(dataDir, 'pgdata');
  try {
    const durable = options.fsync !== false;
    const db = await PGlite.create({ fs: new DurableNodeFS(pgdata, options.onFsync), ...(durable ? { startParams: durableStartParams() } : {}) });
    // what initdb or an earlier run wrote without fsync reaches the disk before anything new
    if (durable) {
      try {
        syncTree(dataDir);
      } catch (error) {
        await db.close();
        throw error;
      }
    }
    return clientOver(db, lock);
  } catch (error) {
    lock?.release();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not open the PGlite database in ${pgdata}: ${reason}. ` +
        'If another process opened this directory at the same time, its files may be damaged; ' +
        'restore them from a backup or move the directory aside to start empty.',
      { cause: error },
    );
  }
}

export async function createPgliteStore(options: PgliteStoreOptions = {}): Promise<Store> {
  return createSqlStore('pglite', await openPgliteClient(options));
}
