/**
 * Reports and AI video alarms a source sends with its ingest key are audited under the key (issue
 * 17 part 3), read back through the audit HTTP API as a supervisor would: an Open311 POST, a JSON
 * report and an alarm each leave a row naming the key (`key:<id>`, no role, its id and name with
 * the client), written with its event (seq); a refusal the hub decides leaves a refused row in the
 * key's region; a repeated idempotent report leaves none; rows still parse with the shared schema;
 * an alarm a person posts is audited under the person, and a person's report as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MadeIngestKey } from '@shared/schemas/accessKeys';
import { AuditEntry } from '@shared/schemas/audit';
import { grids, signedInUser, smallRoster, startTestHub, type TestHub, type TestUser } from './harness';

let t: TestHub;
let admin: TestUser;
let key: MadeIngestKey;
/** a grid of the key's street (and its camera), and a grid of another street */
let inside: { center: [number, number]; camera: string; street: string };
let outside: [number, number];

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off' });
  const all = grids().filter((g) => t.hub.geo.locate(g.center[0], g.center[1]) === g.code);
  const roster = smallRoster(grids().length, Date.now());
  await t.hub.loadRoster(roster.cameras, roster.patrols);
  const streetOf = (grid: string) => t.hub.geo.path(grid)[2]!;
  const first = all[0]!;
  const other = all.find((g) => streetOf(g.code) !== streetOf(first.code))!;
  inside = { center: first.center as [number, number], camera: roster.cameras.find((c) => c.gridCode === first.code)!.id, street: streetOf(first.code) };
  outside = other.center as [number, number];
  admin = await signedInUser(t, 'auditor', 'admin');
  const made = await fetch(`${t.url}/api/access-keys/ingest`, {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ label: '12345 热线平台', regionCode: inside.street, scopes: ['reports', 'alarms'] }),
  });
  expect(made.status).toBe(201);
  key = (await made.json()) as MadeIngestKey;
});
afterAll(async () => {
  await t?.close();
});

const keyHeaders = () => ({ 'X-Api-Key': key.secret, 'content-type': 'application/json', 'user-agent': 'hotline-gateway/2.1' });

async function auditOf(query: string): Promise<AuditEntry[]> {
  const res = await fetch(`${t.url}/api/audit?${query}`, { headers: admin.headers });
  expect(res.status).toBe(200);
  const { entries } = (await res.json()) as { entries: unknown[] };
  // the rows as every reader of the audit parses them
  return entries.map((e) => AuditEntry.parse(e));
}

const byKey = () => auditOf(`actor=${encodeURIComponent(`key:${key.key.id}`)}`);
const report = (title: string, [lng, lat]: [number, number]) => ({ source: 'hotline', category: 'sanitation', severity: 1, title, location: { lng, lat }, reporter: { kind: 'citizen' } });

describe('reports and alarms made with an ingest key', () => {
  it('an Open311 POST with api_key leaves an ok row naming the key, written with its event, in the case’s region', async () => {
    const res = await fetch(`${t.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'FixMyStreet/3.1' },
      body: new URLSearchParams({ api_key: key.secret, service_code: 'sanitation', lat: String(inside.center[1]), long: String(inside.center[0]), description: '垃圾堆积' }),
    });
    expect(res.status).toBe(201);
    const { service_request_id: id } = ((await res.json()) as { service_request_id: string }[])[0]!;
    const rows = (await byKey()).filter((r) => r.incidentId === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: `key:${key.key.id}`,
      role: null,
      action: 'report',
      outcome: 'ok',
      stageAfter: 'reported',
      client: { channel: 'http', userAgent: 'FixMyStreet/3.1', key: { id: key.key.id, name: '12345 热线平台' } },
    });
    expect(rows[0]!.seq).toBe((await t.store.readEvents({ kind: 'incident', afterSeq: 0, limit: 100_000 })).find((e) => e.aggregateId === id && e.type === 'reported')!.seq);
    expect(rows[0]!.regionPath).toContain(inside.street);
    // the case's own audit trail (the console's timeline reads it) has the row too
    const trail = (await (await fetch(`${t.url}/api/incidents/${id}/audit`, { headers: admin.headers })).json()) as { entries: unknown[] };
    expect(trail.entries.map((e) => AuditEntry.parse(e).actor)).toEqual([`key:${key.key.id}`]);
  });

  it('a JSON report with X-Api-Key leaves one row; the same idempotency key again leaves no second', async () => {
    const send = () => fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { ...keyHeaders(), 'Idempotency-Key': 'hotline-0001' }, body: JSON.stringify(report('热线来电', inside.center)) });
    const first = await send();
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    expect((await send()).status).toBe(200);
    const rows = (await byKey()).filter((r) => r.incidentId === id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'report', outcome: 'ok', client: { userAgent: 'hotline-gateway/2.1', key: { id: key.key.id } } });
  });

  it('a source of another region resending that body with the same idempotency key is refused, not handed the case', async () => {
    const otherStreet = t.hub.geo.path(t.hub.geo.locate(outside[0], outside[1])!)[2]!;
    const made = await fetch(`${t.url}/api/access-keys/ingest`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ label: '另一街道的平台', regionCode: otherStreet, scopes: ['reports'] }),
    });
    expect(made.status).toBe(201);
    const stranger = (await made.json()) as MadeIngestKey;
    const res = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'X-Api-Key': stranger.secret, 'content-type': 'application/json', 'Idempotency-Key': 'hotline-0001' },
      body: JSON.stringify(report('热线来电', inside.center)),
    });
    const body = (await res.json()) as { error?: string; id?: string };
    expect(res.status).toBe(403);
    expect(body.error).toBe('FORBIDDEN_REGION');
    expect(body.id).toBeUndefined();
  });

  it('an AI video alarm raised with the key leaves an alarm_raise row about the alarm', async () => {
    const res = await fetch(`${t.url}/api/video-alarms`, { method: 'POST', headers: keyHeaders(), body: JSON.stringify({ cameraId: inside.camera, alarmType: 'garbage', confidence: 0.9, externalRef: 'VMS-77' }) });
    expect(res.status).toBe(201);
    const { alarm } = (await res.json()) as { alarm: { id: string; regionPath: string[] } };
    const rows = (await byKey()).filter((r) => r.subject === alarm.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'alarm_raise', outcome: 'ok', role: null, incidentId: null, regionPath: alarm.regionPath, client: { key: { name: '12345 热线平台' } } });
    expect(rows[0]!.seq).not.toBeNull();
  });

  it('a report outside the key’s region is refused and leaves a refused row, filed in the key’s region', async () => {
    const res = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: keyHeaders(), body: JSON.stringify(report('越界', outside)) });
    expect(res.status).toBe(403);
    const refused = (await byKey()).filter((r) => r.outcome === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ action: 'report', error: 'FORBIDDEN_REGION', incidentId: null, seq: null, regionPath: t.hub.geo.path(inside.street) });
  });

  it('an alarm a signed-in admin posts without a key is audited under the admin', async () => {
    const res = await fetch(`${t.url}/api/video-alarms`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ cameraId: inside.camera, alarmType: 'garbage', confidence: 0.8, externalRef: 'SCRIPT-1' }),
    });
    expect(res.status).toBe(201);
    const { alarm } = (await res.json()) as { alarm: { id: string } };
    const rows = (await auditOf('actor=auditor')).filter((r) => r.subject === alarm.id);
    expect(rows).toEqual([expect.objectContaining({ action: 'alarm_raise', outcome: 'ok', role: 'admin' })]);
    expect(rows[0]!.client.key).toBeUndefined();
  });

  it('a person’s report is audited as before: the user name and role, no key', async () => {
    const op = await signedInUser(t, 'op-audit', 'operator');
    const res = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { ...op.headers, 'content-type': 'application/json' }, body: JSON.stringify(report('巡查发现', inside.center)) });
    expect(res.status).toBe(201);
    const [row] = await auditOf('actor=op-audit');
    expect(row).toMatchObject({ actor: 'op-audit', role: 'operator', action: 'report', outcome: 'ok' });
    expect(row!.client.key).toBeUndefined();
  });
});
