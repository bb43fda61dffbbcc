/**
 * Open311 GeoReport v2 end to end: a real hub on port 0 and Node's fetch, as a citizen app or
 * FixMyStreet would talk to it. Services and requests in JSON and XML, form posts that become
 * incidents, refusals in the Open311 form that store nothing, and the GET requests filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '@shared/schemas/incident';
import { INGEST_HEADERS, grids, startTestHub, type TestHub } from './harness';
import { child, parseXml, textOf } from '../support/xml';

let t: TestHub;
let point: { lat: string; long: string };
const base = () => `${t.url}/open311/v2`;
const operator = { kind: 'operator', id: 'op-1', name: '值班员' } as const;
const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off' });
  const grid = grids().find((g) => t.hub.geo.locate(g.center[0], g.center[1]) === g.code)!;
  point = { long: String(grid.center[0]), lat: String(grid.center[1]) };
});
afterAll(async () => {
  await t.close();
});



type Json = Record<string, unknown>;

function postForm(format: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${base()}/requests.${format}`, {
    method: 'POST',
    headers: { ...INGEST_HEADERS, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body: new URLSearchParams(fields),
  });
}

async function getJson(path: string): Promise<{ status: number; body: Json[] }> {
  const res = await fetch(`${base()}${path}`);
  return { status: res.status, body: (await res.json()) as Json[] };
}

async function stateCount(): Promise<{ memory: number; seq: number }> {
  return { memory: t.hub.incidents.size, seq: await t.store.lastSeq() };
}

const form = (extra: Record<string, string> = {}) => ({
  api_key: 'anything',
  service_code: 'sanitation',
  ...point,
  description: '路边垃圾堆积 & 无人清理 <三天>',
  first_name: '三',
  last_name: '张',
  phone: '13800138000',
  address_string: '中山东路12号',
  ...extra,
});

async function created(fields: Record<string, string>): Promise<string> {
  const res = await postForm('json', fields);
  expect(res.status).toBe(201);
  const [entry] = (await res.json()) as Json[];
  return entry!.service_request_id as string;
}

describe('services', () => {
  it('lists the categories in JSON', async () => {
    const res = await fetch(`${base()}/services.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
    const services = (await res.json()) as Json[];
    expect(services.find((s) => s.service_code === 'sanitation')).toMatchObject({ service_name: '环境卫生', metadata: false, type: 'realtime' });
  });

  it('lists the same categories in well-formed XML', async () => {
    const [json, xmlRes] = await Promise.all([getJson('/services.json'), fetch(`${base()}/services.xml`)]);
    expect(xmlRes.headers.get('content-type')).toMatch(/^text\/xml; charset=utf-8/);
    const root = parseXml(await xmlRes.text());
    expect(root.name).toBe('services');
    expect(root.children.every((c) => c.name === 'service')).toBe(true);
    expect(root.children.map((s) => textOf(s, 'service_code'))).toEqual(json.body.map((s) => s.service_code));
    expect(root.children.map((s) => textOf(s, 'service_name'))).toContain('环境卫生');
  });

  it('defines a known service and answers 404 for an unknown one', async () => {
    const def = parseXml(await (await fetch(`${base()}/services/sanitation.xml`)).text());
    expect(def.name).toBe('service_definition');
    expect(textOf(def, 'service_code')).toBe('sanitation');
    const missing = await getJson('/services/pothole.json');
    expect(missing.status).toBe(404);
    expect(missing.body[0]).toMatchObject({ code: 404, error_code: 'UNKNOWN_CATEGORY' });
  });
});

describe('POST requests', () => {
  it('turns a form into an incident: 201, readable as an Open311 request and on the hub API', async () => {
    const res = await postForm('json', form({ 'attribute[severity]': '2', media_url: 'https://img.example/bin.jpg' }));
    expect(res.status).toBe(201);
    const [entry] = (await res.json()) as Json[];
    const id = entry!.service_request_id as string;
    expect(id).toMatch(/^E\d{8}-\d{5}$/);
    expect(entry).toMatchObject({ account_id: null });
    expect(res.headers.get('location')).toBe(`/open311/v2/requests/${id}.json`);

    const one = await getJson(`/requests/${id}.json`);
    expect(one.status).toBe(200);
    expect(one.body).toHaveLength(1);
    const request = one.body[0]!;
    expect(request).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'sanitation',
      description: '路边垃圾堆积 & 无人清理 <三天>',
      address: '中山东路12号',
      media_url: 'https://img.example/bin.jpg',
      extended_attributes: { channel: 'open311', stage: 'reported', severity: 2, supervised: false, overdue: false },
    });
    expect(request.requested_datetime).toMatch(OFFSET_TIME);
    expect(request.expected_datetime).toMatch(OFFSET_TIME);

    const api = await fetch(`${t.url}/api/incidents/${id}`);
    expect(api.status).toBe(200);
    const incident = (await api.json()) as Incident;
    expect(incident).toMatchObject({ source: 'open311', category: 'sanitation', severity: 2, reporter: { kind: 'citizen', name: '张三' } });
    expect(incident.reporter.phone).not.toBe('13800138000');
    expect(incident.reporter.phone).toContain('*');
    expect(await t.store.getIncident(id)).toMatchObject({ id, source: 'open311' });
  });

  it('answers in XML when asked for .xml, escaping the citizen text', async () => {
    const res = await postForm('xml', form());
    expect(res.status).toBe(201);
    const root = parseXml(await res.text());
    expect(root.name).toBe('service_requests');
    const id = textOf(child(root, 'request')!, 'service_request_id')!;
    expect(id).toMatch(/^E\d{8}-\d{5}$/);

    const body = await (await fetch(`${base()}/requests/${id}.xml`)).text();
    expect(body).toContain('路边垃圾堆积 &amp; 无人清理 &lt;三天&gt;');
    const request = child(parseXml(body), 'request')!;
    expect(textOf(request, 'status')).toBe('open');
    expect(textOf(request, 'description')).toBe('路边垃圾堆积 & 无人清理 <三天>');
    expect(textOf(request, 'requested_datetime')).toMatch(OFFSET_TIME);
    expect(textOf(child(request, 'extended_attributes')!, 'channel')).toBe('open311');
  });

  it('also takes JSON and passes an Idempotency-Key through to the hub', async () => {
    const send = (body: Json, key: string) =>
      fetch(`${base()}/requests.json`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) });
    const key = `open311-${Date.now()}`;
    const first = await send({ ...form(), attribute: { severity: 3 } }, key);
    const again = await send({ ...form(), attribute: { severity: 3 } }, key);
    expect([first.status, again.status]).toEqual([201, 200]);
    const [a, b] = [((await first.json()) as Json[])[0]!, ((await again.json()) as Json[])[0]!];
    expect(b.service_request_id).toBe(a.service_request_id);
    const reused = await send({ ...form(), description: 'another report' }, key);
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as Json[])[0]).toMatchObject({ code: 422, error_code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('refusals store nothing and speak Open311', () => {
  it('missing lat/long → 400 in JSON and XML', async () => {
    const before = await stateCount();
    const { lat: _lat, long: _long, address_string: _a, ...noPoint } = form();
    const json = await postForm('json', noPoint);
    expect(json.status).toBe(400);
    const [entry] = (await json.json()) as Json[];
    expect(entry).toMatchObject({ code: 400, error_code: 'VALIDATION_FAILED' });
    expect(entry!.description).toMatch(/lat and long are required/);

    const xml = await postForm('xml', { ...noPoint, address_string: '中山东路12号' });
    expect(xml.status).toBe(400);
    const errors = parseXml(await xml.text());
    expect(errors.name).toBe('errors');
    const error = child(errors, 'error')!;
    expect(textOf(error, 'code')).toBe('400');
    expect(textOf(error, 'error_code')).toBe('VALIDATION_FAILED');
    expect(textOf(error, 'description')).toMatch(/cannot geocode/);
    expect(await stateCount()).toEqual(before);
  });

  it('unknown service_code → 404 UNKNOWN_CATEGORY', async () => {
    const before = await stateCount();
    const res = await postForm('json', form({ service_code: 'pothole' }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as Json[])[0]).toMatchObject({ code: 404, error_code: 'UNKNOWN_CATEGORY' });
    expect(await stateCount()).toEqual(before);
  });

  it('a point outside the city → 422 OUT_OF_AREA', async () => {
    const before = await stateCount();
    const res = await postForm('xml', form({ lat: '39.9042', long: '116.4074' }));
    expect(res.status).toBe(422);
    const error = child(parseXml(await res.text()), 'error')!;
    expect([textOf(error, 'code'), textOf(error, 'error_code')]).toEqual(['422', 'OUT_OF_AREA']);
    expect(await stateCount()).toEqual(before);
  });

  it('a body that is neither form nor JSON → 415', async () => {
    const res = await fetch(`${base()}/requests.json`, { method: 'POST', headers: { ...INGEST_HEADERS, 'content-type': 'text/plain' }, body: 'service_code=sanitation' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as Json[])[0]).toMatchObject({ code: 415, error_code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('an unsupported or missing extension → 404 that names .xml and .json', async () => {
    const csv = await fetch(`${base()}/services.csv`, { headers: { accept: 'application/json' } });
    expect(csv.status).toBe(404);
    expect(((await csv.json()) as Json[])[0]!.description).toMatch(/\.xml or \.json/);
    const bare = await fetch(`${base()}/services`);
    expect(bare.status).toBe(404);
    expect(parseXml(await bare.text()).name).toBe('errors');
    const unknownId = await getJson('/requests/E19990101-00001.json');
    expect(unknownId.status).toBe(404);
    expect(unknownId.body[0]).toMatchObject({ code: 404, error_code: 'NOT_FOUND' });
  });
});

describe('GET requests', () => {
  let sanitationId: string;
  let disputeId: string;
  let rejectedId: string;
  let oldId: string;
  let oldAt: number;

  beforeAll(async () => {
    sanitationId = await created(form());
    disputeId = await created(form({ service_code: 'dispute', description: '楼上漏水引发邻里纠纷' }));
    rejectedId = await created(form({ description: '同一处垃圾，重复上报' }));
    await t.hub.command(rejectedId, { action: 'reject', reason: 'duplicate', duplicateOf: sanitationId, note: '重复上报' }, { actor: operator });
    oldAt = t.hub.now() - 10 * 86_400_000;
    const [lng, lat] = [Number(point.long), Number(point.lat)];
    // a case of ten days ago is history: written as the import writes it (a live report that old is refused)
    const [old] = await t.hub.applyBatch(
      [{ kind: 'report', input: { source: 'hotline', category: 'sanitation', severity: 1, title: '十天前的热线工单', location: { lng, lat }, reporter: { kind: 'citizen' }, reportedAt: oldAt } }],
      { quiet: true },
    );
    oldId = old!.incident.id;
  });

  const ids = (list: Json[]) => list.map((r) => r.service_request_id);

  it('defaults to the last 90 days, every channel, newest first', async () => {
    const { status, body } = await getJson('/requests.json');
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expect.arrayContaining([sanitationId, disputeId, rejectedId, oldId]));
    expect(body.find((r) => r.service_request_id === oldId)).toMatchObject({ extended_attributes: { channel: 'hotline' } });
    const times = body.map((r) => Date.parse(r.requested_datetime as string));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('filters by status: closed covers rejected, with the reason in status_notes', async () => {
    const closed = await getJson('/requests.json?status=closed');
    expect(ids(closed.body)).toContain(rejectedId);
    expect(closed.body.every((r) => r.status === 'closed')).toBe(true);
    expect(closed.body.find((r) => r.service_request_id === rejectedId)).toMatchObject({ status_notes: `rejected as duplicate of ${sanitationId}` });
    expect(closed.body.find((r) => r.service_request_id === rejectedId)!.expected_datetime).toBeUndefined();
    const open = await getJson('/requests.json?status=open');
    expect(ids(open.body)).not.toContain(rejectedId);
    expect(ids(open.body)).toContain(sanitationId);
  });

  it('filters by service_code', async () => {
    const { body } = await getJson('/requests.json?service_code=dispute');
    expect(ids(body)).toContain(disputeId);
    expect(body.every((r) => r.service_code === 'dispute')).toBe(true);
  });

  it('filters by start_date and end_date (W3C times with an offset)', async () => {
    const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
    const query = new URLSearchParams({ start_date: iso(oldAt - 3_600_000), end_date: iso(oldAt + 3_600_000) });
    const { status, body } = await getJson(`/requests.json?${query}`);
    expect(status).toBe(200);
    expect(ids(body)).toContain(oldId);
    expect(ids(body)).not.toContain(sanitationId);
    const tooLong = await getJson(`/requests.json?${new URLSearchParams({ start_date: iso(oldAt - 100 * 86_400_000), end_date: iso(oldAt) })}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body[0]!.description).toMatch(/90 days/);
  });

  it('takes a comma list of ids, which overrides the other arguments', async () => {
    const { body } = await getJson(`/requests.json?service_request_id=${disputeId},${oldId},E19990101-00001&status=closed`);
    expect(ids(body).sort()).toEqual([disputeId, oldId].sort());
  });

  it('lists in well-formed XML with offset times', async () => {
    const res = await fetch(`${base()}/requests.xml?service_code=sanitation`);
    const root = parseXml(await res.text());
    expect(root.name).toBe('service_requests');
    expect(root.children.length).toBeGreaterThanOrEqual(3);
    for (const request of root.children) {
      expect(request.name).toBe('request');
      expect(textOf(request, 'service_code')).toBe('sanitation');
      expect(textOf(request, 'requested_datetime')).toMatch(OFFSET_TIME);
      expect(textOf(request, 'updated_datetime')).toMatch(OFFSET_TIME);
    }
    const rejected = root.children.find((r) => textOf(r, 'service_request_id') === rejectedId)!;
    expect(textOf(rejected, 'status')).toBe('closed');
    expect(child(rejected, 'expected_datetime')).toBeUndefined();
  });
});

describe('discovery', () => {
  it('names this endpoint and both formats', async () => {
    const res = await fetch(`${base()}/discovery.json`);
    const body = (await res.json()) as { endpoints: { url: string; formats: string[] }[] };
    expect(body.endpoints[0]).toMatchObject({ url: base(), formats: ['text/xml', 'application/json'] });
    const xml = parseXml(await (await fetch(`${base()}/discovery.xml`)).text());
    expect(child(child(child(xml, 'endpoints')!, 'endpoint')!, 'formats')!.children.map((f) => f.text)).toEqual(['text/xml', 'application/json']);
  });
});
