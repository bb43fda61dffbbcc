/**
 * The live protocol end to end: a real hub on port 0 and several real socket.io-client
 * connections. Snapshot, delta order, region filtering, ingest → broadcast → stored, reconnect
 * without a gap, binary positions, acknowledged commands and refusals that change nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import { decodePositionsFrame } from '@shared/binary/positionsFrame';
import type { Incident } from '@shared/schemas/incident';
import type { Delta, Layer, SubscribeResult } from '@shared/schemas/live';
import { INGEST_HEADERS, connectClient, grids, nextEvent, signedInUser, smallRoster, startTestHub, type TestClient, type TestHub, type TestUser } from './harness';

let t: TestHub;
let op: TestUser;
const open: TestClient[] = [];

beforeAll(async () => {
  t = await startTestHub({ resumeBuffer: 10_000, fusion: 'off' });
  const roster = smallRoster(40, Date.now());
  await t.hub.loadRoster(roster.cameras, roster.patrols);
  op = await signedInUser(t, 'op-1', 'operator');
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/** a connection signed in as the operator (commands need a person; reading alone would not) */
async function client(): Promise<{ socket: TestClient; root: string }> {
  const { socket, rootRegion } = await connectClient(t.url, op.token);
  open.push(socket);
  return { socket, root: rootRegion };
}

function subscribe(socket: TestClient, region: string, lastSeq?: number, layers: readonly Layer[] = ['incidents', 'patrols', 'cameras', 'stats']): Promise<SubscribeResult> {
  return new Promise((resolve, reject) => {
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: [...layers], ...(lastSeq === undefined ? {} : { lastSeq }) }, (ack) => {
      if (ack.ok) resolve(ack.data);
      else reject(new Error(`${ack.error}: ${ack.message}`));
    });
  });
}

/** a grid and its street, picked so that two tests can use two different streets */
function gridInStreet(streetIndex: number) {
  const all = grids();
  const streets = [...new Set(all.map((g) => t.hub.geo.path(g.code)[2]!))];
  const street = streets[streetIndex % streets.length]!;
  const grid = all.find((g) => t.hub.geo.path(g.code)[2] === street)!;
  return { grid, street };
}

function incidentBody(lng: number, lat: number, title = '占道经营', severity: 1 | 2 | 3 | 4 = 1) {
  return {
    source: 'patrol',
    category: 'sanitation',
    severity,
    title,
    description: '路口有流动摊贩占道经营',
    location: { lng, lat },
    reporter: { kind: 'patrol', id: 'p-0', name: '网格员0' },
  };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  // the status feeds are a source's (its ingest key); reports an operator's
  const who = path.endsWith('/status') || path === '/api/positions' ? INGEST_HEADERS : op.headers;
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...who, ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}


describe('snapshot', () => {
  it('gives the region, its descendants, the roster and the figures at one sequence number', async () => {
    const { socket, root } = await client();
    const result = await subscribe(socket, root);
    expect(result.mode).toBe('snapshot');
    if (result.mode !== 'snapshot') return;
    const s = result.snapshot;
    expect(s.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(s.region.code).toBe(root);
    expect(s.regions.filter((r) => r.level === 'grid').length).toBe(grids().length);
    expect(s.patrols).toHaveLength(80);
    expect(s.cameras).toHaveLength(40);
    expect(s.seq).toBe(t.hub.seq);
    expect(s.stats?.cameras.total).toBe(40);
    // the rolling week: 168 whole hours, the last one the current hour
    expect(s.week?.intake.byHour).toHaveLength(168);
    expect(s.week!.window.to - s.week!.window.from).toBe(168 * 3_600_000);
    expect(s.week!.window.from % 3_600_000).toBe(0);
    expect(s.catalog.categories.some((c) => c.code === 'sanitation')).toBe(true);
  });

  it('refuses an unknown region and another protocol version with stable codes', async () => {
    const { socket } = await client();
    const unknown = await new Promise<Ack<SubscribeResult>>((r) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: 'nowhere', layers: ['incidents'] }, r));
    expect(unknown).toMatchObject({ ok: false, error: 'UNKNOWN_REGION' });
    const old = await new Promise<Ack<SubscribeResult>>((r) => socket.emit('subscribe', { protocolVersion: 99, region: '330203', layers: ['incidents'] }, r));
    expect(old).toMatchObject({ ok: false, error: 'PROTOCOL_MISMATCH' });
    const bad = await new Promise<Ack<SubscribeResult>>((r) => socket.emit('subscribe', { region: 5 } as never, r));
    expect(bad).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });
  });
});

describe('ingest → broadcast → stored', () => {
  it('an incident posted over HTTP reaches every subscribed client in order and is in the store', async () => {
    const a = await client();
    const b = await client();
    await subscribe(a.socket, a.root);
    await subscribe(b.socket, a.root);
    const { grid } = gridInStreet(0);
    const seenByB = nextEvent(b.socket, 'incident:reported');
    const res = await post('/api/incidents', incidentBody(...grid.center));
    expect(res.status).toBe(201);
    const incident = res.body as unknown as Incident;
    const delta = await seenByB;
    expect(delta.incident.id).toBe(incident.id);
    expect(delta.incident.gridCode).toBe(grid.code);
    expect(delta.entry.type).toBe('reported');
    expect(await t.store.getIncident(incident.id)).toMatchObject({ id: incident.id, stage: 'reported' });

    // Three steps in a row from client A arrive at B in sequence order.
    const received: Delta[] = [];
    b.socket.on('incident:updated', (d) => received.push(d));
    const steps = [
      { action: 'register' },
      { action: 'dispatch', assignee: { id: 'dept-cg', name: '城管执法局' } },
      { action: 'pause_sla', note: '等待市民补充材料' },
    ];
    for (const command of steps) {
      const ack = await new Promise<Ack<Incident>>((r) => a.socket.emit('incident:command', { incidentId: incident.id, command: command as never }, r));
      expect(ack.ok).toBe(true);
    }
    await expect.poll(() => received.length).toBe(3);
    const seqs = received.map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(received.map((d) => (d.type === 'incident:updated' ? d.entry.type : ''))).toEqual(['register', 'dispatch', 'pause_sla']);
    const stored = await t.store.getIncident(incident.id);
    expect(stored).toMatchObject({ stage: 'dispatched', assignee: { id: 'dept-cg' } });
    expect(stored?.sla.pausedAt).not.toBeNull();
    // the actor of every step is the signed-in operator, never a field of the request
    expect(received.every((d) => d.type === 'incident:updated' && d.entry.actor.id === 'op-1')).toBe(true);
  });

  it('refuses bad input with a stable code and stores nothing', async () => {
    const before = await t.store.lastSeq();
    const missing = await post('/api/incidents', { ...incidentBody(121.55, 29.87), severity: 7 });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('VALIDATION_FAILED');
    expect(String(missing.body.message)).toMatch(/severity/);
    const outside = await post('/api/incidents', incidentBody(100, 10));
    expect(outside.status).toBe(422);
    expect(outside.body.error).toBe('OUT_OF_AREA');
    const notJson = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(notJson.status).toBe(415);
    const broken = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"source":' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toBe('VALIDATION_FAILED');
    expect(await t.store.lastSeq()).toBe(before);
  });

  it('refuses an illegal step through the acknowledgement and keeps the incident as it was', async () => {
    const { socket } = await client();
    const { grid } = gridInStreet(1);
    const created = (await post('/api/incidents', incidentBody(...grid.center))).body as unknown as Incident;
    const ack = await new Promise<Ack<Incident>>((r) => socket.emit('incident:command', { incidentId: created.id, command: { action: 'close' } }, r));
    expect(ack).toMatchObject({ ok: false, error: 'ILLEGAL_TRANSITION' });
    if (!ack.ok) expect(ack.message).toMatch(/reported/);
    expect(await t.store.getIncident(created.id)).toMatchObject({ stage: 'reported', version: 1 });
  });

  it('creates one incident for one idempotency key, and refuses the key with another body', async () => {
    const { grid } = gridInStreet(2);
    const body = incidentBody(...grid.center, '井盖缺失');
    const first = await post('/api/incidents', body, { 'Idempotency-Key': 'hotline-000123' });
    const again = await post('/api/incidents', body, { 'Idempotency-Key': 'hotline-000123' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await post('/api/incidents', { ...body, title: '别的事' }, { 'Idempotency-Key': 'hotline-000123' });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('IDEMPOTENCY_KEY_REUSED');
    const events = await t.store.readEvents({ kind: 'incident', aggregateId: String(first.body.id) });
    expect(events).toHaveLength(1);
  });
});

describe('region filtering', () => {
  it('a street wall receives its own street and nothing of another street', async () => {
    const here = gridInStreet(0);
    const there = gridInStreet(1);
    expect(here.street).not.toBe(there.street);
    const { socket } = await client();
    const result = await subscribe(socket, here.street);
    if (result.mode !== 'snapshot') throw new Error('expected a snapshot');
    expect(result.snapshot.patrols.every((p) => t.hub.geo.isWithin(p.gridCode, here.street))).toBe(true);
    expect(result.snapshot.incidents.every((i) => i.regionPath.includes(here.street))).toBe(true);
    const seen: string[] = [];
    socket.on('incident:reported', (d) => seen.push(d.incident.id));
    const elsewhere = (await post('/api/incidents', incidentBody(...there.grid.center, '别处'))).body.id as string;
    const mine = (await post('/api/incidents', incidentBody(...here.grid.center, '此处'))).body.id as string;
    await expect.poll(() => seen.includes(mine)).toBe(true);
    expect(seen).not.toContain(elsewhere);
  });
});

describe('alarms', () => {
  it('a wall showing one street still hears a serious report elsewhere in its alarm region, and only serious ones', async () => {
    const here = gridInStreet(0);
    const there = gridInStreet(1);
    const touring = await client();
    const local = await client();
    await new Promise<void>((resolve, reject) =>
      touring.socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: here.street, layers: ['incidents'], alarmRegion: touring.root }, (a) => (a.ok ? resolve() : reject(new Error(a.message)))),
    );
    await subscribe(local.socket, here.street, undefined, ['incidents']);
    const heardByTouring: string[] = [];
    const heardByLocal: string[] = [];
    touring.socket.on('alarm:raised', (a) => heardByTouring.push(a.incident.id));
    local.socket.on('alarm:raised', (a) => heardByLocal.push(a.incident.id));
    const minor = (await post('/api/incidents', incidentBody(...there.grid.center, '小事', 1))).body.id as string;
    const serious = (await post('/api/incidents', incidentBody(...there.grid.center, '仓库起火', 4))).body.id as string;
    const nearby = (await post('/api/incidents', incidentBody(...here.grid.center, '燃气泄漏', 3))).body.id as string;
    await expect.poll(() => heardByTouring).toEqual([serious, nearby]);
    await expect.poll(() => heardByLocal).toEqual([nearby]);
    expect(heardByTouring).not.toContain(minor);
  });

  it('refuses an unknown alarm region and keeps the previous subscription', async () => {
    const { socket, root } = await client();
    await subscribe(socket, root, undefined, ['incidents']);
    const answer = await new Promise<Ack<SubscribeResult>>((r) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: root, layers: ['incidents'], alarmRegion: 'nowhere' }, r));
    expect(answer).toMatchObject({ ok: false, error: 'UNKNOWN_REGION' });
    const seen = nextEvent(socket, 'incident:reported');
    await post('/api/incidents', incidentBody(...gridInStreet(0).grid.center, '仍在订阅'));
    expect((await seen).incident.title).toBe('仍在订阅');
  });
});

describe('reconnect', () => {
  it('resumes with exactly what was missed in the region, in order', async () => {
    const { grid } = gridInStreet(3);
    const first = await client();
    const snap = await subscribe(first.socket, first.root);
    if (snap.mode !== 'snapshot') throw new Error('expected a snapshot');
    let lastSeq = snap.snapshot.seq;
    first.socket.on('incident:reported', (d) => (lastSeq = d.seq));
    await post('/api/incidents', incidentBody(...grid.center, '断线前'));
    await expect.poll(() => lastSeq > snap.snapshot.seq).toBe(true);
    first.socket.close();

    const missedIds: string[] = [];
    for (const title of ['断线中一', '断线中二', '断线中三']) missedIds.push((await post('/api/incidents', incidentBody(...grid.center, title))).body.id as string);

    const second = await client();
    const resumed = await subscribe(second.socket, second.root, lastSeq);
    expect(resumed.mode).toBe('resume');
    if (resumed.mode !== 'resume') return;
    expect(resumed.deltas.map((d) => (d.type === 'incident:reported' ? d.incident.id : d.type))).toEqual(missedIds);
    expect(resumed.deltas.every((d) => d.seq > lastSeq)).toBe(true);
    expect(resumed.seq).toBe(t.hub.seq);
  });

  it('gets a fresh snapshot when what it missed is no longer held, never a silent gap', async () => {
    const small = await startTestHub({ resumeBuffer: 100, fusion: 'off' });
    try {
      const roster = smallRoster(5, Date.now());
      await small.hub.loadRoster(roster.cameras, roster.patrols);
      const [lng, lat] = grids()[0]!.center;
      const { socket } = await connectClient(small.url);
      open.push(socket);
      const steps = Array.from({ length: 150 }, (_, i) => ({ kind: 'report' as const, input: incidentBody(lng, lat, `批量${i}`) }));
      await small.hub.applyBatch(steps);
      const result = await subscribe(socket, '330203', 1);
      expect(result.mode).toBe('snapshot');
      // a client claiming a sequence from the future (the store was reset) also gets a snapshot
      const future = await subscribe(socket, '330203', small.hub.seq + 1000);
      expect(future.mode).toBe('snapshot');
    } finally {
      await small.close();
    }
  });
});

describe('positions', () => {
  it('arrive as one coalesced binary frame per tick, only for the client’s region', async () => {
    const here = gridInStreet(0);
    const there = gridInStreet(1);
    const roster = [...t.hub.patrols.values()];
    const mine = roster.find((p) => p.gridCode === here.grid.code) ?? roster.find((p) => t.hub.geo.isWithin(p.gridCode, here.street))!;
    const other = roster.find((p) => t.hub.geo.isWithin(p.gridCode, there.street))!;
    const { socket } = await client();
    await subscribe(socket, here.street, undefined, ['patrols']);
    const frames: ReturnType<typeof decodePositionsFrame>[] = [];
    socket.on('positions', (buf) => frames.push(decodePositionsFrame(buf as unknown as Uint8Array)));
    const now = Date.now();
    const [lng, lat] = here.grid.center;
    const res = await post('/api/positions', {
      positions: [
        { patrolId: mine.id, lng: lng - 0.0001, lat, at: now - 2000 },
        { patrolId: mine.id, lng, lat, at: now - 1000 },
        { patrolId: other.id, lng: there.grid.center[0], lat: there.grid.center[1], at: now },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, ignored: 0 });
    await expect.poll(() => frames.length, { timeout: 3000 }).toBeGreaterThan(0);
    const all = frames.flatMap((f) => f.positions);
    expect(all.filter((p) => p.idx === mine.idx)).toHaveLength(1); // coalesced: latest only
    expect(all.find((p) => p.idx === mine.idx)!.lng).toBeCloseTo(lng, 6);
    expect(all.some((p) => p.idx === other.idx)).toBe(false);
  });

  it('refuses fixes stamped in the future, which would freeze a patrol until then', async () => {
    const res = await post('/api/positions', { positions: [{ patrolId: 'p-1', lng: 121.5, lat: 29.8, at: Date.now() + 3_600_000 }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(String(res.body.message)).toMatch(/ahead of the hub's clock/);
    expect(t.hub.positions.get(1)?.lng).not.toBe(121.5);
  });

  it('after a resume, sends every current fix of the region once', async () => {
    const here = gridInStreet(0);
    const { socket } = await client();
    const snap = await subscribe(socket, here.street, undefined, ['patrols']);
    if (snap.mode !== 'snapshot') throw new Error('expected a snapshot');
    const patrol = [...t.hub.patrols.values()].find((p) => t.hub.geo.isWithin(p.gridCode, here.street))!;
    await post('/api/positions', { positions: [{ patrolId: patrol.id, lng: here.grid.center[0], lat: here.grid.center[1], at: Date.now() }] });
    await new Promise((r) => setTimeout(r, 200)); // the tick has sent it; a client away would have missed it
    const frame = nextEvent(socket, 'positions');
    const resumed = await subscribe(socket, here.street, t.hub.seq, ['patrols']);
    expect(resumed.mode).toBe('resume');
    const all = decodePositionsFrame((await frame) as unknown as Uint8Array).positions;
    expect(all.some((p) => p.idx === patrol.idx)).toBe(true);
  });

  it('refuses a batch naming an unknown patrol and takes none of it', async () => {
    const res = await post('/api/positions', { positions: [{ patrolId: 'p-0', lng: 121.5, lat: 29.8, at: Date.now() }, { patrolId: 'ghost', lng: 121.5, lat: 29.8, at: Date.now() }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('UNKNOWN_PATROL');
    expect(t.hub.positions.get(0)?.lng).not.toBe(121.5);
  });
});

describe('rosters', () => {
  it('a roster reloaded after clients subscribed tells them to take a fresh snapshot', async () => {
    const { socket, root } = await client();
    await subscribe(socket, root);
    const resync = nextEvent(socket, 'resync');
    const roster = smallRoster(40, Date.now());
    await t.hub.loadRoster(roster.cameras, roster.patrols);
    expect((await resync).reason).toMatch(/roster/);
  });

  it('ignores a patrol status report older than the one it holds', async () => {
    const now = Date.now();
    await post('/api/patrols/status', { changes: [{ patrolId: 'p-5', status: 'offline', at: now }] });
    const late = await post('/api/patrols/status', { changes: [{ patrolId: 'p-5', status: 'on_duty', at: now - 60_000 }] });
    expect(late.status).toBe(200);
    expect(late.body.changed).toBe(0);
    expect(t.hub.patrols.get('p-5')!.status).toBe('offline');
  });
});

describe('cameras and figures', () => {
  it('a camera going offline reaches the wall and the next figures count it', async () => {
    const { socket, root } = await client();
    await subscribe(socket, root);
    const updated = nextEvent(socket, 'camera:updated', (d) => d.camera.id === 'cam-3');
    const res = await post('/api/cameras/status', { changes: [{ cameraId: 'cam-3', status: 'fault', at: Date.now() }] });
    expect(res.status).toBe(200);
    expect((await updated).camera.status).toBe('fault');
    const frame = await nextEvent(socket, 'stats:updated', (f) => f.stats.cameras.fault >= 1);
    expect(frame.stats.cameras.total).toBe(40);
    expect(frame.stats.cameras.online).toBe(40 - frame.stats.cameras.fault - frame.stats.cameras.offline - frame.stats.cameras.videoLost);
  });
});
