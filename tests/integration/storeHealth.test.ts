/**
 * The hub's store health on PGlite (server/hub/storeHealth.ts; PostgreSQL behind a stalling proxy
 * in pgFaults.test.ts): a write held at the store's door stands for a stalled database. Once it
 * has waited past the stall limit the hub says so to every client (`hub:status`), refuses every
 * new change at once with 503 STORE_UNAVAILABLE, answers the changes that waited behind the stalled
 * one the same way, and goes on answering reads; when the store answers again it takes changes
 * again by itself. The held write is answered by the store: committed, it is acknowledged. Events
 * are awaited, never fixed sleeps; the durations printed are figures, not assertions.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import type { AlertSounded } from '@shared/schemas/alert';
import type { HubStatus } from '@shared/schemas/live';
import { openPgliteClient } from '../../server/store/pgliteStore';
import type { Store } from '../../server/store/types';
import { reportBody } from '../support/reportBodies';
import { controlledStore, type ControlledStore } from './controlledStore';
import { connectClient, grids, nextEvent, signedInUser, smallRoster, startTestHub, type TestClient, type TestHub, type TestUser, UNLIMITED_SOCKETS } from './harness';

const centers = grids().map((g) => g.center);

/** a store whose ping can be made to fail as an unreachable database does */
function withFailingPing(store: Store): { store: Store; down(on: boolean): void } {
  let down = false;
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  return {
    store: new Proxy(store, { get: (target, prop, receiver) => (prop === 'ping' ? () => (down ? Promise.reject(refused()) : target.ping()) : Reflect.get(target, prop, receiver)) }),
    down: (on) => (down = on),
  };
}

describe('store health on PGlite: a stalled write, a failed ping', () => {
  let t: TestHub;
  let c: ControlledStore;
  let ping: ReturnType<typeof withFailingPing>;
  let op: TestUser;
  let wall: TestClient;
  let serial = 0;
  const body = () => reportBody(serial++, centers, 'health');

  beforeAll(async () => {
    c = controlledStore('pglite', await openPgliteClient());
    ping = withFailingPing(c.store);
    t = await startTestHub({ store: ping.store, fusion: 'off', coordination: { rules: [] }, socketLimits: UNLIMITED_SOCKETS });
    const roster = smallRoster(3, Date.now() - 60_000);
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    op = await signedInUser(t, 'op-health', 'operator');
    ({ socket: wall } = await connectClient(t.url));
  });
  afterAll(async () => {
    wall?.close();
    await t?.close();
  });

  const reportOverHttp = async (incident: unknown) => {
    const res = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { ...op.headers, 'content-type': 'application/json' }, body: JSON.stringify(incident) });
    return { status: res.status, body: (await res.json()) as Incident & { error?: string; message?: string; details?: { reason: string; since: number } } };
  };
  const subscribe = (socket: TestClient) =>
    new Promise<Ack<unknown>>((resolve) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['incidents', 'patrols', 'stats'] }, resolve));

  it('says hello with the hub taking changes', async () => {
    const { socket, hello } = await connectClient(t.url);
    socket.close();
    expect(hello.status).toMatchObject({ writes: 'ok', reason: null });
  });

  it('a write stalled past the limit: clients are told, new and waiting changes get 503 at once, reads go on, the stalled write is acknowledged once committed, then changes are taken again', async () => {
    const { socket: desk } = await connectClient(t.url, op.token);
    const order: string[] = [];
    const seqBefore = t.hub.seq;
    const gate = c.holdNext();
    const heldAt = performance.now();
    const stalled = reportOverHttp(body()).then((r) => (order.push('stalled write answered'), r));
    await gate.waiting;
    // waiting behind it: a report gathered for the next group, and a patrol's status (a task of the queue)
    const gathered = reportOverHttp(body()).then((r) => (order.push('gathered report answered'), r));
    await vi.waitFor(() => expect(t.hub.groupCommits.gathered).toBe(1), { timeout: 20_000, interval: 5 });
    const patrol = t.hub.updatePatrolStatuses({ changes: [{ patrolId: 'p-0', status: 'responding', at: Date.now() }] }).then(
      () => 'stored',
      (error: { code?: string }) => (order.push('patrol status answered'), error.code),
    );

    const status = await nextEvent(wall, 'hub:status', (s) => s.writes === 'unavailable');
    order.push('hub:status unavailable');
    const detectedMs = Math.round(performance.now() - heldAt);
    expect(status.reason).toMatch(/a write has waited \d+\.\d s/);

    // waiting changes were answered, not left behind the stall
    expect((await gathered).status).toBe(503);
    expect((await gathered).body.error).toBe('STORE_UNAVAILABLE');
    expect(await patrol).toBe('STORE_UNAVAILABLE');

    // a new change: refused at once, with words a person understands and why
    const started = performance.now();
    const refused = await reportOverHttp(body());
    const refusedMs = Math.round(performance.now() - started);
    order.push('new report answered');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'STORE_UNAVAILABLE', details: { reason: status.reason, since: status.since } });
    expect(refused.body.message).toContain('nothing was changed');
    const ack = await new Promise<Ack<Incident>>((resolve) => desk.emit('incident:report', { incident: body() as never }, resolve));
    expect(ack).toMatchObject({ ok: false, error: 'STORE_UNAVAILABLE' });

    // reads go on: a snapshot, a list, the health that says why
    const snapshot = await subscribe(wall);
    expect(snapshot.ok).toBe(true);
    expect((await fetch(`${t.url}/api/patrols`)).status).toBe(200);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(503);
    const healthBody = (await health.json()) as { store: { state: string; reason: string; since: number; writes: string } };
    expect(healthBody.store).toMatchObject({ state: 'unavailable', writes: 'unavailable', reason: status.reason, since: status.since });
    expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(/gcw_store_available\{cause="stalled_write"\} 0/);
    // a client that connects now knows at once
    const late = await connectClient(t.url);
    late.socket.close();
    expect(late.hello.status).toMatchObject({ writes: 'unavailable', reason: status.reason });

    // the store answers again: the held write commits and is acknowledged; changes are taken again
    const recovered = nextEvent(wall, 'hub:status', (s) => s.writes === 'ok');
    gate.release();
    const first = await stalled;
    expect(first.status).toBe(201);
    const back = await recovered;
    expect(back.reason).toBeNull();
    const after = await reportOverHttp(body());
    expect(after.status).toBe(201);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    // the stall was answered by everyone else long before the stalled write itself
    expect(order.indexOf('new report answered')).toBeLessThan(order.indexOf('stalled write answered'));
    expect(order.indexOf('gathered report answered')).toBeLessThan(order.indexOf('stalled write answered'));

    // nothing half-written: the store holds exactly the acknowledged changes, memory equals the store
    const stored = await c.bare.readEvents({ afterSeq: seqBefore });
    expect(stored.map((e) => e.aggregateId)).toEqual([first.body.id, after.body.id]);
    expect(t.hub.seq).toBe(await c.bare.lastSeq());
    expect(t.hub.patrols.get('p-0')!.status).toBe('on_duty');
    desk.close();
    process.stdout.write(`store health (PGlite): a held write was found stalled after ${detectedMs} ms; a new report was answered 503 in ${refusedMs} ms\n`);
  });

  it('a ping that fails: unavailable with the reason, writes refused, reads go on; back by itself when pings answer', async () => {
    const down = nextEvent(wall, 'hub:status', (s) => s.writes === 'unavailable');
    ping.down(true);
    const status: HubStatus = await down;
    expect(status.reason).toContain('ECONNREFUSED');
    expect((await reportOverHttp(body())).status).toBe(503);
    expect((await subscribe(wall)).ok).toBe(true);
    const up = nextEvent(wall, 'hub:status', (s) => s.writes === 'ok');
    ping.down(false);
    await up;
    expect((await reportOverHttp(body())).status).toBe(201);
    expect(await (await fetch(`${t.url}/metrics`)).text()).toMatch(/gcw_store_unavailable_total\{cause="failed_ping"\} 1/);
  });
});

describe('store health and alerts: a waiting alert goes on sounding while the store is unavailable', () => {
  const ESCALATE_MS = 300_000;
  let now = Date.parse('2026-12-07T02:00:00Z');
  let t: TestHub;
  let ping: ReturnType<typeof withFailingPing>;
  let wall: TestClient;

  beforeAll(async () => {
    const inner = controlledStore('pglite', await openPgliteClient());
    ping = withFailingPing(inner.store);
    t = await startTestHub({ store: ping.store, clock: () => now, fusion: 'off', coordination: { timing: { repeatMs: 60_000, escalateAfterMs: ESCALATE_MS }, sweepMs: 3_600_000, overdueCheckMs: 3_600_000 } });
    const roster = smallRoster(2, now);
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    ({ socket: wall } = await connectClient(t.url));
    await new Promise<Ack<unknown>>((resolve) => wall.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['incidents'] }, resolve));
  });
  afterAll(async () => {
    wall?.close();
    await t?.close();
  });

  it('its escalation waits for the store; its repeat and the other alerts do not', async () => {
    const heard: AlertSounded[] = [];
    wall.on('alert:sounded', (s) => heard.push(s));
    const raised = nextEvent(wall, 'alert:changed', (d) => d.alert.state === 'waiting');
    const [lng, lat] = grids()[0]!.center;
    await t.hub.report({ source: 'hotline', category: 'fire_safety', severity: 4, title: '厂房起火', location: { lng, lat }, reporter: { kind: 'citizen' } });
    const alert = (await raised).alert;

    const down = nextEvent(wall, 'hub:status', (s) => s.writes === 'unavailable');
    ping.down(true);
    await down;
    now += ESCALATE_MS + 1_000;
    await t.app.coordination.alerts.sweep(); // the escalation is refused; the sweep goes on
    await wall.timeout(30_000).emitWithAck('auth:me', {}); // whatever the hub sent before has arrived
    expect(heard).toEqual([expect.objectContaining({ alertId: alert.id, escalated: false })]);
    expect(t.app.coordination.alerts.get(alert.id)?.escalatedAt ?? null).toBeNull();

    const up = nextEvent(wall, 'hub:status', (s) => s.writes === 'ok');
    ping.down(false);
    await up;
    now += 60_000;
    const escalated = nextEvent(wall, 'alert:sounded', (s) => s.escalated);
    await t.app.coordination.alerts.sweep();
    expect((await escalated).alertId).toBe(alert.id);
  });
});
