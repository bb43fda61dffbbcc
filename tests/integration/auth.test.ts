/**
 * People at work, end to end with real clients: sign-in over HTTP (cookie) and for scripts
 * (bearer), the actor taken from the session, role and region checks, refusals that change
 * nothing and are audited, sessions that end, the audit API. Passwords go through the real KDF.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { AuditEntry } from '@shared/schemas/audit';
import type { Incident, IncidentCommand } from '@shared/schemas/incident';
import { connectClient, grids, nextEvent, signedInUser, startTestHub, TEST_PASSWORD, type TestClient, type TestHub, type TestUser } from './harness';

let now = Date.now();
let t: TestHub;
let op: TestUser; // operator of the whole city
let streetOp: TestUser; // operator of the first street only
let viewer: TestUser;
let supervisor: TestUser;
let opB: TestUser;
const open: TestClient[] = [];

const streets = () => [...new Set(grids().map((g) => t.hub.geo.path(g.code)[2]!))];
const gridOfStreet = (i: number) => grids().find((g) => t.hub.geo.path(g.code)[2] === streets()[i])!;

beforeAll(async () => {
  t = await startTestHub({ clock: () => now, fusion: 'off' });
  op = await signedInUser(t, 'op-a', 'operator');
  opB = await signedInUser(t, 'op-b', 'operator');
  streetOp = await signedInUser(t, 'op-street', 'operator', streets()[0]);
  viewer = await signedInUser(t, 'viewer-1', 'viewer');
  supervisor = await signedInUser(t, 'sup-1', 'supervisor');
});
afterAll(() => t.close());
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function socketOf(user?: TestUser) {
  const c = await connectClient(t.url, user?.token);
  open.push(c.socket);
  return c;
}

function command(socket: TestClient, incidentId: string, cmd: Record<string, unknown>): Promise<Ack<Incident>> {
  return new Promise((r) => socket.emit('incident:command', { incidentId, command: cmd as IncidentCommand }, r));
}

async function http(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${t.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { res, status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function newCase(streetIndex = 0, by: TestUser = op): Promise<Incident> {
  const [lng, lat] = gridOfStreet(streetIndex).center;
  const r = await http('/api/incidents', {
    body: { source: 'hotline', category: 'sanitation', severity: 1, title: '垃圾堆放', location: { lng, lat, address: '测试路1号' }, reporter: { kind: 'citizen' } },
    headers: by.headers,
  });
  expect(r.status).toBe(201);
  return r.body as unknown as Incident;
}

async function auditOf(incidentId: string): Promise<AuditEntry[]> {
  return (await t.store.readAudit({ incidentId, limit: 100 })).reverse();
}

describe('sign-in', () => {
  it('sets an HTTP-only, same-site session cookie and says who is signed in', async () => {
    const login = await http('/api/auth/login', { body: { username: 'OP-A', password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/gcw_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(login.body).toMatchObject({ user: { username: 'op-a', role: 'operator' } });
    expect(JSON.stringify(login.body)).not.toMatch(/scrypt/);
    const me = await http('/api/auth/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.body).toMatchObject({ signedIn: true, user: { username: 'op-a' }, anonymous: 'read' });
    const logout = await http('/api/auth/logout', { method: 'POST', headers: { cookie: cookie.split(';')[0]! } });
    expect(logout.status).toBe(204);
    const after = await http('/api/auth/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(after.body).toMatchObject({ signedIn: false });
  });

  it('refuses a wrong password with BAD_CREDENTIALS, audited, and no session', async () => {
    const r = await http('/api/auth/login', { body: { username: 'op-a', password: 'not-the-password' } });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'BAD_CREDENTIALS' });
    expect(r.res.headers.get('set-cookie')).toBeNull();
    const rows = await t.store.readAudit({ actor: 'op-a', limit: 10 });
    expect(rows[0]).toMatchObject({ action: 'sign_in_failed', outcome: 'refused', error: 'BAD_CREDENTIALS' });
  });

  it('slows down guessing: the sixth wrong password in a minute is refused without being checked', async () => {
    await signedInUser(t, 'guessed', 'viewer');
    const codes: unknown[] = [];
    for (let i = 0; i < 6; i++) codes.push((await http('/api/auth/login', { body: { username: 'guessed', password: `wrong-${i}-password` } })).body.error);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('BAD_CREDENTIALS'));
    expect(codes[5]).toBe('TOO_MANY_ATTEMPTS');
    const right = await http('/api/auth/login', { body: { username: 'guessed', password: TEST_PASSWORD } });
    expect(right.body.error).toBe('TOO_MANY_ATTEMPTS');
  });

  it('ends sessions when they expire: SESSION_EXPIRED, nothing changed', async () => {
    const late = await signedInUser(t, 'late-op', 'operator');
    const incident = await newCase();
    const { socket } = await socketOf(late);
    now += 13 * 3_600_000; // past the 12-hour session
    try {
      const seq = await t.store.lastSeq();
      const ack = await command(socket, incident.id, { action: 'register' });
      expect(ack).toMatchObject({ ok: false, error: 'SESSION_EXPIRED' });
      const overHttp = await http(`/api/incidents/${incident.id}/commands`, { body: { action: 'register' }, headers: late.headers });
      expect(overHttp.status).toBe(401);
      expect(overHttp.body.error).toBe('SESSION_EXPIRED');
      expect(await t.store.lastSeq()).toBe(seq);
      expect((await t.store.getIncident(incident.id))?.stage).toBe('reported');
    } finally {
      now -= 13 * 3_600_000;
    }
  });
});

describe('commands as the signed-in person', () => {
  it('acknowledges an operator’s step, the wall receives it, and the audit row is stored', async () => {
    const incident = await newCase();
    const wall = await socketOf(); // anonymous, read-only, on localhost
    expect(wall.hello.me).toMatchObject({ signedIn: false, anonymous: 'read' });
    await new Promise<void>((resolve, reject) =>
      wall.socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['incidents'] }, (a) => (a.ok ? resolve() : reject(new Error(a.message)))),
    );
    const console = await socketOf(op);
    expect(console.hello.me).toMatchObject({ signedIn: true, user: { username: 'op-a', role: 'operator' } });
    const seen = nextEvent(wall.socket, 'incident:updated', (d) => d.incident.id === incident.id);
    const ack = await command(console.socket, incident.id, { action: 'register', note: '经核实，予以立案', expectedVersion: 1 });
    expect(ack).toMatchObject({ ok: true, data: { stage: 'registered' } });
    const delta = await seen;
    expect(delta.entry).toMatchObject({ type: 'register', actor: { kind: 'operator', id: 'op-a' } });
    const [row] = (await auditOf(incident.id)).filter((r) => r.action === 'register');
    expect(row).toMatchObject({
      actor: 'op-a',
      role: 'operator',
      outcome: 'ok',
      stageBefore: 'reported',
      stageAfter: 'registered',
      reason: '经核实，予以立案',
      seq: delta.seq,
      client: { channel: 'socket' },
    });
    expect(row!.stepMs).toBeGreaterThanOrEqual(0);
  });

  it('never takes the actor or the time from the request', async () => {
    const incident = await newCase();
    const { socket } = await socketOf(op);
    const forged = await command(socket, incident.id, { action: 'register', actor: { kind: 'operator', id: 'someone-else' } });
    expect(forged).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });
    if (!forged.ok) expect(forged.message).toMatch(/actor/);
    const backdated = await command(socket, incident.id, { action: 'register', at: 0 });
    expect(backdated).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });
    expect((await t.store.getIncident(incident.id))?.version).toBe(1);
  });

  it('refuses each wrong step with its code, changes nothing, and audits the refusal', async () => {
    const inStreet0 = await newCase(0);
    const inStreet1 = await newCase(1);
    const anonymous = await socketOf();
    const viewerSocket = await socketOf(viewer);
    const streetSocket = await socketOf(streetOp);
    const opSocket = await socketOf(op);
    const seq = await t.store.lastSeq();

    expect(await command(anonymous.socket, inStreet0.id, { action: 'register' })).toMatchObject({ ok: false, error: 'AUTH_REQUIRED' });
    expect(await command(viewerSocket.socket, inStreet0.id, { action: 'register' })).toMatchObject({ ok: false, error: 'FORBIDDEN_ROLE' });
    expect(await command(streetSocket.socket, inStreet1.id, { action: 'register' })).toMatchObject({ ok: false, error: 'FORBIDDEN_REGION' });
    expect(await command(opSocket.socket, inStreet0.id, { action: 'close' })).toMatchObject({ ok: false, error: 'ILLEGAL_TRANSITION' });
    expect(await command(opSocket.socket, inStreet0.id, { action: 'supervise' })).toMatchObject({ ok: false, error: 'FORBIDDEN_ROLE' });
    expect(await command(opSocket.socket, inStreet0.id, { action: 'reject', reason: 'invalid' })).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });

    expect(await t.store.lastSeq()).toBe(seq);
    expect(await t.store.getIncident(inStreet0.id)).toMatchObject({ stage: 'reported', version: 1 });
    expect(await t.store.getIncident(inStreet1.id)).toMatchObject({ stage: 'reported', version: 1 });
    const refused = [...(await auditOf(inStreet0.id)), ...(await auditOf(inStreet1.id))].filter((r) => r.outcome === 'refused');
    expect(refused.map((r) => `${r.actor}:${r.error}`).sort()).toEqual(
      ['viewer-1:FORBIDDEN_ROLE', 'op-street:FORBIDDEN_REGION', 'op-a:ILLEGAL_TRANSITION', 'op-a:FORBIDDEN_ROLE', 'op-a:VALIDATION_FAILED'].sort(),
    );
    // the street operator acts in its own street
    expect(await command(streetSocket.socket, inStreet0.id, { action: 'register' })).toMatchObject({ ok: true });
  });

  it('a street operator reads and subscribes to its own street only', async () => {
    const { socket } = await socketOf(streetOp);
    const refused = await new Promise<Ack<unknown>>((r) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: streets()[1]!, layers: ['incidents'] }, r));
    expect(refused).toMatchObject({ ok: false, error: 'FORBIDDEN_REGION' });
    const own = await new Promise<Ack<unknown>>((r) => socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: streets()[0]!, layers: ['incidents'] }, r));
    expect(own.ok).toBe(true);
    const list = await http(`/api/incidents?region=${streets()[1]}`, { headers: streetOp.headers });
    expect(list.body.error).toBe('FORBIDDEN_REGION');
  });

  it('runs the whole loop with hand-back and re-dispatch, and keeps the verifier apart from the handler', async () => {
    const incident = await newCase();
    const a = (await socketOf(op)).socket;
    const b = (await socketOf(opB)).socket;
    const step = async (socket: TestClient, cmd: Record<string, unknown>) => {
      const ack = await command(socket, incident.id, cmd);
      if (!ack.ok) throw new Error(`${String(cmd.action)}: ${ack.error} ${ack.message}`);
      return ack.data;
    };
    await step(a, { action: 'register' });
    await step(a, { action: 'dispatch', assignee: { id: 'D330203-CGZF', name: '海曙区城管执法局', kind: 'department' } });
    expect(await step(a, { action: 'hand_back', note: '不属于本单位职责' })).toMatchObject({ stage: 'registered', assignee: null });
    await step(a, { action: 'dispatch', assignee: { id: 'D330203-HWC', name: '海曙区环境卫生管理处' } });
    expect(await step(a, { action: 'redispatch', assignee: { id: 'p-7', name: '网格员7', kind: 'patrol' }, note: '就近派网格员' })).toMatchObject({ stage: 'dispatched', assignee: { id: 'p-7', kind: 'patrol' } });
    await step(a, { action: 'accept' });
    await step(a, { action: 'pause_sla', note: '等待市民补充材料' });
    await step(a, { action: 'resume_sla' });
    await step(a, { action: 'feedback', note: '已清理' });
    const sod = await command(a, incident.id, { action: 'verify_pass' });
    expect(sod).toMatchObject({ ok: false, error: 'SEPARATION_OF_DUTIES' });
    await step(b, { action: 'verify_fail', note: '现场仍有垃圾' });
    await step(a, { action: 'feedback' });
    await step(b, { action: 'verify_pass' });
    await step(a, { action: 'note', note: '市民电话致谢' });
    const closed = await step(b, { action: 'close' });
    expect(closed).toMatchObject({ stage: 'closed', reworkCount: 1 });
    const log = await http(`/api/incidents/${incident.id}/log`, { headers: op.headers });
    const types = (log.body.entries as { type: string; actor: { id: string } }[]).map((e) => e.type);
    expect(types).toEqual(['reported', 'register', 'dispatch', 'hand_back', 'dispatch', 'redispatch', 'accept', 'pause_sla', 'resume_sla', 'feedback', 'verify_fail', 'feedback', 'verify_pass', 'note', 'close']);
    const trail = await http(`/api/incidents/${incident.id}/audit`, { headers: op.headers });
    const rows = trail.body.entries as AuditEntry[];
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toContain('verify_pass:refused');
    expect(rows.filter((r) => r.outcome === 'ok').map((r) => r.action)).toEqual(['report', ...types.slice(1)]);
  });
});

describe('sessions that end', () => {
  it('a signed-out session is told on its socket and its next command is refused', async () => {
    const leaving = await signedInUser(t, 'leaving-op', 'operator');
    const incident = await newCase();
    const { socket } = await socketOf(leaving);
    const ended = nextEvent(socket, 'auth:ended');
    await http('/api/auth/logout', { method: 'POST', headers: leaving.headers });
    expect((await ended).reason).toMatch(/signed out/);
    expect(await command(socket, incident.id, { action: 'register' })).toMatchObject({ ok: false, error: 'AUTH_REQUIRED' });
  });

  it('disabling a user ends their sessions; an admin only may do it', async () => {
    const admin = await signedInUser(t, 'admin-2', 'admin');
    const target = await signedInUser(t, 'to-disable', 'operator');
    const bySupervisor = await http('/api/users/to-disable/disable', { method: 'POST', headers: supervisor.headers });
    expect(bySupervisor.body.error).toBe('FORBIDDEN_ROLE');
    const r = await http('/api/users/to-disable/disable', { method: 'POST', headers: admin.headers });
    expect(r.body).toMatchObject({ user: { username: 'to-disable', disabled: true } });
    const after = await http('/api/incidents', { body: {}, headers: target.headers });
    expect(after.body.error).toBe('SESSION_EXPIRED');
    const login = await http('/api/auth/login', { body: { username: 'to-disable', password: TEST_PASSWORD } });
    expect(login.body.error).toBe('ACCOUNT_DISABLED');
  });

  it('an admin adds a user with a generated password shown once; a taken name is refused', async () => {
    const admin = await signedInUser(t, 'admin-3', 'admin');
    const added = await http('/api/users', { body: { username: 'new-op', role: 'operator', regionCode: streets()[2] }, headers: admin.headers });
    expect(added.status).toBe(201);
    const password = added.body.password as string;
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await http('/api/auth/login', { body: { username: 'new-op', password } })).status).toBe(200);
    const again = await http('/api/users', { body: { username: 'new-op', role: 'operator', regionCode: streets()[2] }, headers: admin.headers });
    expect(again.body.error).toBe('USER_EXISTS');
    const badRegion = await http('/api/users', { body: { username: 'nowhere-op', role: 'operator', regionCode: '999999' }, headers: admin.headers });
    expect(badRegion.body.error).toBe('UNKNOWN_REGION');
  });
});

describe('the audit API', () => {
  it('gives supervisors a person’s steps in a window; operators are refused', async () => {
    const from = now - 1;
    const incident = await newCase();
    const { socket } = await socketOf(opB);
    await command(socket, incident.id, { action: 'register' });
    await command(socket, incident.id, { action: 'close' }); // refused, audited
    const r = await http(`/api/audit?actor=op-b&from=${from}&to=${now + 1}`, { headers: supervisor.headers });
    expect(r.status).toBe(200);
    const rows = (r.body.entries as AuditEntry[]).filter((e) => e.incidentId === incident.id);
    expect(rows.map((e) => `${e.action}:${e.outcome}`)).toEqual(['close:refused', 'register:ok']);
    expect((await http('/api/audit?actor=op-b', { headers: op.headers })).body.error).toBe('FORBIDDEN_ROLE');
    expect((await http('/api/audit?actor=op-b')).status).toBe(401);
  });
});

describe('sessions that run out while connected', () => {
  it('are told, and a client that may not read anonymously is let go', async () => {
    const short = await startTestHub({ anonymous: 'off', sessionHours: 5 / 3600 }); // five seconds: time enough to connect on a busy machine
    try {
      const someone = await signedInUser(short, 'brief-op', 'operator');
      const { socket, hello } = await connectClient(short.url, someone.token);
      expect(hello.me.signedIn).toBe(true);
      const ended = nextEvent(socket, 'auth:ended', () => true, 60_000);
      const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      expect((await ended).reason).toMatch(/expired/);
      await gone;
    } finally {
      await short.close();
    }
  });
});

describe('anonymous walls', () => {
  it('are refused where the deployment says everyone signs in', async () => {
    const strict = await startTestHub({ anonymous: 'off' });
    try {
      await expect(connectClient(strict.url)).rejects.toMatchObject({ data: { error: 'AUTH_REQUIRED' } });
      const read = await fetch(`${strict.url}/api/incidents`);
      expect(read.status).toBe(401);
      const someone = await signedInUser(strict, 'kiosk', 'viewer');
      const { socket, hello } = await connectClient(strict.url, someone.token);
      expect(hello.me).toMatchObject({ signedIn: true, anonymous: 'none' });
      socket.close();
    } finally {
      await strict.close();
    }
  });
});
