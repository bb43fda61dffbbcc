/**
 * Two hub nodes on one PostgreSQL database (memory following its log, issue 18), the database
 * unreachable for 30 s: a TCP proxy between both nodes and PostgreSQL closes every connection and
 * refuses new ones. Meanwhile every report is refused with 503 STORE_UNAVAILABLE on both nodes and
 * /healthz says so; nothing of them is stored. When the database answers again both nodes take
 * writes without a restart, and their walls — which stayed connected — see every change of the log
 * after their snapshot once, in order, whichever node took it; the followers' failed reads during
 * the outage are counted, and they caught up. Needs PostgreSQL: skipped loudly without it (a failure
 * with REQUIRE_POSTGRES=1).
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Delta, SubscribeResult } from '@shared/schemas/live';
import { createPostgresStore, whyPostgresUnreachable } from '../../server/store/postgresStore';
import { connectClient, grids, INGEST_HEADERS, startTestHub, type TestClient, type TestHub } from './harness';
import { tcpProxy } from './tcpProxy';
import { apartReportBody } from '../support/reportBodies';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgUnreachable = await whyPostgresUnreachable(PG_URL);
const OUTAGE_MS = 30_000;
const WAIT = { timeout: 60_000, interval: 50 };
const gs = grids();

async function report(t: TestHub, i: number): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', ...INGEST_HEADERS }, body: JSON.stringify(apartReportBody(i, gs, 'outage')) });
  const answer = (await res.json()) as { error?: string };
  return { status: res.status, ...(answer.error ? { code: answer.error } : {}) };
}

async function wall(t: TestHub) {
  const { socket, rootRegion } = await connectClient(t.url);
  const seqs: number[] = [];
  for (const type of ['incident:reported', 'incident:updated'] as const) socket.on(type, (d: Delta) => seqs.push(d.seq));
  const result = await new Promise<SubscribeResult>((resolve, reject) =>
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents'] }, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(ack.message)))),
  );
  if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
  return { socket, seqs, from: result.snapshot.seq };
}

if (pgUnreachable === null) {
  describe('two hub nodes, PostgreSQL unreachable for 30 s', () => {
    it('refuses writes with 503 on both, stores nothing of them, and takes writes again without a restart; walls miss nothing', { timeout: 240_000 }, async () => {
      const proxy = await tcpProxy(new URL(PG_URL));
      const via = new URL(PG_URL);
      via.hostname = '127.0.0.1';
      via.port = String(proxy.port);
      const schema = `outage_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const hubs: TestHub[] = [];
      const sockets: TestClient[] = [];
      try {
        for (const node of ['node-a', 'node-b']) {
          const store = await createPostgresStore({ url: via.toString(), schema, timeouts: { connectMs: 1_000, statementMs: 5_000 } });
          await store.migrate();
          hubs.push(await startTestHub({ store, nodeId: node, fusion: 'off', coordination: { rules: [] }, followLog: { pollMs: 250 }, storeHealth: { pingEveryMs: 250, probeEveryMs: 250 } }));
        }
        const [a, b] = hubs as [TestHub, TestHub];
        const walls = [await wall(a), await wall(b)];
        sockets.push(...walls.map((w) => w.socket));
        let i = 0;
        const acknowledged: number[] = [];
        for (const t of [a, b, a, b]) {
          const answer = await report(t, i);
          expect(answer.status).toBe(201);
          acknowledged.push(i++);
        }

        // the database away: both nodes find out, and refuse every write at once
        proxy.refuse(true);
        const downAt = performance.now();
        await vi.waitFor(() => expect(hubs.map((t) => t.hub.storeHealth.current.state)).toEqual(['unavailable', 'unavailable']), WAIT);
        let refused = 0;
        while (performance.now() - downAt < OUTAGE_MS) {
          for (const t of [a, b]) {
            const answer = await report(t, i++);
            expect(answer).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
            refused++;
          }
          const healths = await Promise.all(hubs.map(async (t) => (await fetch(`${t.url}/healthz`)).status));
          expect(healths).toEqual([503, 503]);
          await new Promise((resolve) => setTimeout(resolve, 500)); // paces the refused writes; nothing waits on it
        }

        // back: both take writes again by themselves
        proxy.refuse(false);
        const upAt = performance.now();
        await vi.waitFor(() => expect(hubs.map((t) => t.hub.storeHealth.current.state)).toEqual(['available', 'available']), WAIT);
        const recoveredMs = performance.now() - upAt;
        for (const t of [b, a, b, a]) {
          const answer = await report(t, i);
          expect(answer.status).toBe(201);
          acknowledged.push(i++);
        }

        const db = new pg.Client({ connectionString: PG_URL });
        await db.connect();
        let stored: { seq: number; title: string }[];
        try {
          const rows = await db.query<{ seq: string; title: string }>(`SELECT seq, payload->'data'->'incident'->>'title' AS title FROM ${schema}.events WHERE kind = 'incident' ORDER BY seq`);
          stored = rows.rows.map((r) => ({ seq: Number(r.seq), title: r.title }));
        } finally {
          await db.end();
        }
        // exactly the acknowledged reports are stored: nothing of the refused ones, nothing half-written
        expect(stored.map((e) => e.title)).toEqual(acknowledged.map((n) => `outage ${n}`));
        const end = stored.at(-1)!.seq;
        await vi.waitFor(() => expect(walls.map((w) => w.seqs.at(-1))).toEqual([end, end]), WAIT);
        for (const w of walls) expect(w.seqs).toEqual(stored.filter((e) => e.seq > w.from).map((e) => e.seq));
        for (const t of hubs) {
          expect(t.hub.following?.applied).toBe(end);
          expect(t.hub.following?.failures).toBeGreaterThan(0); // it tried, failed while the database was away, and caught up
        }
        process.stdout.write(
          `two nodes, PostgreSQL unreachable for ${OUTAGE_MS / 1000} s: ${refused} writes refused with 503 (none stored), both took writes again ${Math.round(recoveredMs)} ms after it answered, ` +
            `the followers' failed reads: ${hubs.map((t) => t.hub.following?.failures).join(' and ')}; ${acknowledged.length} acknowledged, all stored, every wall saw them once in order\n`,
        );
      } finally {
        for (const s of sockets) s.disconnect();
        for (const t of hubs) await t.close().catch(() => undefined);
        await proxy.close();
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    });
  });
} else if (process.env.REQUIRE_POSTGRES === '1') {
  describe('two hub nodes, PostgreSQL unreachable', () => {
    it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => expect.fail(`PostgreSQL is unreachable (${pgUnreachable})`));
  });
} else {
  console.warn(`\n!! two hub nodes with PostgreSQL unreachable DID NOT RUN: ${pgUnreachable}. Set REQUIRE_POSTGRES=1 to make this a failure.\n`);
}
