/**
 * Three real hub processes on one PostgreSQL database and one Redis (a redis-server of the test's
 * own), the database reached through a TCP proxy of the test's (issue 18, faults):
 *   - Redis killed: every node says it is degraded (`/healthz` 200 with `degraded: ['redis']`,
 *     `hub:status` to its walls) and goes on taking reports; Redis started again on its port:
 *     every node recovers by itself and a wall on node c again sees the patrols node a moves.
 *   - PostgreSQL unreachable for 30 s (the proxy refuses every connection): every node refuses
 *     writes with 503 STORE_UNAVAILABLE, none is stored; when it answers again every node takes
 *     writes without a restart.
 * Counted at the end: every report acknowledged is stored (lost: 0) and nothing refused is; every
 * wall on every node saw every change of the log after its snapshot once, in seq order.
 * Needs PostgreSQL and redis-server: skipped loudly without them (a failure with REQUIRE_POSTGRES=1
 * / REQUIRE_REDIS=1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import type { Delta, HubStatus, SubscribeResult } from '@shared/schemas/live';
import { whyPostgresUnreachable } from '../../server/store/postgresStore';
import { connectClient, grids, nextEvent, type TestClient } from './harness';
import { freePort, PrivateRedis, redisAvailable } from './privateRedis';
import { tcpProxy } from './tcpProxy';
import { killAll, startHubProcess, type HubProcess } from '../support/hubProcess';
import { apartReportBody } from '../support/reportBodies';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgUnreachable = await whyPostgresUnreachable(PG_URL);
const WAIT = { timeout: 120_000, interval: 100 };
const KEY = 'gk_cluster-faults-test-key-0123456789abcdef';
const OUTAGE_MS = 30_000;

interface Health {
  ok: boolean;
  degraded: string[];
  redis: { state: string };
  store: { state: string };
  simulator: { running: boolean };
}
async function health(h: HubProcess): Promise<{ status: number; body: Health }> {
  const res = await fetch(`${h.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Health };
}

const gs = grids();

async function report(h: HubProcess, i: number): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${h.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Api-Key': KEY }, body: JSON.stringify(apartReportBody(i, gs, 'fault')) });
  const answer = (await res.json()) as { error?: string };
  return { status: res.status, ...(answer.error ? { code: answer.error } : {}) };
}

const ready = pgUnreachable === null && redisAvailable('three hub processes under Redis and PostgreSQL faults');

if (ready) {
  describe('three hub processes: Redis killed and restarted, PostgreSQL unreachable for 30 s', () => {
    it('say they are degraded and recover by themselves; nothing acknowledged is lost, nothing refused is stored, every wall sees every change once in order', { timeout: 480_000 }, async () => {
      const database = `cluster_faults_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      const direct = new URL(PG_URL);
      direct.pathname = `/${database}`;
      const proxy = await tcpProxy(new URL(PG_URL));
      const via = new URL(direct);
      via.hostname = '127.0.0.1';
      via.port = String(proxy.port);
      const redis = new PrivateRedis(await freePort());
      await redis.start();
      const dataDir = mkdtempSync(join(tmpdir(), 'cluster-faults-'));
      // the simulated city moves patrols on the lease holder and reports nothing (SIM_RATE=0)
      const common = { SIM: '1', SIM_RATE: '0', SIM_HISTORY_DAYS: '0', INGEST_KEY: KEY, INGEST_RATES: 'reports=100000', DATABASE_URL: via.toString(), DATA_DIR: dataDir, ADMIN_PASSWORD: 'cluster-faults-password', REDIS_URL: redis.url, CLUSTER_NAME: database };
      const hubs: HubProcess[] = [];
      const sockets: TestClient[] = [];
      try {
        hubs.push(await startHubProcess('node-a', common));
        await vi.waitFor(async () => expect((await health(hubs[0]!)).body.simulator.running).toBe(true), WAIT);
        for (const name of ['node-b', 'node-c']) hubs.push(await startHubProcess(name, common));
        const [a, b, c] = hubs as [HubProcess, HubProcess, HubProcess];

        // a wall per node (cases), and one on c for patrols: a's simulated patrols reach it only through Redis
        const walls = await Promise.all(
          hubs.map(async (h) => {
            const { socket, rootRegion } = await connectClient(h.url);
            sockets.push(socket);
            const seqs: number[] = [];
            for (const type of ['incident:reported', 'incident:updated'] as const) socket.on(type, (d: Delta) => seqs.push(d.seq));
            const result = await new Promise<SubscribeResult>((resolve, reject) =>
              socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents', 'patrols'] }, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(ack.message)))),
            );
            if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
            return { socket, seqs, from: result.snapshot.seq };
          }),
        );
        const onC = walls[2]!.socket;
        const moving = () => nextEvent(onC, 'positions', (frame) => decodePositionsFrame(frame as unknown as Uint8Array).positions.length > 0, 60_000);
        await moving();

        let i = 0;
        const acknowledged: number[] = [];
        const refusedNumbers: number[] = [];
        const send = async (h: HubProcess) => {
          const n = i++;
          const answer = await report(h, n);
          if (answer.status === 201) acknowledged.push(n);
          else refusedNumbers.push(n);
          return answer;
        };
        for (const h of hubs) expect((await send(h)).status).toBe(201);

        // ── Redis killed: degraded (200), walls told, reports still taken ──
        const told = nextEvent(onC, 'hub:status', (s: HubStatus) => s.redis?.state === 'unavailable', 60_000);
        await redis.kill();
        await vi.waitFor(async () => {
          for (const h of hubs) expect(await health(h)).toMatchObject({ status: 200, body: { ok: true, degraded: ['redis'], redis: { state: 'unavailable' } } });
        }, WAIT);
        await told;
        for (const h of hubs) expect((await send(h)).status).toBe(201);
        // started again on its port: every node recovers by itself, and a's patrols reach c again
        await redis.start();
        await vi.waitFor(async () => {
          for (const h of hubs) expect(await health(h)).toMatchObject({ status: 200, body: { ok: true, degraded: [], redis: { state: 'ok' } } });
        }, WAIT);
        await moving();

        // ── PostgreSQL unreachable for 30 s: 503 on every node, nothing stored ──
        proxy.refuse(true);
        const downAt = performance.now();
        await vi.waitFor(async () => {
          for (const h of hubs) expect((await health(h)).body.store.state).toBe('unavailable');
        }, WAIT);
        let refused = 0;
        while (performance.now() - downAt < OUTAGE_MS) {
          for (const h of hubs) {
            expect(await send(h)).toEqual({ status: 503, code: 'STORE_UNAVAILABLE' });
            refused++;
          }
          await new Promise((resolve) => setTimeout(resolve, 500)); // paces the refused writes; nothing waits on it
        }
        proxy.refuse(false);
        const upAt = performance.now();
        await vi.waitFor(async () => {
          for (const h of hubs) expect((await health(h)).body.store.state).toBe('available');
        }, WAIT);
        const recoveredMs = performance.now() - upAt;
        for (const h of [c, b, a]) expect((await send(h)).status).toBe(201);

        // ── counted ──
        const db = new pg.Client({ connectionString: direct.toString() });
        await db.connect();
        let stored: { seq: number; title: string }[];
        try {
          const rows = await db.query<{ seq: string; title: string }>(`SELECT seq, payload->'data'->'incident'->>'title' AS title FROM events WHERE kind = 'incident' ORDER BY seq`);
          stored = rows.rows.map((r) => ({ seq: Number(r.seq), title: r.title }));
        } finally {
          await db.end();
        }
        const titles = new Set(stored.map((e) => e.title));
        const lost = acknowledged.filter((n) => !titles.has(`fault ${n}`));
        expect(lost).toEqual([]);
        expect(refusedNumbers.filter((n) => titles.has(`fault ${n}`))).toEqual([]);
        expect(stored.length).toBe(acknowledged.length);
        const end = stored.at(-1)!.seq;
        await vi.waitFor(() => expect(walls.map((w) => w.seqs.at(-1))).toEqual([end, end, end]), WAIT);
        for (const w of walls) expect(w.seqs).toEqual(stored.filter((e) => e.seq > w.from).map((e) => e.seq));
        process.stdout.write(
          `three hub processes: Redis killed and restarted — all three said degraded and recovered by themselves, reports taken meanwhile; PostgreSQL unreachable ${OUTAGE_MS / 1000} s — ` +
            `${refused} writes refused with 503 (none stored), all three took writes again ${Math.round(recoveredMs)} ms after it answered; ${acknowledged.length} acknowledged, 0 lost; every wall saw every change once in order\n`,
        );
      } finally {
        for (const s of sockets) s.disconnect();
        await killAll(hubs);
        await proxy.close();
        await redis.kill();
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
} else if (pgUnreachable !== null && process.env.REQUIRE_POSTGRES === '1') {
  describe('three hub processes under faults', () => {
    it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => expect.fail(`PostgreSQL is unreachable (${pgUnreachable})`));
  });
} else if (pgUnreachable !== null) {
  console.warn(`\n!! three hub processes under Redis and PostgreSQL faults DID NOT RUN: ${pgUnreachable}. Set REQUIRE_POSTGRES=1 to make this a failure.\n`);
}
