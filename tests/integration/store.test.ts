/**
 * Runs the one store contract (storeContract.ts) against PGlite in memory and on disk (with a
 * restart), each both on this thread and in a worker thread (createStore's default: the hub's),
 * and PostgreSQL in a fresh schema. PostgreSQL comes from TEST_DATABASE_URL; when it is
 * unreachable the PostgreSQL run is skipped with a loud warning, or fails when REQUIRE_POSTGRES=1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../server/store/index';
import { DataDirLockedError } from '../../server/store/dataDirLock';
import { createPgliteStore, openPgliteClient } from '../../server/store/pgliteStore';
import { whyPostgresUnreachable } from '../../server/store/postgresStore';
import { createSqlStore } from '../../server/store/sqlStore';
import type { SqlClient } from '../../server/store/sqlClient';
import { createWorkerStore } from '../../server/store/workerStore';
import { storeContract } from './storeContract';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REQUIRE_POSTGRES = process.env.REQUIRE_POSTGRES === '1';
const shownUrl = PG_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

{
  let client: SqlClient;
  storeContract('PGlite in memory', {
    async open() {
      client = await openPgliteClient();
      const store = createSqlStore('pglite', client);
      await store.migrate();
      return store;
    },
    raw: (sql) => client.query(sql),
  });
}

storeContract('PGlite in memory, in a worker thread', {
  async open() {
    const store = await createWorkerStore();
    await store.migrate();
    return store;
  },
});

{
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-store-test-'));
  storeContract('PGlite on disk in a worker thread (createStore with a data directory)', {
    open: () => createStore({ dataDir }),
    reopen: () => createStore({ dataDir }),
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  });
}

{
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-store-test-'));
  const open = async () => {
    const store = await createPgliteStore({ dataDir });
    await store.migrate();
    return store;
  };
  storeContract('PGlite on disk on this thread (createPgliteStore)', { open, reopen: open, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) });
}

describe('PGlite data directory lock', () => {
  const scratch = () => mkdtempSync(join(tmpdir(), 'hub-store-lock-'));

  it('refuses a second open of a directory that is open, naming the reason', async () => {
    const dataDir = scratch();
    const store = await createPgliteStore({ dataDir });
    try {
      await expect(createPgliteStore({ dataDir })).rejects.toThrow(DataDirLockedError);
      await expect(createPgliteStore({ dataDir })).rejects.toThrow(/already open in this process/);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a directory another live process holds', async () => {
    const dataDir = scratch();
    const other = { pid: process.ppid, host: hostname(), since: new Date().toISOString() };
    writeFileSync(join(dataDir, 'store.lock'), JSON.stringify(other));
    await expect(createPgliteStore({ dataDir })).rejects.toThrow(new RegExp(`by process ${other.pid}`));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds the lock for the worker store on the main thread: a second open, in a worker or here, is refused as in this process', async () => {
    const dataDir = scratch();
    const store = await createWorkerStore({ dataDir });
    try {
      const second = await createWorkerStore({ dataDir }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(DataDirLockedError);
      expect((second as DataDirLockedError).lockFile).toBe(join(dataDir, 'store.lock'));
      await expect(createPgliteStore({ dataDir })).rejects.toThrow(/already open in this process/);
    } finally {
      await store.close();
    }
    const again = await createWorkerStore({ dataDir }); // close released the lock
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the worker store a directory another live process holds', async () => {
    const dataDir = scratch();
    const other = { pid: process.ppid, host: hostname(), since: new Date().toISOString() };
    writeFileSync(join(dataDir, 'store.lock'), JSON.stringify(other));
    await expect(createWorkerStore({ dataDir })).rejects.toThrow(new RegExp(`by process ${other.pid}`));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes over the lock of a process that is gone, and releases it on close', async () => {
    const dataDir = scratch();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid; // exited already
    writeFileSync(join(dataDir, 'store.lock'), JSON.stringify({ pid: gone, host: hostname(), since: 'earlier' }));
    const store = await createPgliteStore({ dataDir });
    await store.close();
    const again = await createPgliteStore({ dataDir }); // close released the lock
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});

const pgUnreachable = await whyPostgresUnreachable(PG_URL);

if (pgUnreachable === null) {
  const schema = `store_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const raw = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  storeContract(`PostgreSQL (schema ${schema})`, {
    async open() {
      const store = await createStore({ databaseUrl: PG_URL, pgSchema: schema, dataDir: '/nonexistent' });
      await raw.connect();
      return store;
    },
    reopen: () => createStore({ databaseUrl: PG_URL, pgSchema: schema, dataDir: '/nonexistent' }),
    raw: (sql) => raw.query(sql),
    async cleanup() {
      await raw.end().catch(() => undefined);
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  });
} else if (REQUIRE_POSTGRES) {
  describe('PostgreSQL store', () => {
    it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => {
      expect.fail(`PostgreSQL at ${shownUrl} is unreachable (${pgUnreachable}); REQUIRE_POSTGRES=1 makes that a failure`);
    });
  });
} else {
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! PostgreSQL store tests DID NOT RUN: ${shownUrl} is unreachable\n!! (${pgUnreachable}).\n` +
      `!! Start PostgreSQL or set TEST_DATABASE_URL; set REQUIRE_POSTGRES=1 to make this a failure.\n${line}\n`,
  );
  describe.skip(`PostgreSQL store (SKIPPED: ${shownUrl} unreachable)`, () => {
    it('runs the store contract', () => undefined);
  });
}
