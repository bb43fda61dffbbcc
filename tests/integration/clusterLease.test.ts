/**
 * The cluster lease (server/hub/clusterLease.ts) with two real hubs on one database — PGlite (one
 * store both hubs share, as nodes share a database) and PostgreSQL (a store, so a pool, per hub;
 * skipped loudly when unreachable, a failure with REQUIRE_POSTGRES=1): one holds it and runs the
 * duties that run once for the cluster (the overdue sweep, counted by its calls and by its
 * writes; the rule triggers), the other stands by; the holder that stops renewing (its loop
 * halted as a dead node's is) gives up its duties when its term runs out and the other takes over
 * after it — never both at once; a holder whose store stops answering does the same and takes the
 * lease back when it answers; a clean stop hands over at once. Conditions are awaited, never slept
 * for. Killed with SIGKILL for real: clusterLeaseKill.test.ts.
 */
import type { Incident } from '@shared/schemas/incident';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPgliteStore } from '../../server/store/pgliteStore';
import type { Store } from '../../server/store/types';
import { CLUSTER_DUTIES, ClusterLease } from '../../server/hub/clusterLease';
import { silentLogger } from '../../server/lib/log';
import { twoNodeTargets } from './twoNodeStores';
import { grids, startTestHub, type TestHub } from './harness';

/** short, so that takeovers are quick; long enough that a busy machine's event loop does not lose it by accident */
const TERM_MS = 1_000;
const g = grids()[0]!;
const WAIT = { timeout: 30_000, interval: 20 };

const targets = await twoNodeTargets('the cluster lease', 'lease_test');

/** a store whose lease claims can be made to hang (a stalled database) and whose every call can be made to fail (an unreachable one) */
function faultable(store: Store) {
  const state = { claims: { taken: 0, refused: 0, failed: 0 }, mode: 'ok' as 'ok' | 'hang' | 'down' };
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        if (state.mode === 'down') {
          if (prop === 'acquireLease') state.claims.failed++;
          return Promise.reject(refused());
        }
        if (prop !== 'acquireLease') return (value as (...a: unknown[]) => unknown).apply(target, args);
        if (state.mode === 'hang') return new Promise(() => undefined);
        return (value as Store['acquireLease']).apply(target, args as Parameters<Store['acquireLease']>).then((claim) => {
          claim.held ? state.claims.taken++ : state.claims.refused++;
          return claim;
        });
      };
    },
  });
  return { store: wrapped, state };
}

for (const target of targets) {
  describe(`the cluster lease: two hubs on one ${target.name} database`, () => {
    const hubs: TestHub[] = [];
    let cleanup: (() => Promise<void>) | null = null;
    afterEach(async () => {
      for (const t of hubs.splice(0)) await t.close().catch(() => undefined);
      await cleanup?.();
      cleanup = null;
    });

    /** node a started first (it takes the lease), then node b; every gain checked against the other node's view at that moment */
    async function twoNodes(opts: { clock?: () => number; overdueSweepMs?: number; termMs?: number; rules?: 'shipped' | 'none'; beforeB?: (hubA: TestHub) => Promise<void> } = {}) {
      const opened = await target.open();
      cleanup = opened.cleanup;
      const a = faultable(opened.stores[0]);
      const b = faultable(opened.stores[1]);
      // on PostgreSQL the nodes' memory follows the log, as with REDIS_URL in the product
      const common = { keepStore: true, followLog: target.name === 'PostgreSQL', leaseTermMs: opts.termMs ?? TERM_MS, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.overdueSweepMs ? { overdueSweepMs: opts.overdueSweepMs } : {}), ...(opts.rules === 'shipped' ? {} : { coordination: { rules: [] } }) };
      const hubA = await startTestHub({ ...common, store: a.store, nodeId: 'node-a' });
      hubs.push(hubA);
      await opts.beforeB?.(hubA);
      const hubB = await startTestHub({ ...common, store: b.store, nodeId: 'node-b' });
      hubs.push(hubB);
      const overlaps: string[] = [];
      const gains: { node: string; at: number }[] = [];
      for (const [self, other] of [[hubA, hubB], [hubB, hubA]] as const) {
        self.app.lease.onChange((held) => {
          if (!held) return;
          gains.push({ node: self.app.lease.status().nodeId, at: performance.now() });
          if (other.app.lease.held) overlaps.push(`${self.app.lease.status().nodeId} took the lease while ${other.app.lease.status().nodeId} held it`);
        });
      }
      return { hubA, hubB, a, b, overlaps, gains };
    }

    it('one holds it and runs the duties; the other stands by across many renewals; /healthz and /metrics say which', async () => {
      const { hubA, hubB, b, overlaps } = await twoNodes();
      expect(hubA.app.lease.held).toBe(true);
      expect(hubA.app.duties.running('rule triggers')).toBe(true);
      // three terms of refused claims by b while a renews
      await vi.waitFor(() => expect(b.state.claims.refused).toBeGreaterThanOrEqual(10), WAIT);
      expect(hubA.app.lease.status()).toMatchObject({ held: true, holder: 'node-a', losses: 0, acquisitions: 1 });
      expect(hubB.app.lease.status()).toMatchObject({ held: false, holder: 'node-a', acquisitions: 0 });
      expect(hubB.app.duties.running('rule triggers')).toBe(false);
      expect(b.state.claims.taken).toBe(0);

      const health = async (t: TestHub) => (await (await fetch(`${t.url}/healthz`)).json()) as { ok: boolean; lease: { held: boolean; holder: string; name: string } };
      expect(await health(hubA)).toMatchObject({ ok: true, lease: { name: CLUSTER_DUTIES, held: true, holder: 'node-a' } });
      expect(await health(hubB)).toMatchObject({ ok: true, lease: { name: CLUSTER_DUTIES, held: false, holder: 'node-a' } });
      const gauge = async (t: TestHub) => /gcw_cluster_lease_held\{lease="cluster-duties"\} (\d)/.exec(await (await fetch(`${t.url}/metrics`)).text())?.[1];
      expect(await gauge(hubA)).toBe('1');
      expect(await gauge(hubB)).toBe('0');
      expect(overlaps).toEqual([]);
    });

    it('the overdue sweep runs on exactly one of them: its calls and its writes', async () => {
      let now = Date.parse('2026-12-07T02:00:00Z'); // a Monday, 10:00 in the centre
      let incident!: Incident;
      // a case both nodes hold in memory: reported on a, read from the store by b as it starts
      const report = async (hubA: TestHub) => {
        ({ incident } = await hubA.hub.report({ source: 'patrol', category: 'sanitation', severity: 1, title: '垃圾满溢', location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'patrol' } }));
      };
      const { hubA, hubB } = await twoNodes({ clock: () => now, overdueSweepMs: 100, beforeB: report });
      expect(hubB.hub.incidents.get(incident.id)?.incident.overdue).toBe(false);
      const sweepsA = vi.spyOn(hubA.hub, 'sweepOverdue');
      const sweepsB = vi.spyOn(hubB.hub, 'sweepOverdue');
      now = incident.deadline!.dueAt + 60_000;
      // each node would mark the case overdue in its own memory and write it: only the holder does
      await vi.waitFor(() => expect(sweepsA.mock.calls.length).toBeGreaterThanOrEqual(5), WAIT);
      await hubA.hub.queue.idle();
      expect(sweepsB).not.toHaveBeenCalled();
      const marked = (await hubA.store.readEvents({ aggregateId: incident.id })).filter((e) => e.type === 'overdue');
      expect(marked).toHaveLength(1);
      if (hubB.hub.following) {
        // on PostgreSQL b's memory follows the log: it learns the holder's one mark, and makes none
        await vi.waitFor(() => expect(hubB.hub.incidents.get(incident.id)!.incident.overdue).toBe(true), WAIT);
        expect(hubB.hub.incidents.get(incident.id)!.entries.filter((e) => e.type === 'overdue').map((e) => e.seq)).toEqual(marked.map((e) => e.seq));
      } else {
        expect(hubB.hub.incidents.get(incident.id)!.incident.overdue).toBe(false);
      }
    });

    it('rule triggers run on the holder only: a serious case reported on the node standing by raises no alert there (on PostgreSQL the holder raises it, once)', async () => {
      const { hubA, hubB } = await twoNodes({ rules: 'shipped' });
      const serious = { source: 'patrol', category: 'public_order', severity: 3, location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'patrol' } } as const;
      const onB = await hubB.hub.report({ ...serious, title: '打架斗殴 b' });
      // elsewhere: following the log, a's memory may hold b's case already, and a report at the same
      // place would be joined to it (duplicate fusion across nodes) — one case, not the two this counts
      const elsewhere = grids()[7]!;
      const onA = await hubA.hub.report({ ...serious, title: '打架斗殴 a', location: { lng: elsewhere.center[0], lat: elsewhere.center[1] } });
      expect(onB.incident.id).not.toBe(onA.incident.id);
      if (hubB.hub.following) {
        // PostgreSQL: the holder's memory follows the log, so its rules see b's case too — one alert
        // per case for the cluster, raised by the holder; b raises none and holds both from the log
        const both = [onB.incident.id, onA.incident.id].sort();
        await vi.waitFor(() => expect(hubA.app.coordination.alerts.list().map((x) => x.incidentId).sort()).toEqual(both), WAIT);
        await Promise.all([hubA.hub.queue.idle(), hubB.hub.queue.idle()]);
        const alerts = await hubA.store.readEvents({ kind: 'alert' });
        expect(alerts.map((e) => (e.payload as { incidentId: string }).incidentId).sort()).toEqual(both);
        await vi.waitFor(() => expect(hubB.app.coordination.alerts.list().map((x) => x.incidentId).sort()).toEqual(both), WAIT);
        return;
      }
      await vi.waitFor(() => expect(hubA.app.coordination.alerts.list().map((x) => x.incidentId)).toContain(onA.incident.id), WAIT);
      await Promise.all([hubA.hub.queue.idle(), hubB.hub.queue.idle()]);
      const alerts = await hubA.store.readEvents({ kind: 'alert' });
      expect(alerts.map((e) => (e.payload as { incidentId: string }).incidentId)).toEqual([onA.incident.id]);
      expect(hubB.app.coordination.alerts.list()).toEqual([]);
    });

    it('the holder stops renewing (a dead node): its duties stop when its term runs out, and the other takes over after it', async () => {
      const { hubA, hubB, overlaps, gains } = await twoNodes({ overdueSweepMs: 100 });
      const sweepsB = vi.spyOn(hubB.hub, 'sweepOverdue');
      const sweepsA = vi.spyOn(hubA.hub, 'sweepOverdue');
      await vi.waitFor(() => expect(sweepsA).toHaveBeenCalled(), WAIT);
      const stoppedAt = performance.now();
      hubA.app.lease.halt();
      await vi.waitFor(() => expect(hubB.app.lease.held).toBe(true), WAIT);
      await hubB.app.duties.settled();
      await hubA.app.duties.settled();
      expect(hubA.app.lease.held).toBe(false);
      expect(hubA.app.duties.running('rule triggers')).toBe(false);
      expect(hubB.app.duties.running('rule triggers')).toBe(true);
      const sweptByA = sweepsA.mock.calls.length;
      await vi.waitFor(() => expect(sweepsB.mock.calls.length).toBeGreaterThanOrEqual(5), WAIT);
      expect(sweepsA.mock.calls.length).toBe(sweptByA);
      expect(overlaps).toEqual([]);
      const tookOver = gains.find((x) => x.node === 'node-b')!.at - stoppedAt;
      process.stdout.write(`cluster lease on ${target.name}: node-b took over ${Math.round(tookOver)} ms after node-a stopped renewing (term ${TERM_MS} ms)\n`);
    });

    it('a holder whose claims hang (a stalled database) gives the lease up when its term runs out; the other, whose store answers, takes over', async () => {
      const { hubA, hubB, a, overlaps } = await twoNodes();
      a.state.mode = 'hang';
      await vi.waitFor(() => expect(hubB.app.lease.held).toBe(true), WAIT);
      expect(hubA.app.lease.held).toBe(false);
      await hubA.app.duties.settled();
      expect(hubA.app.duties.running('rule triggers')).toBe(false);
      // a's store answers again: b holds it, a stands by
      a.state.mode = 'ok';
      const refusedBefore = a.state.claims.refused;
      await vi.waitFor(() => expect(a.state.claims.refused).toBeGreaterThan(refusedBefore + 2), WAIT);
      expect(hubA.app.lease.held).toBe(false);
      expect(hubB.app.lease.status()).toMatchObject({ held: true, losses: 0 });
      expect(overlaps).toEqual([]);
    });

    it('a clean stop releases it: the other takes over at once, before the stopped node\'s term would have run out', async () => {
      // a long term: waiting it out is not what hands the lease over
      const { hubA, hubB, a } = await twoNodes({ termMs: 6_000 });
      const probe = { name: CLUSTER_DUTIES, holder: 'probe', instance: 'probe', termMs: 1 };
      const before = await a.store.acquireLease(probe);
      expect(before).toMatchObject({ held: false, lease: { holder: 'node-a' } });
      await hubA.close();
      hubs.splice(hubs.indexOf(hubA), 1);
      await vi.waitFor(() => expect(hubB.app.lease.held).toBe(true), WAIT);
      const after = await hubB.store.acquireLease(probe);
      expect(after.lease).toMatchObject({ holder: 'node-b' });
      expect(after.lease!.acquiredAt).toBeLessThan(before.lease!.expiresAt);
    });
  });
}

describe('the cluster lease on one hub whose database goes away', () => {
  it('keeps its duties through a blip shorter than the term, gives them up when the term runs out, takes them back when the store answers', async () => {
    const inner = await createPgliteStore({});
    await inner.migrate();
    const s = faultable(inner);
    const t = await startTestHub({ store: s.store, leaseTermMs: TERM_MS, storeHealth: { pingEveryMs: 100, probeEveryMs: 100 } });
    try {
      expect(t.app.lease.held).toBe(true);
      // one claim fails, the next answers: within the term, nothing changes
      s.state.mode = 'down';
      await vi.waitFor(() => expect(s.state.claims.failed).toBe(1), { timeout: 30_000, interval: 1 });
      s.state.mode = 'ok';
      const taken = s.state.claims.taken;
      await vi.waitFor(() => expect(s.state.claims.taken).toBeGreaterThan(taken), WAIT);
      expect(t.app.lease.status()).toMatchObject({ held: true, acquisitions: 1, losses: 0 });

      s.state.mode = 'down';
      await vi.waitFor(() => expect(t.hub.storeHealth.available).toBe(false), WAIT);
      await vi.waitFor(() => expect(t.app.lease.held).toBe(false), WAIT);
      await t.app.duties.settled();
      expect(t.app.duties.running('rule triggers')).toBe(false);
      const health = (await (await fetch(`${t.url}/healthz`)).json()) as { ok: boolean; lease: { held: boolean } };
      expect(health).toMatchObject({ ok: false, lease: { held: false } });
      s.state.mode = 'ok';
      await vi.waitFor(() => expect(t.app.lease.held).toBe(true), WAIT);
      await t.app.duties.settled();
      expect(t.app.duties.running('rule triggers')).toBe(true);
      expect(t.app.lease.status()).toMatchObject({ acquisitions: 2, losses: 1 });
    } finally {
      await t.close();
    }
  });
});

describe('the cluster lease on an embedded store (one process per data directory)', () => {
  it('a new run of the node takes back at once what a killed run held; on a shared store another run waits out the term', async () => {
    const store = await createPgliteStore({});
    await store.migrate();
    const term = 60_000; // far longer than the test: taking it back cannot be the term running out
    const lease = (exclusiveStore: boolean) => new ClusterLease(store, { name: CLUSTER_DUTIES, nodeId: 'node-1', termMs: term, exclusiveStore }, silentLogger);
    try {
      const killed = lease(true);
      expect(await killed.start()).toBe(true);
      killed.halt(); // kill -9: nothing released, its term stands in the database
      const elsewhere = lease(false); // the same NODE_ID as another run on a shared database: not the same process
      expect(await elsewhere.start()).toBe(false);
      elsewhere.halt();
      const restarted = lease(true);
      expect(await restarted.start()).toBe(true);
      await restarted.stop();
    } finally {
      await store.close();
    }
  });
});
