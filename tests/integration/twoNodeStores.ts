/**
 * The databases two hub nodes of a test share: one PGlite store both use (one process per data
 * directory in the product, so nodes in one test process share the store object) and, when it is
 * reachable, one PostgreSQL schema with a store — so a pool — per node. PostgreSQL unreachable:
 * a loud warning, or a failing test under REQUIRE_POSTGRES=1 (`what` names the suite).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../server/store';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { whyPostgresUnreachable } from '../../server/store/postgresStore';
import type { Store } from '../../server/store/types';
import { createWorkerStore } from '../../server/store/workerStore';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TwoNodeTarget {
  name: string;
  open(): Promise<{ stores: [Store, Store]; cleanup(): Promise<void> }>;
}

export async function twoNodeTargets(what: string, schemaPrefix: string): Promise<TwoNodeTarget[]> {
  const targets: TwoNodeTarget[] = [
    {
      name: 'PGlite',
      async open() {
        const store = process.env.TEST_PGLITE === 'worker' ? await createWorkerStore() : await createPgliteStore({});
        await store.migrate();
        return { stores: [store, store], cleanup: () => store.close() };
      },
    },
  ];
  const unreachable = await whyPostgresUnreachable(PG_URL);
  if (unreachable === null) {
    targets.push({
      name: 'PostgreSQL',
      async open() {
        const schema = `${schemaPrefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
        const a = await createStore({ databaseUrl: PG_URL, pgSchema: schema, dataDir: '/nonexistent' });
        const b = await createStore({ databaseUrl: PG_URL, pgSchema: schema, dataDir: '/nonexistent' });
        return {
          stores: [a, b],
          async cleanup() {
            await Promise.all([a.close(), b.close()]);
            const admin = new pg.Client({ connectionString: PG_URL });
            await admin.connect();
            await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            await admin.end();
          },
        };
      },
    });
  } else if (process.env.REQUIRE_POSTGRES === '1') {
    describe(`${what} on PostgreSQL`, () => {
      it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => expect.fail(`PostgreSQL is unreachable (${unreachable})`));
    });
  } else {
    console.warn(`\n!! ${what} on PostgreSQL DID NOT RUN: ${unreachable}. Set REQUIRE_POSTGRES=1 to make this a failure.\n`);
  }
  return targets;
}

/**
 * `n` stores (a pool each, as separate nodes have) on one fresh PostgreSQL schema, or null when
 * PostgreSQL is unreachable — with a loud warning, or a failing test under REQUIRE_POSTGRES=1.
 */
export async function sharedPostgresStores(what: string, schemaPrefix: string): Promise<((n: number) => Promise<{ stores: Store[]; cleanup(): Promise<void> }>) | null> {
  const unreachable = await whyPostgresUnreachable(PG_URL);
  if (unreachable !== null) {
    if (process.env.REQUIRE_POSTGRES === '1') {
      describe(`${what} on PostgreSQL`, () => {
        it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => expect.fail(`PostgreSQL is unreachable (${unreachable})`));
      });
    } else {
      console.warn(`\n!! ${what} DID NOT RUN (it needs PostgreSQL): ${unreachable}. Set REQUIRE_POSTGRES=1 to make this a failure.\n`);
    }
    return null;
  }
  return async (n) => {
    const schema = `${schemaPrefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const stores: Store[] = [];
    for (let i = 0; i < n; i++) stores.push(await createStore({ databaseUrl: PG_URL, pgSchema: schema, dataDir: '/nonexistent' }));
    await stores[0]!.migrate();
    return {
      stores,
      async cleanup() {
        await Promise.all(stores.map((s) => s.close()));
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      },
    };
  };
}
