/**
 * PostgreSQL failing under a running hub (issue 17 part 2), for real: a TCP proxy between the hub
 * and the database is cut in the middle of a transaction, and stalled (sockets open, no bytes).
 * Before, a cut killed the process ("Unhandled 'error' event … Connection terminated
 * unexpectedly", 3 of 4 cuts) and a stall hung /healthz with no timeout. Now: the transaction
 * fails as STORE_UNAVAILABLE and the process lives on; /healthz answers 503 within about a second
 * and says why; once the database answers again everything works without a restart. Prints what
 * it measured.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresClient, whyPostgresUnreachable } from '../../server/store/postgresStore';
import { createSqlStore } from '../../server/store/sqlStore';
import type { SqlClient } from '../../server/store/sqlClient';
import { isStoreUnavailable } from '../../server/transport/http/errors';
import { startTestHub, type TestHub } from './harness';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgUnreachable = await whyPostgresUnreachable(PG_URL);

/** a TCP proxy that can cut every connection or stall them (stop passing bytes both ways) */
async function tcpProxy(target: URL): Promise<{ port: number; cut(): void; stall(on: boolean): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  const server: Server = createServer((inbound) => {
    const outbound = connect(Number(target.port || 5432), target.hostname);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    const pipe = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!stalled) to.write(chunk);
        else (from as Socket & { held?: Buffer[] }).held = [...((from as Socket & { held?: Buffer[] }).held ?? []), chunk];
      });
    pipe(inbound, outbound);
    pipe(outbound, inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    stall(on) {
      stalled = on;
      if (on) return;
      // the bytes held while stalled go on now, in order
      for (const [a, b] of pairs) {
        for (const [from, to] of [[a, b], [b, a]] as const) {
          const held = (from as Socket & { held?: Buffer[] }).held ?? [];
          (from as Socket & { held?: Buffer[] }).held = [];
          for (const chunk of held) to.write(chunk);
        }
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

if (pgUnreachable === null) {
  describe('PostgreSQL behind a proxy that is cut and stalled', () => {
    let proxy: Awaited<ReturnType<typeof tcpProxy>>;
    let client: SqlClient;
    let t: TestHub;
    const schema = `faults_${process.pid}_${Date.now() % 100000}`;

    beforeAll(async () => {
      const target = new URL(PG_URL);
      proxy = await tcpProxy(target);
      const via = new URL(PG_URL);
      via.hostname = '127.0.0.1';
      via.port = String(proxy.port);
      client = await openPostgresClient({ url: via.toString(), schema, maxConnections: 4 });
      const store = createSqlStore('postgres', client);
      await store.migrate();
      t = await startTestHub({ store, fusion: 'off', coordination: { rules: [] } });
    });

    afterAll(async () => {
      await t?.close();
      const admin = await openPostgresClient({ url: PG_URL });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
      await proxy?.close();
    });

    it('a connection cut mid-transaction fails that transaction as STORE_UNAVAILABLE; the process lives on and the next query works', async () => {
      for (let round = 0; round < 4; round++) {
        const failed = await client
          .transaction(async (tx) => {
            await tx.query('SELECT 1');
            proxy.cut();
            await tx.query('SELECT 2'); // on the connection just cut
          })
          .then(
            () => null,
            (error: unknown) => error,
          );
        expect(failed, `round ${round}`).not.toBeNull();
        expect(isStoreUnavailable(failed), String(failed)).toBe(true);
        // recovery without a restart: the pool opens a new connection through the proxy
        expect(await client.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      }
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);
    });

    it('a stalled database: /healthz says 503 within about a second and why; it recovers by itself when the bytes flow again', async () => {
      proxy.stall(true);
      const started = performance.now();
      const stalled = await fetch(`${t.url}/healthz`);
      const ms = Math.round(performance.now() - started);
      expect(stalled.status).toBe(503);
      const body = (await stalled.json()) as { ok: boolean; store: { ok: boolean; error: string } };
      expect(body.store.ok).toBe(false);
      expect(body.store.error).toContain('did not answer');
      process.stdout.write(`pg faults: 4 cuts mid-transaction, 0 crashes; /healthz on a stalled database answered 503 in ${ms} ms\n`);
      proxy.stall(false);
      // each try ends on its own answer (at most the health check's one second): no fixed sleep
      let status = 0;
      for (let attempt = 0; attempt < 120 && status !== 200; attempt++) status = (await fetch(`${t.url}/healthz`)).status;
      expect(status).toBe(200);
    });
  });
} else if (process.env.REQUIRE_POSTGRES === '1') {
  describe('PostgreSQL faults', () => {
    it('reaches PostgreSQL (REQUIRE_POSTGRES=1)', () => expect.fail(`PostgreSQL is unreachable (${pgUnreachable})`));
  });
} else {
  describe.skip(`PostgreSQL faults — skipped: PostgreSQL unreachable (${pgUnreachable})`, () => {
    it('needs PostgreSQL', () => {});
  });
}
