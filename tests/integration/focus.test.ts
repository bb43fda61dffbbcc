/**
 * Focus mode through a real hub with real Socket.IO clients (issue 16 part 2): a signed-in
 * operator's focus reaches every wall whose home region lies on the case's path at or below the
 * focus region (its `reaches`); clients whose home holds the place above it are told of it, no
 * other client is; a wall that connects late enters it from its snapshot, one that
 * reconnects gets its end in the resume, and a restarted hub still holds it. Refusals are audited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { Focus, FocusTrack } from '@shared/schemas/focus';
import type { Incident } from '@shared/schemas/incident';
import type { SubscribeResult } from '@shared/schemas/live';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { connectClient, grids, nextEvent, signedInUser, smallRoster, startTestHub, testCity, type TestClient, type TestHub } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'hub-focus-'));
let t: TestHub;
let operator: { token: string };
let incident: Incident;
const city = testCity();
const byCode = new Map(city.map((r) => [r.code, r]));
const open: TestClient[] = [];

function subscribe(socket: TestClient, region: string, home?: string, lastSeq?: number): Promise<SubscribeResult> {
  return new Promise((resolve, reject) => {
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents'], ...(home ? { alarmRegion: home } : {}), ...(lastSeq === undefined ? {} : { lastSeq }) }, (ack) =>
      ack.ok ? resolve(ack.data) : reject(new Error(`${ack.error}: ${ack.message}`)),
    );
  });
}

async function wall(region: string, home?: string): Promise<{ socket: TestClient; result: SubscribeResult }> {
  const { socket } = await connectClient(t.url);
  open.push(socket);
  return { socket, result: await subscribe(socket, region, home) };
}

function command<T>(socket: TestClient, event: 'focus:start' | 'focus:end' | 'focus:responders', body: unknown): Promise<Ack<T>> {
  return new Promise((resolve) => (socket.emit as (e: string, b: unknown, cb: (a: Ack<T>) => void) => void)(event, body, resolve));
}

/** every focus:changed a socket receives, in order */
function recordFocus(socket: TestClient): { seen: { focusId: string; focus: Focus | null; seq: number }[] } {
  const log = { seen: [] as { focusId: string; focus: Focus | null; seq: number }[] };
  socket.on('focus:changed', (d) => log.seen.push({ focusId: d.focusId, focus: d.focus, seq: d.seq }));
  return log;
}

const pathOf = (code: string): string[] => {
  const out: string[] = [];
  for (let r: RegionWithGeometry | undefined = byCode.get(code); r; r = r.parentCode ? byCode.get(r.parentCode) : undefined) out.unshift(r.code);
  return out;
};

beforeAll(async () => {
  t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }), keepStore: true, fusion: 'off' });
  const now = Date.now();
  const { cameras, patrols } = smallRoster(6, now);
  // give the patrols fixes near their grid's centre, so the nearest are found
  await t.hub.loadRoster(
    cameras,
    patrols.map((p, i) => {
      const g = byCode.get(p.gridCode)!;
      return { ...p, lng: g.center[0] + 0.001 * (i % 2), lat: g.center[1], fixAt: now };
    }),
  );
  t.hub.ingestPositions({ positions: patrols.map((p, i) => ({ patrolId: p.id, lng: byCode.get(p.gridCode)!.center[0] + 0.001 * (i % 2), lat: byCode.get(p.gridCode)!.center[1], at: now })) });
  const g = grids()[0]!;
  ({ incident } = await t.hub.report({ source: 'hotline', category: 'dispute', severity: 2, title: '邻里纠纷聚集', location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'citizen' } }));
  operator = await signedInUser(t, 'op1', 'operator');
});

afterAll(async () => {
  for (const s of open) s.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('focus mode', () => {
  it("reaches every wall whose home lies on the case's path at or below the focus region, and none outside it", async () => {
    const path = incident.regionPath; // city, district, street, community, grid
    const district = path[1]!;
    const street = path[2]!;
    const otherStreet = city.find((r) => r.parentCode === district && r.code !== street)!.code;
    const grid = path[path.length - 1]!;

    const streetWall = await wall(street);
    const gridWall = await wall(grid);
    const districtWall = await wall(district);
    const otherWall = await wall(otherStreet);
    // a touring wall shows another street now, but its home is the focused street
    const touring = await wall(otherStreet, street);
    const logs = [streetWall, gridWall, districtWall, otherWall, touring].map((w) => recordFocus(w.socket));

    const { socket: desk } = await connectClient(t.url, operator.token);
    open.push(desk);
    // the walls that must receive it do (waiting for the event itself)
    const arrived = [streetWall, gridWall, touring].map((w) => nextEvent(w.socket, 'focus:changed', (d) => d.focus?.regionCode === street));
    const started = await command<Focus>(desk, 'focus:start', { incidentId: incident.id, regionCode: street });
    expect(started.ok).toBe(true);
    const focus = (started as { data: Focus }).data;
    expect(focus.regionCode).toBe(street);
    expect(focus.responders.length).toBeGreaterThan(0);
    expect(focus.startedBy).toMatchObject({ kind: 'operator', id: 'op1' });
    await Promise.all(arrived);
    // a later delta to the district and the other street shows they were passed over, not slow:
    // the end of this focus reaches the same walls, and a focus on the district reaches them all
    const ended = await command<{ focusId: string }>(desk, 'focus:end', { focusId: focus.id });
    expect(ended.ok).toBe(true);
    const wideArrived = [streetWall, gridWall, districtWall, touring].map((w) => nextEvent(w.socket, 'focus:changed', (d) => d.focus?.regionCode === district));
    const wide = await command<Focus>(desk, 'focus:start', { incidentId: incident.id, regionCode: district });
    const wideId = (wide as { data: Focus }).data.id;
    await Promise.all(wideArrived);
    // the other street's wall (home = other street, not on the case's path) never hears of either:
    // a round trip on each socket after the last emit (the hub's messages to one socket keep their order)
    await Promise.all([streetWall, gridWall, districtWall, otherWall, touring].map((w) => w.socket.timeout(30_000).emitWithAck('auth:me', {})));

    const ids = (i: number) => logs[i]!.seen.map((s) => `${s.focusId === focus.id ? 'street' : 'district'}:${s.focus ? 'on' : 'off'}`);
    expect(ids(0)).toEqual(['street:on', 'street:off', 'district:on']);
    expect(ids(1)).toEqual(['street:on', 'street:off', 'district:on']);
    expect(ids(4)).toEqual(['street:on', 'street:off', 'district:on']);
    // the district's wall holds the place: it is told of the street focus (a desk there follows it),
    // but the focus does not reach it — `reaches` holds the street and below, not the district
    expect(ids(2)).toEqual(['street:on', 'street:off', 'district:on']);
    expect(logs[2]!.seen[0]!.focus!.reaches).toEqual(path.slice(2));
    expect(logs[2]!.seen[2]!.focus!.reaches).toEqual(path.slice(1));
    expect(logs[3]!.seen).toEqual([]);
    // and the other street's wall does not hold it in a fresh snapshot either
    const fresh = await wall(otherStreet);
    expect((fresh.result as { snapshot: { focuses?: Focus[] } }).snapshot.focuses).toEqual([]);

    await command(desk, 'focus:end', { focusId: wideId });
    for (const w of [streetWall, gridWall, districtWall, otherWall, touring, fresh]) w.socket.close();
  });

  it('a wall that connects late enters the focus from its snapshot; one that reconnects gets its end in the resume; a restarted hub still holds it', async () => {
    const street = incident.regionPath[2]!;
    const { socket: desk } = await connectClient(t.url, operator.token);
    open.push(desk);
    const started = await command<Focus>(desk, 'focus:start', { incidentId: incident.id, regionCode: street, responders: ['p-0'] });
    const focus = (started as { data: Focus }).data;
    expect(focus.responders.map((r) => r.patrolId)).toEqual(['p-0']);

    // late: the snapshot carries the focus
    const late = await wall(street);
    const snap = (late.result as { mode: 'snapshot'; snapshot: { seq: number; focuses?: Focus[] } }).snapshot;
    expect(snap.focuses?.map((f) => f.id)).toEqual([focus.id]);

    // its responders' distance and ETA arrive about once a second
    const track = (await nextEvent(late.socket, 'focus:track', (tr) => tr.focusId === focus.id)) as FocusTrack;
    expect(track.responders).toHaveLength(1);
    expect(track.responders[0]!.distanceM).not.toBeNull();
    expect(track.responders[0]!.etaS).not.toBeNull();

    // away while the focus changes and ends; back with lastSeq: the resume holds both, in order
    const lastSeq = snap.seq;
    late.socket.close();
    await command(desk, 'focus:responders', { focusId: focus.id, responders: ['p-0', 'p-1'] });
    await command(desk, 'focus:end', { focusId: focus.id });
    const back = await connectClient(t.url);
    open.push(back.socket);
    const resumed = await subscribe(back.socket, street, undefined, lastSeq);
    expect(resumed.mode).toBe('resume');
    const focusDeltas = (resumed as { deltas: { type: string; focus?: Focus | null }[] }).deltas.filter((d) => d.type === 'focus:changed');
    expect(focusDeltas.map((d) => d.focus?.responders.length ?? null)).toEqual([2, null]);

    // restart: a focus that stands is still there for a wall of a fresh hub on the same store
    const again = await command<Focus>(desk, 'focus:start', { incidentId: incident.id, regionCode: street });
    const againId = (again as { data: Focus }).data.id;
    back.socket.close();
    desk.close();
    await t.close();
    t = await startTestHub({ store: t.store, keepStore: true, fusion: 'off' });
    const afterRestart = await wall(street);
    expect((afterRestart.result as { snapshot: { focuses?: Focus[] } }).snapshot.focuses?.map((f) => f.id)).toEqual([againId]);
    // the audit log holds who started and ended each focus
    const audit = await t.store.readAudit({ actor: 'op1', limit: 50 });
    expect(audit.filter((a) => a.outcome === 'ok').map((a) => a.action)).toEqual(expect.arrayContaining(['focus_start', 'focus_end', 'focus_responders']));
    afterRestart.socket.close();
  });

  it('refuses a viewer, a region that does not hold the case and an unknown focus, each with a stable code, audited, changing nothing', async () => {
    const viewer = await signedInUser(t, 'viewer1', 'viewer');
    const { socket: asViewer } = await connectClient(t.url, viewer.token);
    const { socket: asOperator } = await connectClient(t.url, operator.token);
    open.push(asViewer, asOperator);
    const before = t.app.coordination.focus.list().map((f) => f.id);
    const byViewer = await command(asViewer, 'focus:start', { incidentId: incident.id });
    expect(byViewer).toMatchObject({ ok: false, error: 'FORBIDDEN_ROLE' });
    const otherStreet = city.find((r) => r.parentCode === incident.regionPath[1] && r.code !== incident.regionPath[2])!.code;
    expect(await command(asOperator, 'focus:start', { incidentId: incident.id, regionCode: otherStreet })).toMatchObject({ ok: false, error: 'FORBIDDEN_REGION' });
    expect(await command(asOperator, 'focus:end', { focusId: 'F-none' })).toMatchObject({ ok: false, error: 'UNKNOWN_FOCUS' });
    expect(await command(asOperator, 'focus:start', { incidentId: incident.id, responders: ['nobody'] })).toMatchObject({ ok: false, error: 'UNKNOWN_PATROL' });
    expect(await command(asOperator, 'focus:start', { incidentId: incident.id, extra: 1 })).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });
    expect(t.app.coordination.focus.list().map((f) => f.id)).toEqual(before);
    const refused = await t.store.readAudit({ outcome: 'refused', limit: 50 });
    expect(refused.map((a) => `${a.actor}:${a.action}:${a.error}`)).toEqual(
      expect.arrayContaining(['viewer1:focus_start:FORBIDDEN_ROLE', 'op1:focus_start:FORBIDDEN_REGION', 'op1:focus_end:UNKNOWN_FOCUS', 'op1:focus_start:UNKNOWN_PATROL']),
    );
    expect(pathOf(incident.regionPath.at(-1)!)).toEqual(incident.regionPath);
  });
});
