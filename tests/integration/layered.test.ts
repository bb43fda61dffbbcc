/**
 * Layered snapshots with real clients: a region larger than the budget gets its patrols, cameras
 * and cases summarised per child area (and no positions), a small one gets every item; the counts
 * per area match a recomputation from the hub's full lists; a client resumes only into the detail
 * it holds. The budget is made small so that the test city plays a province.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import type { LayerDetail, Snapshot, SubscribeRequest, SubscribeResult } from '@shared/schemas/live';
import { INGEST_HEADERS, connectClient, grids, nextEvent, signedInUser, smallRoster, startTestHub, type TestClient, type TestHub, type TestUser } from './harness';

let t: TestHub;
let op: TestUser;
const open: TestClient[] = [];
// largeCases 10: the root (24 cases and more) is also "large": figures in chunks, snapshots shared
// sharedMs: a busy machine may take seconds between two subscriptions of a test
const BUDGET = { items: 20, incidents: 20, grids: 10, notable: 5, largeCases: 10, sharedMs: 120_000 };
const posted: Incident[] = [];

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off', snapshotBudget: BUDGET });
  const roster = smallRoster(40, Date.now()); // 80 patrols, 40 cameras
  await t.hub.loadRoster(roster.cameras, roster.patrols);
  op = await signedInUser(t, 'op-layers', 'operator');
  // 24 cases over many grids, every eighth one serious
  const all = grids();
  for (let k = 0; k < 24; k++) {
    const g = all[(k * 5) % all.length]!;
    const res = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...op.headers },
      body: JSON.stringify({
        source: 'patrol',
        category: 'sanitation',
        severity: k % 8 === 0 ? 3 : 1,
        title: `案件${k}`,
        location: { lng: g.center[0], lat: g.center[1] },
        reporter: { kind: 'patrol', id: 'p-0' },
      }),
    });
    expect(res.status).toBe(201);
    posted.push((await res.json()) as Incident);
  }
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function client(): Promise<TestClient> {
  const { socket } = await connectClient(t.url);
  open.push(socket);
  return socket;
}

function subscribe(socket: TestClient, region: string, extra: Partial<SubscribeRequest> = {}): Promise<SubscribeResult> {
  return new Promise((resolve, reject) => {
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents', 'patrols', 'cameras', 'stats'], ...extra }, (ack) =>
      ack.ok ? resolve(ack.data) : reject(new Error(`${ack.error}: ${ack.message}`)),
    );
  });
}

async function snapshotOf(socket: TestClient, region: string, extra: Partial<SubscribeRequest> = {}): Promise<Snapshot> {
  const result = await subscribe(socket, region, extra);
  if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
  return result.snapshot;
}

async function list<T>(path: string, key: string): Promise<T[]> {
  return ((await (await fetch(`${t.url}${path}`)).json()) as Record<string, T[]>)[key]!;
}

/** a region with some patrols but fewer patrols, cameras and grids than the budget (a community, or a grid) */
function smallStreet(): string {
  const geo = t.hub.geo;
  const within = (code: string, units: Iterable<{ gridCode: string }>) => [...units].filter((u) => geo.isWithin(u.gridCode, code)).length;
  const candidates = geo.descendants(geo.rootCode).filter((r) => r.level === 'community' || r.level === 'grid');
  return candidates.find((r) => {
    const patrols = within(r.code, t.hub.patrols.values());
    const gridCount = r.level === 'grid' ? 1 : geo.descendants(r.code).filter((g) => g.level === 'grid').length;
    return patrols > 0 && patrols <= BUDGET.items && within(r.code, t.hub.cameras.values()) <= BUDGET.items && gridCount <= BUDGET.grids;
  })!.code;
}

describe('a region above the budget', () => {
  it('summarises patrols, cameras, cases and the risk map per child area, with counts a recomputation agrees with', async () => {
    const root = t.hub.geo.rootCode;
    const s = await snapshotOf(await client(), root);
    expect(s.detail).toEqual({ incidents: 'summary', patrols: 'summary', cameras: 'summary', grids: 'summary' });
    expect(s.patrols).toEqual([]);
    expect(s.cameras).toEqual([]);
    expect(s.risk).toEqual({});
    // the notable cases: the three serious ones, then the newest, at most the budget
    expect(s.incidents).toHaveLength(BUDGET.notable);
    const serious = posted.filter((i) => i.severity >= 3).map((i) => i.id);
    expect(serious).toHaveLength(3);
    for (const id of serious) expect(s.incidents.map((i) => i.id)).toContain(id);

    // independent recomputation from the full lists the HTTP API gives
    const patrols = await list<Patrol>(`/api/patrols`, 'patrols');
    const cameras = await list<Camera>(`/api/cameras`, 'cameras');
    const children = t.hub.geo.children(root).map((r) => r.code);
    expect(s.areas.map((a) => a.code)).toEqual(children);
    const childOf = (grid: string) => t.hub.geo.path(grid)[1];
    for (const a of s.areas) {
      expect(a.patrols).toBe(patrols.filter((p) => childOf(p.gridCode) === a.code).length);
      expect(a.onDuty).toBe(patrols.filter((p) => childOf(p.gridCode) === a.code && (p.status === 'on_duty' || p.status === 'responding')).length);
      expect(a.cameras).toBe(cameras.filter((c) => childOf(c.gridCode) === a.code).length);
      const cases = posted.filter((i) => childOf(i.gridCode) === a.code);
      expect(a.open).toBe(cases.length);
      expect(a.serious).toBe(cases.filter((i) => i.severity >= 3).length);
      expect(a.worst).toBe(cases.reduce((m, i) => Math.max(m, i.severity), 0));
      expect(a.risk.reduce((x, y) => x + y, 0)).toBe(grids().filter((g) => childOf(g.code) === a.code).length);
    }
    expect(s.areas.reduce((n, a) => n + a.open, 0)).toBe(posted.length);
  });

  it('sends no positions to it, while a small street beside it receives them', async () => {
    const root = t.hub.geo.rootCode;
    const street = smallStreet();
    const big = await client();
    const small = await client();
    await snapshotOf(big, root);
    const streetSnapshot = await snapshotOf(small, street, { layers: ['patrols'] });
    expect(streetSnapshot.detail.patrols).toBe('items');
    const patrol = streetSnapshot.patrols[0]!;
    let bigFrames = 0;
    big.on('positions', () => bigFrames++);
    const frame = nextEvent(small, 'positions');
    // positions are lossy (a frame meets a busy transport and is dropped): the device reports again
    // until one arrives, as a real terminal does
    const report = async () => {
      const res = await fetch(`${t.url}/api/positions`, {
        method: 'POST',
        headers: { ...INGEST_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({ positions: [{ patrolId: patrol.id, lng: patrol.lng ?? 121.55, lat: patrol.lat ?? 29.87, at: Date.now() }] }),
      });
      expect(res.status).toBe(202);
    };
    await report();
    const again = setInterval(() => void report(), 500);
    await frame.finally(() => clearInterval(again));
    // messages travel in order on one connection: a case reported after the positions tick
    // reaches the big region's client after any positions frame of that tick would have
    const marker = nextEvent(big, 'incident:reported');
    const g = grids()[3]!;
    const reported = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...op.headers },
      body: JSON.stringify({ source: 'patrol', category: 'sanitation', severity: 1, title: '标记', location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'patrol', id: 'p-0' } }),
    });
    posted.push((await reported.json()) as Incident);
    await marker;
    expect(bigFrames).toBe(0);
  });

  it('refreshes the counts per area with the figures', async () => {
    const root = t.hub.geo.rootCode;
    const socket = await client();
    await snapshotOf(socket, root);
    const frame = await nextEvent(socket, 'stats:updated', (f) => f.regionCode === root);
    expect(frame.areas.map((a) => a.code)).toEqual(t.hub.geo.children(root).map((r) => r.code));
    expect(frame.risk).toEqual({});
  });

  it('an operator asking for every case gets them, up to the ceiling', async () => {
    const s = await snapshotOf(await client(), t.hub.geo.rootCode, { fullLayers: ['incidents'] });
    expect(s.detail.incidents).toBe('items');
    expect(s.incidents.map((i) => i.id).sort()).toEqual(posted.map((i) => i.id).sort());
    expect(s.detail.patrols).toBe('summary');
  });
});

describe('resuming', () => {
  it('resumes into the same detail, and answers with a snapshot when the client holds another', async () => {
    const root = t.hub.geo.rootCode;
    const socket = await client();
    const s = await snapshotOf(socket, root);
    const held: LayerDetail = s.detail;
    expect((await subscribe(socket, root, { lastSeq: s.seq, detail: held })).mode).toBe('resume');
    // a client that holds every patrol (an older client names no detail) cannot be resumed into a summary
    expect((await subscribe(socket, root, { lastSeq: s.seq })).mode).toBe('snapshot');
    expect((await subscribe(socket, root, { lastSeq: s.seq, detail: { ...held, patrols: 'items' } })).mode).toBe('snapshot');
  });
});

describe('a region within the budget', () => {
  it('gets every item as before', async () => {
    const street = smallStreet();
    const s = await snapshotOf(await client(), street);
    expect(s.detail).toEqual({ incidents: 'items', patrols: 'items', cameras: 'items', grids: 'items' });
    const patrols = await list<Patrol>(`/api/patrols?region=${street}`, 'patrols');
    expect(s.patrols.map((p) => p.id).sort()).toEqual(patrols.map((p) => p.id).sort());
    expect(s.incidents.map((i) => i.id).sort()).toEqual(posted.filter((i) => i.regionPath.includes(street)).map((i) => i.id).sort());
    // every region below the street is listed (few enough), and the grids of its cases
    for (const r of t.hub.geo.descendants(street)) expect(s.regions.map((x) => x.code)).toContain(r.code);
  });
});

describe('a large region', () => {
  async function report(title: string): Promise<Incident> {
    const g = grids()[11]!;
    const res = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...op.headers },
      body: JSON.stringify({ source: 'patrol', category: 'sanitation', severity: 1, title, location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'patrol', id: 'p-0' } }),
    });
    expect(res.status).toBe(201);
    const incident = (await res.json()) as Incident;
    posted.push(incident);
    return incident;
  }

  it('walls subscribing together share a snapshot, and what happened since comes before the answer', async () => {
    const root = t.hub.geo.rootCode;
    const first = await snapshotOf(await client(), root);
    const fresh = await report('共享快照之后');
    const late = await client();
    const arrived: string[] = [];
    late.on('incident:reported', (d) => arrived.push(`delta ${d.seq}`));
    const result = await subscribe(late, root);
    arrived.push('answer');
    if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
    const shared = result.snapshot;
    // the same snapshot (a second build would carry the new case's seq), the new case sent before it
    expect(shared.seq).toBe(first.seq);
    expect(shared.seq).toBeLessThan(t.hub.seq);
    expect(arrived).toContain(`delta ${t.hub.seq}`);
    expect(arrived.indexOf(`delta ${t.hub.seq}`)).toBeLessThan(arrived.indexOf('answer'));
    // the snapshot and the deltas held make the whole picture (the snapshot may be older than
    // this test: kept from an earlier subscription within sharedMs, its later cases among the deltas)
    const open = shared.areas.reduce((n, a) => n + a.open, 0);
    const held = arrived.filter((a) => a.startsWith('delta ') && Number(a.slice(6)) > shared.seq).length;
    expect(open + held).toBe(posted.length);
    expect(fresh.id).toBeTruthy();
  });

  it('walls subscribing at the same moment wait for one build of the snapshot, and each gets it', async () => {
    const root = t.hub.geo.rootCode;
    const views = t.app.views;
    const built = vi.spyOn(views, 'snapshot');
    try {
      // layers no wall has asked for yet: nothing kept to share, the first subscription builds
      const walls = await Promise.all(Array.from({ length: 6 }, () => client()));
      const results = await Promise.all(walls.map((w) => subscribe(w, root, { layers: ['incidents', 'patrols'] })));
      expect(built).toHaveBeenCalledTimes(1);
      const seqs = results.map((r) => (r.mode === 'snapshot' ? r.snapshot.seq : -1));
      expect(new Set(seqs).size).toBe(1);
      expect(seqs[0]).toBeGreaterThan(0);
    } finally {
      built.mockRestore();
    }
  });

  it('figures are refreshed in chunks and reach the walls', async () => {
    const root = t.hub.geo.rootCode;
    const socket = await client();
    await snapshotOf(socket, root);
    const added = await report('分块计算');
    const frame = await nextEvent(socket, 'stats:updated', (f) => f.areas.reduce((n, a) => n + a.open, 0) === posted.length);
    expect(frame.stats.intake.total).toBeGreaterThanOrEqual(posted.length);
    expect(added.regionPath[0]).toBe(root);
  });

  it('a newer subscription from the same connection supersedes one still being prepared', async () => {
    const root = t.hub.geo.rootCode;
    const socket = await client();
    const answers: string[] = [];
    const ask = (layers: string[]) =>
      new Promise<void>((resolve) =>
        socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: root, layers: layers as never }, (ack) => {
          answers.push(ack.ok ? 'ok' : ack.error);
          resolve();
        }),
      );
    // layers no wall shares yet: the first must be prepared (heat in chunks) while the second arrives
    await Promise.all([ask(['incidents', 'cameras']), ask(['incidents', 'stats'])]);
    expect(answers).toEqual(['SUPERSEDED', 'ok']);
    // the rooms are the newer subscription's
    const figures = await nextEvent(socket, 'stats:updated');
    expect(figures.regionCode).toBe(root);
  });
});
