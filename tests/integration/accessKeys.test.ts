/**
 * Who may send and who may watch (issue 17 part 3) against a real hub: ingest keys scoped to a
 * region and to what they may send, refused when missing, unknown, revoked or out of scope, limited
 * per key; Open311 POST only with an api_key; kiosk links that open a read-only wall of one region,
 * refused when altered, and closing their walls when revoked or expired. Every refusal stores
 * nothing: the counts are read back through the API and the store.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@shared/events';
import type { AccessKey, MadeIngestKey, MadeKioskLink } from '@shared/schemas/accessKeys';
import type { SubscribeResult } from '@shared/schemas/live';
import { INGEST_HEADERS, grids, nextEvent, signedInUser, smallRoster, startTestHub, type TestClient, type TestHub, type TestUser } from './harness';

let t: TestHub;
let admin: TestUser;
let now = Date.now();
/** two streets of the test city, each with a grid holding a camera and two patrols */
let here: { street: string; grid: string; center: [number, number]; patrol: string; camera: string };
let there: { street: string; grid: string; center: [number, number]; patrol: string; camera: string };

beforeAll(async () => {
  // nobody reads anonymously here: a wall either signs in or opens a kiosk link
  t = await startTestHub({ fusion: 'off', anonymous: 'off', clock: () => now, ingestRates: { units: 3 }, httpWritesPerSecond: 20, sessionRecheckMs: 200 });
  const { cameras, patrols } = smallRoster(grids().length, now);
  await t.hub.loadRoster(cameras, patrols);
  admin = await signedInUser(t, 'keeper', 'admin');
  const streetOf = (grid: string) => t.hub.geo.path(grid)[2]!;
  const all = grids();
  const first = all[0]!;
  const other = all.find((g) => streetOf(g.code) !== streetOf(first.code))!;
  const place = (g: (typeof all)[number]) => {
    const i = all.indexOf(g);
    return { street: streetOf(g.code), grid: g.code, center: g.center as [number, number], patrol: `p-${i * 2}`, camera: `cam-${i}` };
  };
  here = place(first);
  there = place(other);
});
afterAll(async () => {
  await t?.close();
});

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* html or empty */
  }
  return { status: res.status, body: parsed as T };
}

const fixOf = (patrolId: string, [lng, lat]: [number, number]) => ({ positions: [{ patrolId, lng, lat, at: now }] });
const keyHeaders = (secret: string) => ({ 'X-Api-Key': secret });
const fixHeld = (patrolId: string) => t.hub.positions.get(t.hub.roster.patrols.get(patrolId)!.idx) ?? null;

async function makeKey(regionCode: string, scopes: string[], label = 'test source'): Promise<MadeIngestKey> {
  const made = await call<MadeIngestKey>('POST', '/api/access-keys/ingest', { label, regionCode, scopes }, admin.headers);
  expect(made.status).toBe(201);
  return made.body;
}

async function caseCount(): Promise<number> {
  return (await t.store.readEvents({ kind: 'incident', afterSeq: 0, limit: 100_000 })).filter((e) => e.type === 'reported').length;
}

describe('ingest keys', () => {
  it('refuses a feed without a key, and stores nothing', async () => {
    const seq = t.hub.seq;
    const positions = await call('POST', '/api/positions', fixOf(here.patrol, here.center));
    expect(positions).toMatchObject({ status: 401, body: { error: 'API_KEY_REQUIRED' } });
    expect(fixHeld(here.patrol)).toBeNull();
    const status = await call('POST', '/api/cameras/status', { changes: [{ cameraId: here.camera, status: 'fault', at: now }] });
    expect(status).toMatchObject({ status: 401, body: { error: 'API_KEY_REQUIRED' } });
    const unknown = await call('POST', '/api/positions', fixOf(here.patrol, here.center), keyHeaders('gk_made-up-key-that-this-hub-never-issued'));
    expect(unknown).toMatchObject({ status: 401, body: { error: 'API_KEY_INVALID' } });
    expect(t.hub.seq).toBe(seq);
  });

  it("takes a street key's fixes for its own patrols; refuses another street's patrol and another kind of data", async () => {
    const { key, secret } = await makeKey(here.street, ['positions'], '街道巡防终端');
    expect(key).toMatchObject({ kind: 'ingest', regionCode: here.street, scopes: ['positions'], revokedAt: null });
    expect(secret).toMatch(/^gk_/);
    expect(await call('POST', '/api/positions', fixOf(here.patrol, here.center), keyHeaders(secret))).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(fixHeld(here.patrol)).not.toBeNull();
    // a batch naming a patrol of another street is refused whole: the first fix in it is not taken either
    now += 1_000;
    const mixed = { positions: [...fixOf(here.patrol, [here.center[0] + 0.0001, here.center[1]]).positions, ...fixOf(there.patrol, there.center).positions] };
    const before = fixHeld(here.patrol);
    expect(await call('POST', '/api/positions', mixed, keyHeaders(secret))).toMatchObject({ status: 403, body: { error: 'FORBIDDEN_REGION' } });
    expect(fixHeld(here.patrol)).toEqual(before);
    expect(fixHeld(there.patrol)).toBeNull();
    const seq = t.hub.seq;
    expect(await call('POST', '/api/cameras/status', { changes: [{ cameraId: here.camera, status: 'fault', at: now }] }, keyHeaders(secret))).toMatchObject({
      status: 403,
      body: { error: 'FORBIDDEN_SCOPE' },
    });
    expect(t.hub.seq).toBe(seq);
  });

  it('takes Open311 requests only with an api_key, inside its region; an admin script may report without one', async () => {
    const { secret } = await makeKey(here.street, ['reports'], '12345 热线');
    const cases = await caseCount();
    const form = (center: [number, number], extra: Record<string, string> = {}) =>
      fetch(`${t.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ service_code: 'sanitation', lat: String(center[1]), long: String(center[0]), description: '垃圾堆放', ...extra }),
      });
    const missing = await form(here.center);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual([expect.objectContaining({ code: 403, error_code: 'API_KEY_REQUIRED' })]);
    const elsewhere = await form(there.center, { api_key: secret });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toEqual([expect.objectContaining({ error_code: 'FORBIDDEN_REGION' })]);
    expect(await caseCount()).toBe(cases);
    const taken = await form(here.center, { api_key: secret });
    expect(taken.status).toBe(201);
    expect(await caseCount()).toBe(cases + 1);
    // the hub's own API: the key's source reports inside its region; an admin's session needs no key
    const body = { source: 'hotline', category: 'sanitation', severity: 2, title: '垃圾', location: { lng: here.center[0], lat: here.center[1] }, reporter: { kind: 'citizen' } };
    expect((await call('POST', '/api/incidents', body, keyHeaders(secret))).status).toBe(201);
    expect((await call('POST', '/api/incidents', { ...body, location: { lng: there.center[0], lat: there.center[1] } }, keyHeaders(secret))).body).toMatchObject({ error: 'FORBIDDEN_REGION' });
    expect((await call('POST', '/api/incidents', { ...body, title: '另一件' }, admin.headers)).status).toBe(201);
    expect(await caseCount()).toBe(cases + 3);
  });

  it('refuses a revoked key at once; the list shows no secret and the audit log has every change', async () => {
    const { key, secret } = await makeKey(t.hub.geo.rootCode, ['positions']);
    now += 1_000;
    expect((await call('POST', '/api/positions', fixOf(there.patrol, there.center), keyHeaders(secret))).status).toBe(202);
    expect(await call('POST', `/api/access-keys/${key.id}/revoke`, undefined, admin.headers)).toMatchObject({ status: 200, body: { key: { id: key.id, revokedBy: 'keeper' } } });
    now += 1_000;
    const refused = await call<{ error: string; message: string }>('POST', '/api/positions', fixOf(there.patrol, there.center), keyHeaders(secret));
    expect(refused).toMatchObject({ status: 401, body: { error: 'API_KEY_INVALID' } });
    expect(refused.body.message).toContain('revoked');
    const list = await call<{ keys: AccessKey[] }>('GET', '/api/access-keys', undefined, admin.headers);
    expect(list.body.keys.find((k) => k.id === key.id)).toMatchObject({ revokedBy: 'keeper' });
    expect(JSON.stringify(list.body)).not.toContain(secret.slice(3));
    expect(JSON.stringify(list.body)).not.toContain('secretHash');
    const audit = await t.store.readAudit({ actor: 'keeper', limit: 100 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['key_add', 'key_revoke']));
  });

  it('lets only admins make keys, and only inside their region', async () => {
    const operator = await signedInUser(t, 'deskop', 'operator');
    expect((await call('POST', '/api/access-keys/ingest', { label: 'x', regionCode: here.street, scopes: ['positions'] }, operator.headers)).body).toMatchObject({ error: 'FORBIDDEN_ROLE' });
    const streetAdmin = await signedInUser(t, 'streetadmin', 'admin', here.street);
    expect((await call('POST', '/api/access-keys/ingest', { label: 'x', regionCode: there.street, scopes: ['positions'] }, streetAdmin.headers)).body).toMatchObject({ error: 'FORBIDDEN_REGION' });
    expect((await call('POST', '/api/access-keys/ingest', { label: '', regionCode: here.street, scopes: [] }, admin.headers)).body).toMatchObject({ error: 'VALIDATION_FAILED' });
  });

  it('limits each key on its own: a runaway source is refused 429, another key is not', async () => {
    const runaway = await makeKey(t.hub.geo.rootCode, ['units'], 'runaway');
    const calm = await makeKey(t.hub.geo.rootCode, ['units'], 'calm');
    const change = (i: number) => ({ changes: [{ cameraId: here.camera, status: i % 2 ? 'online' : 'fault', at: now + i }] });
    // the test hub allows 3 unit requests a second per key: ten at once cannot all pass
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => call<{ error?: string; details?: { retryAfterMs: number } }>('POST', '/api/cameras/status', change(i), keyHeaders(runaway.secret))));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body).toMatchObject({ error: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    expect((await call('POST', '/api/cameras/status', change(20), keyHeaders(calm.secret))).status).toBe(200);
    // counted for the operators: /metrics says how many were refused and why
    const metrics = await (await fetch(`${t.url}/metrics`, { headers: admin.headers })).text();
    const count = (code: string) => Number(new RegExp(`gcw_ingest_refused_total\\{code="${code}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(count('RATE_LIMITED')).toBeGreaterThanOrEqual(limited.length);
    expect(count('API_KEY_REQUIRED')).toBeGreaterThan(0);
  });

  it('a key is no pass elsewhere: it does not lift the write limit of other routes, guessing keys is limited per address, and a key does not post AI alarms as cases', async () => {
    const op = await signedInUser(t, 'keyholder', 'operator');
    // twenty writes a second per session on this hub: a made-up key on a route that takes none changes nothing
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => call('POST', '/api/auth/password', { currentPassword: 'wrong', newPassword: 'x' }, { ...op.headers, 'X-Api-Key': 'gk_not-a-key' })),
    );
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThan(0);
    // a hotline key reports cases; an AI detection goes to the confirm queue, not the case list
    const { secret } = await makeKey(t.hub.geo.rootCode, ['reports']);
    const cases = await caseCount();
    const ai = { source: 'video_ai', category: 'sanitation', severity: 2, title: '识别', location: { lng: here.center[0], lat: here.center[1] }, reporter: { kind: 'system' } };
    expect((await call('POST', '/api/incidents', ai, keyHeaders(secret))).body).toMatchObject({ error: 'VALIDATION_FAILED' });
    expect(await caseCount()).toBe(cases);
    // at most thirty unknown keys a minute from one address, then refused before any lookup; a source
    // whose key this hub knows, behind the same address, goes on
    now += 1_000;
    expect((await call('POST', '/api/positions', fixOf(there.patrol, there.center), INGEST_HEADERS)).status).toBe(202);
    const guesses: string[] = [];
    for (let i = 0; i < 40; i++) guesses.push((await call<{ error: string }>('POST', '/api/positions', fixOf(here.patrol, here.center), keyHeaders(`gk_guess-${i}-aaaaaaaaaaaaaaaaaaaaaaaa`))).body.error);
    const firstLimited = guesses.indexOf('RATE_LIMITED');
    expect(firstLimited).toBeGreaterThan(0);
    expect(firstLimited).toBeLessThanOrEqual(30);
    expect(guesses.slice(0, firstLimited).every((e) => e === 'API_KEY_INVALID')).toBe(true);
    expect(guesses.slice(firstLimited).every((e) => e === 'RATE_LIMITED')).toBe(true);
    now += 1_000;
    expect((await call('POST', '/api/positions', fixOf(there.patrol, there.center), INGEST_HEADERS)).status).toBe(202);
  });

  it('the harness key (INGEST_KEY) holds every scope for the whole city', async () => {
    now += 1_000;
    expect((await call('POST', '/api/positions', fixOf(there.patrol, there.center), INGEST_HEADERS)).status).toBe(202);
  });
});

describe('kiosk links', () => {
  async function makeLink(regionCode: string, hours = 12): Promise<MadeKioskLink> {
    const made = await call<MadeKioskLink>('POST', '/api/access-keys/kiosk', { label: '三楼大屏', regionCode, expiresInHours: hours }, admin.headers);
    expect(made.status).toBe(201);
    return made.body;
  }

  /** opens the link as a wall's browser does: the cookie it sets, and where it sends the screen */
  async function open(path: string): Promise<{ status: number; cookie: string | null; location: string | null }> {
    const res = await fetch(`${t.url}${path}`, { redirect: 'manual' });
    await res.text();
    const set = res.headers.get('set-cookie');
    return { status: res.status, cookie: set ? set.split(';')[0]! : null, location: res.headers.get('location') };
  }

  function connectWith(cookie: string): Promise<{ socket: TestClient; error?: string }> {
    const socket: TestClient = io(t.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
    return new Promise((resolve) => {
      socket.once('hello', () => resolve({ socket }));
      socket.once('connect_error', (e) => resolve({ socket, error: (e as Error & { data?: { error?: string } }).data?.error ?? e.message }));
    });
  }

  const subscribe = (socket: TestClient, region: string) =>
    new Promise<SubscribeResult | { ok: false; error: string }>((resolve) =>
      socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents'] }, (ack: unknown) => {
        const a = ack as { ok: boolean; data?: SubscribeResult; error?: string };
        resolve(a.ok ? a.data! : { ok: false, error: a.error! });
      }),
    );

  it('opens a read-only wall of its region: the cookie, the redirect, the socket, the HTTP reads', async () => {
    const link = await makeLink(here.street);
    expect(link.path).toMatch(/^\/kiosk\/k1\./);
    const opened = await open(link.path);
    expect(opened.status).toBe(302);
    expect(opened.location).toBe(`/?region=${here.street}`);
    expect(opened.cookie).toMatch(/^gcw_kiosk=k1\./);
    // without the link, this hub lets nobody watch
    expect((await call('GET', `/api/incidents?region=${here.street}`)).status).toBe(401);
    const cookie = { cookie: opened.cookie! };
    expect((await call('GET', `/api/incidents?region=${here.street}`, undefined, cookie)).status).toBe(200);
    expect((await call('GET', `/api/incidents?region=${there.street}`, undefined, cookie)).body).toMatchObject({ error: 'FORBIDDEN_REGION' });
    const { socket, error } = await connectWith(opened.cookie!);
    expect(error).toBeUndefined();
    expect(await subscribe(socket, here.street)).toMatchObject({ mode: 'snapshot' });
    expect(await subscribe(socket, there.street)).toMatchObject({ ok: false, error: 'FORBIDDEN_REGION' });
    expect(await subscribe(socket, t.hub.geo.rootCode)).toMatchObject({ ok: false, error: 'FORBIDDEN_REGION' });
    // it watches; it does not act
    const step = await new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit('incident:command', { incidentId: 'X', command: { action: 'note', note: 'x' } }, resolve as never));
    expect(step).toMatchObject({ ok: false, error: 'FORBIDDEN_ROLE' });
    socket.close();
  });

  it('refuses an altered link with a page a person can read, and no cookie', async () => {
    const link = await makeLink(here.street);
    // the same link pointed at another region: the signature no longer matches
    const altered = link.path.replace(`.${here.street}.`, `.${there.street}.`);
    const opened = await open(altered);
    expect(opened.status).toBe(401);
    expect(opened.cookie ?? '').not.toMatch(/gcw_kiosk=k1/);
    const page = await (await fetch(`${t.url}${altered}`)).text();
    expect(page).toContain('大屏链接无效');
    const { error } = await connectWith(`gcw_kiosk=${altered.slice('/kiosk/'.length)}`);
    expect(error).toBe('LINK_INVALID');
  });

  it('closes the walls of a revoked link at once, and an expired link at its time', async () => {
    const link = await makeLink(here.street, 1);
    const { cookie } = await open(link.path);
    const { socket } = await connectWith(cookie!);
    const ended = nextEvent(socket, 'auth:ended');
    const closed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    expect((await call('POST', `/api/access-keys/${link.key.id}/revoke`, undefined, admin.headers)).status).toBe(200);
    expect(await ended).toMatchObject({ reason: expect.stringContaining('revoked') });
    await closed;
    expect((await connectWith(cookie!)).error).toBe('LINK_INVALID');
    const audit = await t.store.readAudit({ actor: 'keeper', limit: 100 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['kiosk_add', 'kiosk_revoke']));

    // revoked where this node did not hear of it (another node, straight in the store): its open walls still end
    const elsewhere = await makeLink(here.street);
    const opened = await open(elsewhere.path);
    const { socket: other } = await connectWith(opened.cookie!);
    const endedThere = nextEvent(other, 'auth:ended');
    await t.store.revokeAccessKey(elsewhere.key.id, now, 'another-node');
    now += 10_001; // past the credential cache
    expect(await endedThere).toMatchObject({ reason: expect.stringContaining('revoked') });
    other.close();

    const short = await makeLink(here.street, 1);
    const second = await open(short.path);
    expect(second.status).toBe(302);
    now += 3_600_000 + 1;
    expect((await open(short.path)).status).toBe(401);
    expect((await connectWith(second.cookie!)).error).toBe('LINK_INVALID');
  });
});
