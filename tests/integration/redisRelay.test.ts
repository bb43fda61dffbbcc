/**
 * Two real hubs on one store and one Redis of the test's own (privateRedis.ts; REDIS_URL): a fix
 * POSTed to node a reaches a real wall subscribed on node b, and the other way round. Redis killed:
 * both nodes say so (/healthz 200 `degraded: ['redis']`, gcw_redis_up 0, `hub:status` to the
 * walls); started again on the same port: both come back by themselves and fixes flow again. A
 * malformed message on the channel is counted and dropped. Waits are for the events themselves;
 * their timeouts only catch a hang. Without REDIS_URL (every other suite) nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { PROTOCOL_VERSION } from '@shared/events';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import type { HubStatus } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import { createPgliteStore } from '../../server/store/pgliteStore';
import type { Store } from '../../server/store/types';
import { channelOf } from '../../server/cluster';
import { INGEST_HEADERS, connectClient, nextEvent, smallRoster, startTestHub, type TestClient, type TestHub } from './harness';
import { freePort, PrivateRedis, redisAvailable } from './privateRedis';

const WAIT = { timeout: 30_000, interval: 50 };

describe('without REDIS_URL', () => {
  it('a single node as before: redis off and healthy, nothing of it in hello or /metrics', async () => {
    const t = await startTestHub();
    try {
      const res = await fetch(`${t.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, degraded: [], redis: { state: 'off', reason: null } });
      const { socket, hello } = await connectClient(t.url);
      socket.close();
      expect(hello.status).toEqual({ writes: 'ok', reason: null, since: expect.any(Number) });
      expect(await (await fetch(`${t.url}/metrics`)).text()).not.toMatch(/gcw_redis_up|gcw_relay_/);
    } finally {
      await t.close();
    }
  });
});

if (redisAvailable('the position relay through Redis')) {
  describe('two hubs on one Redis', () => {
    let redis: PrivateRedis;
    let store: Store;
    let a: TestHub;
    let b: TestHub;
    let roster: Patrol[];
    const walls: TestClient[] = [];
    const clusterName = `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

    beforeAll(async () => {
      redis = new PrivateRedis(await freePort());
      await redis.start();
      store = await createPgliteStore({});
      await store.migrate();
      const cluster = { redisUrl: redis.url, clusterName, link: { pingEveryMs: 200, commandTimeoutMs: 500, retryMs: 200 } };
      a = await startTestHub({ store, keepStore: true, nodeId: 'node-a', cluster });
      const r = smallRoster(10, Date.now());
      await a.hub.loadRoster(r.cameras, r.patrols);
      roster = r.patrols;
      // b reads the roster a loaded from the store they share
      b = await startTestHub({ store, keepStore: true, nodeId: 'node-b', cluster });
      await vi.waitFor(async () => {
        for (const t of [a, b]) expect((await health(t)).body.redis.state).toBe('ok');
      }, WAIT);
    });
    afterAll(async () => {
      for (const w of walls) w.close();
      await a?.close();
      await b?.close();
      await store?.close();
      await redis?.kill();
    });

    async function health(t: TestHub) {
      const res = await fetch(`${t.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { ok: boolean; degraded: string[]; redis: { state: string; since: number; reason: string | null } } };
    }

    async function wall(t: TestHub): Promise<TestClient> {
      const { socket } = await connectClient(t.url);
      walls.push(socket);
      const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['patrols'] } as never, (x) => resolve(x as never)));
      expect(ack.ok).toBe(true);
      return socket;
    }

    /** posts one fix of `patrol` to `t` and resolves when `on` has a frame with it */
    async function relayed(t: TestHub, on: TestClient, patrol: Patrol, step: number) {
      const grid = t.hub.geo.get(patrol.gridCode)!;
      const fix = { patrolId: patrol.id, lng: Number((grid.center[0] + step / 1e6).toFixed(6)), lat: Number(grid.center[1].toFixed(6)), at: Date.now() };
      // one patrol moved: its frame is the first of its tick (nextEvent reads the first)
      const seen = nextEvent(on, 'positions', (frame) => decodePositionsFrame(frame as unknown as Uint8Array).positions.some((p) => p.idx === patrol.idx && Math.abs(p.lng - fix.lng) < 1e-6 && p.at === fix.at));
      const res = await fetch(`${t.url}/api/positions`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ positions: [fix] }) });
      expect(res.status).toBe(202);
      await seen;
      return fix;
    }

    it('a fix taken on one node reaches a wall on the other, both ways; the receiver does not sample it again', async () => {
      const onB = await wall(b);
      const onA = await wall(a);
      const fix = await relayed(a, onB, roster[0]!, 1);
      expect(b.hub.positions.get(roster[0]!.idx)).toMatchObject({ at: fix.at });
      await relayed(b, onA, roster[1]!, 2);
      expect(b.hub.positions.drainForSampling()).not.toContain(roster[0]!.idx);
      const metricsB = await (await fetch(`${b.url}/metrics`)).text();
      expect(metricsB).toMatch(/gcw_redis_up 1/);
      expect(Number(/gcw_relay_fixes_total\{direction="received"\} (\d+)/.exec(metricsB)?.[1])).toBeGreaterThanOrEqual(1);
    });

    it('a malformed message on the channel is counted and dropped; the node goes on', async () => {
      const onB = await wall(b);
      const junk = new Redis(redis.url);
      try {
        await junk.publish(channelOf(clusterName), Buffer.from('not a relay batch'));
      } finally {
        junk.disconnect();
      }
      await vi.waitFor(async () => expect(await (await fetch(`${b.url}/metrics`)).text()).toMatch(/gcw_relay_dropped_total\{reason="malformed"\} 1/), WAIT);
      await relayed(a, onB, roster[2]!, 3);
      expect((await health(b)).body.redis.state).toBe('ok');
    });

    it('Redis killed: both nodes say they are degraded, walls are told; started again on the same port: both recover by themselves and fixes flow again', async () => {
      const onB = await wall(b);
      const told = nextEvent(onB, 'hub:status', (s: HubStatus) => s.redis?.state === 'unavailable');
      await redis.kill();
      await vi.waitFor(async () => {
        for (const t of [a, b]) {
          const h = await health(t);
          // degraded, not down: a load balancer keeps every node (they all lost the same Redis)
          expect(h.status).toBe(200);
          expect(h.body).toMatchObject({ ok: true, degraded: ['redis'], redis: { state: 'unavailable' } });
        }
      }, WAIT);
      expect((await told).writes).toBe('ok');
      expect(await (await fetch(`${a.url}/metrics`)).text()).toMatch(/gcw_redis_up 0/);
      // a fix taken meanwhile is shown on its own node's walls at once
      const onA = await wall(a);
      const hello = await connectClient(b.url);
      walls.push(hello.socket);
      expect(hello.hello.status?.redis?.state).toBe('unavailable');

      const back = nextEvent(onB, 'hub:status', (s: HubStatus) => s.redis?.state === 'ok');
      await redis.start();
      await vi.waitFor(async () => {
        for (const t of [a, b]) {
          const h = await health(t);
          expect(h.status).toBe(200);
          expect(h.body).toMatchObject({ ok: true, degraded: [], redis: { state: 'ok' } });
        }
      }, WAIT);
      await back;
      await relayed(a, onB, roster[3]!, 4);
      await relayed(b, onA, roster[4]!, 5);
    });
  });
}
