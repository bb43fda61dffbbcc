/**
 * Open311 reads follow the hub's anonymous-read policy (issue 17 part 3) against a real hub: where
 * nobody reads anonymously (WALL_ANONYMOUS=off) a GET without a credential is refused in the
 * Open311 form (403, as the spec answers a bad api_key); an ingest key of one street lists that
 * street's cases only and is told "not found" for another street's case, exactly as for a case
 * that does not exist; a session of an admin at the root reads everything. Under the default policy
 * the test client on this machine reads everything without a key, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MadeIngestKey } from '@shared/schemas/accessKeys';
import { grids, signedInUser, startTestHub, type TestHub, type TestUser } from './harness';
import { child, parseXml, textOf } from '../support/xml';

type Entry = Record<string, unknown>;
let t: TestHub;
let open: TestHub;
let admin: TestUser;
/** a case in each of two streets, and a key of the first street */
let caseA: string;
let caseB: string;
let streetA: string;
let streetB: string;
let keyA: string;

/** a grid whose centre lies in it, in each of two streets */
function twoStreets(hub: TestHub): { a: [number, number]; b: [number, number]; streetA: string; streetB: string } {
  const streetOf = (grid: string) => hub.hub.geo.path(grid)[2]!;
  const inside = grids().filter((g) => hub.hub.geo.locate(g.center[0], g.center[1]) === g.code);
  const first = inside[0]!;
  const other = inside.find((g) => streetOf(g.code) !== streetOf(first.code))!;
  return { a: first.center as [number, number], b: other.center as [number, number], streetA: streetOf(first.code), streetB: streetOf(other.code) };
}

async function reportAt(hub: TestHub, [lng, lat]: [number, number], title: string): Promise<string> {
  const { incident } = await hub.hub.report({ source: 'hotline', category: 'sanitation', severity: 1, title, location: { lng, lat }, reporter: { kind: 'citizen' } });
  return incident.id;
}

async function get(hub: TestHub, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Entry[] }> {
  const res = await fetch(`${hub.url}/open311/v2${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Entry[] };
}

const ids = (body: Entry[]) => body.map((r) => r.service_request_id as string);

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off', anonymous: 'off' });
  admin = await signedInUser(t, 'root-admin', 'admin');
  const places = twoStreets(t);
  ({ streetA, streetB } = places);
  caseA = await reportAt(t, places.a, '街道甲的案件');
  caseB = await reportAt(t, places.b, '街道乙的案件');
  const made = await fetch(`${t.url}/api/access-keys/ingest`, {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ label: '街道甲 FixMyStreet', regionCode: streetA, scopes: ['reports'] }),
  });
  expect(made.status).toBe(201);
  keyA = ((await made.json()) as MadeIngestKey).secret;
  open = await startTestHub({ fusion: 'off' });
});
afterAll(async () => {
  await t?.close();
  await open?.close();
});

describe('Open311 reads where nobody reads anonymously', () => {
  it('refuses a GET without a credential in the Open311 form: 403 API_KEY_REQUIRED, in JSON and in XML; discovery stays open', async () => {
    for (const path of ['/requests.json', `/requests/${caseA}.json`, '/services.json', '/services/sanitation.json']) {
      const res = await get(t, path);
      expect(res.status, path).toBe(403);
      expect(res.body).toEqual([expect.objectContaining({ code: 403, error_code: 'API_KEY_REQUIRED' })]);
    }
    const xml = await fetch(`${t.url}/open311/v2/requests.xml`);
    expect(xml.status).toBe(403);
    const error = child(parseXml(await xml.text()), 'error')!;
    expect(textOf(error, 'error_code')).toBe('API_KEY_REQUIRED');
    expect((await fetch(`${t.url}/open311/v2/discovery.json`)).status).toBe(200);
  });

  it('refuses an unknown key 403 API_KEY_INVALID and a key that may not send reports 403 FORBIDDEN_SCOPE', async () => {
    expect((await get(t, '/requests.json?api_key=gk_made-up-key-0000000000000000000000')).body).toEqual([expect.objectContaining({ code: 403, error_code: 'API_KEY_INVALID' })]);
    const positionsOnly = await fetch(`${t.url}/api/access-keys/ingest`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ label: '巡防终端', regionCode: streetA, scopes: ['positions'] }),
    });
    const { secret } = (await positionsOnly.json()) as MadeIngestKey;
    expect(await get(t, '/requests.json', { 'X-Api-Key': secret })).toMatchObject({ status: 403, body: [{ error_code: 'FORBIDDEN_SCOPE' }] });
  });

  it('a key of one street lists that street’s cases only, and another street’s case is “not found” as a made-up id is', async () => {
    const listed = await get(t, `/requests.json?api_key=${encodeURIComponent(keyA)}`);
    expect(listed.status).toBe(200);
    expect(ids(listed.body)).toContain(caseA);
    expect(ids(listed.body)).not.toContain(caseB);
    for (const id of ids(listed.body)) expect(t.hub.incidents.get(id)!.incident.regionPath).toContain(streetA);

    const own = await get(t, `/requests/${caseA}.json`, { 'X-Api-Key': keyA });
    expect(own).toMatchObject({ status: 200, body: [{ service_request_id: caseA }] });
    const foreign = await get(t, `/requests/${caseB}.json`, { 'X-Api-Key': keyA });
    const madeUp = await get(t, '/requests/E20000101-99999.json', { 'X-Api-Key': keyA });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual([{ code: 404, error_code: 'NOT_FOUND', description: `No service request has the id ${caseB}.` }]);
    expect(madeUp.body).toEqual([{ code: 404, error_code: 'NOT_FOUND', description: 'No service request has the id E20000101-99999.' }]);
    // a list of ids leaves the other street's out, as it leaves out unknown ones
    const byIds = await get(t, `/requests.json?service_request_id=${caseA},${caseB}`, { 'X-Api-Key': keyA });
    expect(ids(byIds.body)).toEqual([caseA]);
  });

  it('a session of an admin at the root lists every street’s cases; a supervisor of one street only that street’s', async () => {
    const all = await get(t, '/requests.json', admin.headers);
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual(expect.arrayContaining([caseA, caseB]));
    expect((await get(t, `/requests/${caseB}.json`, admin.headers)).status).toBe(200);
    expect((await get(t, '/services.json', admin.headers)).status).toBe(200);

    const supervisor = await signedInUser(t, 'street-b-supervisor', 'supervisor', streetB);
    const theirs = await get(t, '/requests.json', supervisor.headers);
    expect(ids(theirs.body)).toContain(caseB);
    expect(ids(theirs.body)).not.toContain(caseA);
    expect((await get(t, `/requests/${caseA}.json`, supervisor.headers)).status).toBe(404);
  });
});

describe('Open311 reads under the default policy (anonymous on this machine)', () => {
  it('the local client reads every street without a key, as before; a key still holds its reader to its street', async () => {
    const places = twoStreets(open);
    const a = await reportAt(open, places.a, '甲');
    const b = await reportAt(open, places.b, '乙');
    const listed = await get(open, '/requests.json');
    expect(listed.status).toBe(200);
    expect(ids(listed.body)).toEqual(expect.arrayContaining([a, b]));
    expect((await get(open, `/requests/${b}.json`)).status).toBe(200);
    expect((await get(open, '/services.json')).status).toBe(200);
    // a credential that is sent is used: a street's key reads its street, even here
    const keeper = await signedInUser(open, 'keeper', 'admin');
    const made = await fetch(`${open.url}/api/access-keys/ingest`, {
      method: 'POST',
      headers: { ...keeper.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ label: '街道甲', regionCode: places.streetA, scopes: ['reports'] }),
    });
    const { secret } = (await made.json()) as MadeIngestKey;
    const scoped = await get(open, '/requests.json', { 'X-Api-Key': secret });
    expect(ids(scoped.body)).toContain(a);
    expect(ids(scoped.body)).not.toContain(b);
  });
});
