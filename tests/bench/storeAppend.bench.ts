/**
 * How fast the event log takes writes: Store.append batched (the way the hub writes) against a
 * naive baseline of one INSERT per event, on PGlite in memory and, when reachable, PostgreSQL.
 * Reported, never asserted: wall-clock figures depend on the machine.
 *
 *   npx tsx tests/bench/storeAppend.bench.ts          (BENCH_EVENTS=10000, TEST_DATABASE_URL=…)
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openPgliteClient } from '../../server/store/pgliteStore';
import { openPostgresClient, whyPostgresUnreachable } from '../../server/store/postgresStore';
import type { SqlClient } from '../../server/store/sqlClient';
import { createSqlStore } from '../../server/store/sqlStore';
import type { NewEvent, Store } from '../../server/store/types';

export interface AppendBenchResult {
  database: string;
  method: string;
  events: number;
  ms: number;
  eventsPerSecond: number;
}

const T0 = Date.UTC(2026, 10, 25, 1, 30);

/** Events shaped like incident log entries, so the JSON is as large as the hub's real ones. */
function makeEvents(count: number, label: string): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'incident',
    aggregateId: `${label}-${i % 500}`,
    type: 'dispatch',
    at: T0 + i,
    actor: { kind: 'operator', id: 'op-7', name: 'Duty operator' },
    payload: {
      incidentId: `${label}-${i % 500}`,
      type: 'dispatch',
      from: 'registered',
      to: 'dispatched',
      at: T0 + i,
      note: 'Sent to the street office on duty',
      data: { assignee: { id: 'dept-3', name: 'Haishu street office' } },
    },
  }));
}

const NAIVE_INSERT = `INSERT INTO events (kind, aggregate_id, type, at, actor, payload)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING seq`;

async function timed(database: string, method: string, events: number, work: () => Promise<void>): Promise<AppendBenchResult> {
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  return { database, method, events, ms: Math.round(ms), eventsPerSecond: Math.round((events / ms) * 1000) };
}

async function benchDatabase(database: string, kind: Store['kind'], client: SqlClient, n: number): Promise<AppendBenchResult[]> {
  const store: Store = createSqlStore(kind, client);
  await store.migrate();
  await store.append(makeEvents(200, 'warmup'), {}); // JIT, plan cache, first pages
  const perCall = Math.min(n, 2_000); // one-event calls are slow; a smaller sample gives the rate

  const results = [
    await timed(database, `append(): 1 call of ${n}`, n, async () => {
      await store.append(makeEvents(n, 'one-call'), {});
    }),
    await timed(database, 'append(): calls of 100', n, async () => {
      const events = makeEvents(n, 'hundreds');
      for (let i = 0; i < events.length; i += 100) await store.append(events.slice(i, i + 100), {});
    }),
    await timed(database, 'append(): 1 event per call', perCall, async () => {
      for (const event of makeEvents(perCall, 'single')) await store.append([event], {});
    }),
    await timed(database, 'naive: 1 INSERT per event, 1 transaction', n, async () => {
      const events = makeEvents(n, 'naive');
      await client.transaction(async (tx) => {
        for (const e of events) {
          await tx.query(NAIVE_INSERT, [e.kind, e.aggregateId, e.type, e.at, JSON.stringify(e.actor), JSON.stringify(e.payload)]);
        }
      });
    }),
  ];
  await store.close();
  return results;
}

function print(results: readonly AppendBenchResult[]): void {
  const batched = new Map<string, number>();
  for (const r of results) if (r.method.startsWith('append(): 1 call')) batched.set(r.database, r.eventsPerSecond);
  for (const r of results) {
    const ratio = (batched.get(r.database) ?? r.eventsPerSecond) / r.eventsPerSecond;
    console.log(
      `${r.database.padEnd(18)} ${r.method.padEnd(42)} ${String(r.events).padStart(6)} events ` +
        `${String(r.ms).padStart(6)} ms ${String(r.eventsPerSecond).padStart(8)} events/s` +
        (ratio > 1.05 ? `   (one batched call is ${ratio.toFixed(1)}x faster)` : ''),
    );
  }
}

export default async function run(): Promise<AppendBenchResult[]> {
  const n = Number(process.env.BENCH_EVENTS ?? 10_000);
  const results = await benchDatabase('PGlite (memory)', 'pglite', await openPgliteClient(), n);

  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const unreachable = await whyPostgresUnreachable(url);
  if (unreachable) {
    console.warn(`PostgreSQL not benchmarked: ${unreachable}`);
  } else {
    const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
    try {
      results.push(...(await benchDatabase('PostgreSQL', 'postgres', await openPostgresClient({ url, schema }), n)));
    } finally {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  }
  print(results);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
