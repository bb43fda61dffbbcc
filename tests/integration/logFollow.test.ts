/**
 * Several hub nodes on one PostgreSQL database, their memory following its log (issue 18,
 * server/hub/logFollower.ts): three real hubs in this process (a pool each, as separate nodes
 * have), real socket.io clients spread across them. Every client sees every change of its region
 * exactly once and in the store's seq order, whichever node took it; a client resumes on another
 * node with the history id and seq it held; concurrent changes of one case on two nodes are both
 * taken (the stale one decided again after catching up), and cases reported on two nodes at once
 * get distinct numbers. Memory on every node equals the store's rows. Skipped loudly without
 * PostgreSQL (a failure with REQUIRE_POSTGRES=1). Three separate processes, kill -9: clusterKill.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Delta, SubscribeResult } from '@shared/schemas/live';
import { connectClient, grids, nextEvent, smallRoster, startTestHub, type TestClient, type TestHub } from './harness';
import { sharedPostgresStores } from './twoNodeStores';

const operator = { kind: 'operator', id: 'op-1', name: '值班员甲' } as const;
const gs = grids();
// far apart and of different categories: no report joins another (duplicate fusion)
const CATEGORIES = ['sanitation', 'public_order', 'traffic'];
const report = (i: number) => ({
  source: 'patrol',
  category: CATEGORIES[i % CATEGORIES.length]!,
  severity: 1,
  title: `case ${i}`,
  location: { lng: gs[(i * 7) % gs.length]!.center[0], lat: gs[(i * 7) % gs.length]!.center[1] },
  reporter: { kind: 'patrol' },
});
const RELIABLE = ['incident:reported', 'incident:updated', 'videoAlarm:updated', 'focus:changed', 'alert:changed', 'camera:updated', 'patrol:updated'] as const;
// only a hang: the test's own timeout is longer
const WAIT = { timeout: 40_000, interval: 25 };

const open = await sharedPostgresStores('following the log on three nodes', 'follow_test');

if (open) {
  describe('three hub nodes on one PostgreSQL database, memory following the log', () => {
    const hubs: TestHub[] = [];
    const sockets: TestClient[] = [];
    let cleanup: (() => Promise<void>) | null = null;
    afterEach(async () => {
      for (const s of sockets.splice(0)) s.disconnect();
      for (const t of hubs.splice(0)) await t.close().catch(() => undefined);
      await cleanup?.();
      cleanup = null;
    });

    async function threeNodes(): Promise<TestHub[]> {
      const opened = await open!(3);
      cleanup = opened.cleanup;
      for (const [i, store] of opened.stores.entries()) {
        hubs.push(await startTestHub({ store, keepStore: true, nodeId: `node-${i}`, coordination: { rules: [] }, followLog: { pollMs: 250 } }));
      }
      return hubs;
    }

    /** a wall on `t` subscribed to the whole city; every reliable delta it receives, in arrival order */
    async function wall(t: TestHub, held?: { lastSeq: number; historyId: string }) {
      const { socket, rootRegion, hello } = await connectClient(t.url);
      sockets.push(socket);
      const deltas: Delta[] = [];
      for (const type of RELIABLE) socket.on(type, (d: Delta) => deltas.push(d));
      const result = await new Promise<SubscribeResult>((resolve, reject) =>
        socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: rootRegion, layers: ['incidents', 'patrols', 'cameras'], ...(held ?? {}) }, (ack) =>
          ack.ok ? resolve(ack.data) : reject(new Error(ack.message)),
        ),
      );
      return { socket, deltas, result, hello };
    }

    const lastSeqOf = (deltas: readonly Delta[]) => deltas.at(-1)?.seq ?? 0;

    it('every wall on every node sees every change exactly once, in seq order; memory equals the store', async () => {
      const [a, b, c] = await threeNodes();
      const walls = await Promise.all([a!, b!, c!].map((t) => wall(t)));
      const start = await a!.store.lastSeq();
      // 30 cases reported on the three nodes at once
      const reported = await Promise.all(Array.from({ length: 30 }, (_, i) => hubs[i % 3]!.hub.report(report(i))));
      const ids = reported.map((r) => r.incident.id);
      expect(new Set(ids).size).toBe(30); // numbers issued on three nodes at once: all distinct
      // every node holds every case before people act on them from another node's desk
      await expect.poll(() => hubs.every((t) => ids.every((id) => t.hub.incidents.get(id))), WAIT).toBe(true);
      // each case is registered on the next node and noted on the one after, at the same time: the
      // two steps of one case race on two nodes, and both are taken
      await Promise.all(
        ids.flatMap((id, i) => [
          hubs[(i + 1) % 3]!.hub.command(id, { action: 'note', note: `note from node ${(i + 1) % 3}` }, { actor: operator }),
          hubs[(i + 2) % 3]!.hub.command(id, { action: 'register' }, { actor: operator }),
        ]),
      );
      const end = await a!.store.lastSeq();
      const stored = await a!.store.readEvents({ afterSeq: start });
      expect(stored.length).toBe(90);
      await expect.poll(() => walls.every((w) => lastSeqOf(w.deltas) === end), WAIT).toBe(true);
      for (const w of walls) {
        // exactly the store's events, in its order, nothing twice
        expect(w.deltas.map((d) => d.seq)).toEqual(stored.map((e) => e.seq));
        // and each delta carries the case as of that seq: its versions count up one by one
        const versions = new Map<string, number[]>();
        for (const d of w.deltas) if (d.type === 'incident:reported' || d.type === 'incident:updated') versions.set(d.incident.id, [...(versions.get(d.incident.id) ?? []), d.incident.version]);
        for (const id of ids) expect(versions.get(id)).toEqual([1, 2, 3]);
      }
      for (const t of hubs) {
        expect(t.hub.seq).toBe(end);
        for (const id of ids) {
          const row = await t.store.getIncident(id);
          expect(t.hub.incidents.get(id)?.incident).toEqual(row);
          expect(t.hub.incidents.get(id)?.entries.map((e) => e.seq)).toEqual(stored.filter((e) => e.aggregateId === id).map((e) => e.seq));
        }
      }
    });

    it('the history id comes from the database: the same on every node of one schema, another for another schema', async () => {
      const one = await open!(2);
      const other = await open!(1);
      try {
        const [x, y] = await Promise.all(one.stores.map((st) => st.databaseIdentity!()));
        const z = await other.stores[0]!.databaseIdentity!();
        // system identifier, timeline, database oid, schema oid
        expect(x).toMatch(/^\d+:\d+:\d+:\d+$/);
        expect(y).toBe(x);
        expect(z).not.toBe(x);
        expect(z.split(":").slice(0, 3)).toEqual(x!.split(":").slice(0, 3)); // same server and database, another schema
      } finally {
        await one.cleanup();
        await other.cleanup();
      }
    });

    it('a wall resumes on another node with the history and seq it held: exactly what it missed', async () => {
      const [a, b, c] = await threeNodes();
      const first = await wall(a!);
      expect(first.result.mode).toBe('snapshot');
      if (first.result.mode !== 'snapshot') return;
      // one history for the cluster: every node says the same id
      const hellos = await Promise.all([b!, c!].map(async (t) => (await connectClient(t.url)).hello.historyId));
      expect(hellos).toEqual([first.hello.historyId, first.hello.historyId]);
      const held = { lastSeq: first.result.snapshot.seq, historyId: first.result.snapshot.historyId! };
      first.socket.disconnect();
      // while it is away (its node a, say, died): changes on b and c
      const made = [(await b!.hub.report(report(40))).incident.id, (await c!.hub.report(report(41))).incident.id];
      await b!.hub.command(made[0]!, { action: 'register' }, { actor: operator });
      const end = await a!.store.lastSeq();
      await expect.poll(() => c!.hub.seq, WAIT).toBe(end);
      const resumed = await wall(c!, held);
      expect(resumed.result.mode).toBe('resume');
      if (resumed.result.mode !== 'resume') return;
      const missed = await a!.store.readEvents({ afterSeq: held.lastSeq });
      expect(resumed.result.deltas.map((d) => d.seq)).toEqual(missed.map((e) => e.seq));
      expect(resumed.result.deltas.map((d) => d.type)).toEqual(['incident:reported', 'incident:reported', 'incident:updated']);
    });

    it('an alert the lease holder raises sounds again and escalates on the walls of a node standing by', { timeout: 150_000 }, async () => {
      const opened = await open!(2);
      cleanup = opened.cleanup;
      // a takes the lease (first), b stands by; the shipped rules, fast repeats and escalation
      // escalation well after the first repeats, so that a loaded machine still hears a plain repeat first
      const coordination = { timing: { repeatMs: 300, escalateAfterMs: 5_000 }, sweepMs: 100 };
      for (const [i, store] of opened.stores.entries()) hubs.push(await startTestHub({ store, keepStore: true, nodeId: `node-${i}`, coordination, followLog: { pollMs: 250 } }));
      const [a, b] = hubs as [TestHub, TestHub];
      expect(a.app.lease.status().held).toBe(true);
      const onB = await wall(b);
      const repeated = nextEvent(onB.socket, 'alert:sounded', (x) => x.repeat >= 1 && !x.escalated, 120_000);
      const escalated = nextEvent(onB.socket, 'alert:sounded', (x) => x.escalated, 120_000);
      // reported on b: raised by a's rules (its memory follows the log), written by a, installed on b
      const { incident } = await b.hub.report({ source: 'hotline', category: 'fire_safety', severity: 4, title: '厂房起火', location: { lng: gs[0]!.center[0], lat: gs[0]!.center[1] }, reporter: { kind: 'citizen' } });
      const [again, up] = await Promise.all([repeated, escalated]);
      const alert = b.app.coordination.alerts.get(again.alertId)!;
      expect(alert).toMatchObject({ incidentId: incident.id, state: 'waiting' });
      expect(up.alertId).toBe(alert.id);
      expect(b.app.coordination.alerts.get(alert.id)?.escalatedAt).not.toBeNull();
      // escalated once, by the holder alone
      const events = await b.store.readEvents({ kind: 'alert', aggregateId: alert.id });
      expect(events.map((e) => e.type).filter((t) => t === 'escalated')).toHaveLength(1);
    });

    it('a roster loaded on one node, statuses, AI alarms and history written quietly reach the others', async () => {
      const [a, b, c] = await threeNodes();
      const roster = smallRoster(12, Date.now());
      await a!.hub.loadRoster(roster.cameras, roster.patrols);
      const sizes = [roster.cameras.length, roster.patrols.length];
      await expect.poll(() => [b!, c!].map((t) => [t.hub.cameras.size, t.hub.patrols.size]), WAIT).toEqual([sizes, sizes]);
      const onC = await wall(c!);
      const patrol = roster.patrols[3]!;
      await b!.hub.updatePatrolStatuses({ changes: [{ patrolId: patrol.id, status: 'off_duty', at: Date.now() }] });
      await expect.poll(() => onC.deltas.find((d) => d.type === 'patrol:updated'), WAIT).toBeTruthy();
      expect(c!.hub.patrols.get(patrol.id)?.status).toBe('off_duty');
      // an AI alarm raised on b: in c's confirm queue, and on its wall
      const { alarm } = await b!.hub.raiseVideoAlarm({ cameraId: roster.cameras[2]!.id, alarmType: 'garbage', confidence: 0.9 });
      await expect.poll(() => onC.deltas.some((d) => d.type === 'videoAlarm:updated' && d.alarm.id === alarm.id), WAIT).toBe(true);
      expect(c!.hub.videoAlarms.get(alarm.id)).toEqual(alarm);

      // history written quietly on a: installed on c without deltas, and c's walls are told to take a snapshot
      const resync = new Promise<{ reason: string }>((resolve) => onC.socket.once('resync', resolve));
      const before = onC.deltas.length;
      const [historic] = await a!.hub.applyBatch([{ kind: 'report', input: { ...report(50), reportedAt: Date.now() - 5 * 86_400_000 } }], { quiet: true });
      expect((await resync).reason).toMatch(/history or an import/);
      expect(c!.hub.incidents.get(historic!.incident.id)?.incident).toEqual(historic!.incident);
      expect(onC.deltas.length).toBe(before);
    });
  });
}
