/** The HTTP surface around the live protocol: health, regions as GeoJSON, logs, statistics. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '@shared/schemas/incident';
import { grids, signedInUser, smallRoster, startTestHub, testCity, type TestHub, type TestUser } from './harness';

let t: TestHub;
let op: TestUser;
beforeAll(async () => {
  t = await startTestHub({ fusion: 'off' });
  const roster = smallRoster(5, Date.now());
  await t.hub.loadRoster(roster.cameras, roster.patrols);
  op = await signedInUser(t, 'op-9', 'operator');
});
afterAll(() => t.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${t.url}${path}`, { headers });
  return { res, body: res.status === 304 ? null : ((await res.json()) as Record<string, unknown>) };
};

describe('http', () => {
  it('/healthz reports the store, the sequence and the clients', async () => {
    const { res, body } = await get('/healthz');
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ ok: true, store: { ok: true, kind: 'pglite' }, patrols: 10, cameras: 5 });
  });

  it('serves grid polygons as GeoJSON with an ETag and answers 304 to a revalidation', async () => {
    const { res, body } = await get('/api/regions.geojson?level=grid');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/geo\+json/);
    const features = (body as { features: { properties: { level: string }; geometry: { type: string } }[] }).features;
    expect(features).toHaveLength(grids().length);
    expect(features.every((f) => f.properties.level === 'grid' && f.geometry.type === 'MultiPolygon')).toBe(true);
    // compressed for a client that accepts it (fetch does), the same document for one that does not
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const plain = await get('/api/regions.geojson?level=grid', { 'Accept-Encoding': 'identity' });
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.body).toEqual(body);
    const again = await get('/api/regions.geojson?level=grid', { 'If-None-Match': res.headers.get('etag')! });
    expect(again.res.status).toBe(304);
    const bad = await get('/api/regions.geojson?level=planet');
    expect(bad.res.status).toBe(400);
    expect(bad.body?.error).toBe('VALIDATION_FAILED');
  });

  it('lists regions by level and within a region, and units by region, status and limit, as the roster holds them', async () => {
    const city = testCity();
    const byCode = new Map(city.map((r) => [r.code, r]));
    const under = (code: string, within: string): boolean => {
      for (let c: string | null = code; c; c = byCode.get(c)?.parentCode ?? null) if (c === within) return true;
      return false;
    };
    const street = city.find((r) => r.level === 'street')!;
    const streets = (await get('/api/regions?level=street')).body!.regions as { code: string; level: string }[];
    expect(streets.map((r) => r.code).sort()).toEqual(city.filter((r) => r.level === 'street').map((r) => r.code).sort());
    const inStreet = (await get(`/api/regions?within=${street.code}&level=grid`)).body!.regions as { code: string; polygons?: unknown }[];
    expect(inStreet.map((r) => r.code).sort()).toEqual(city.filter((r) => r.level === 'grid' && under(r.code, street.code)).map((r) => r.code).sort());
    expect(inStreet.every((r) => r.polygons === undefined)).toBe(true); // no geometry in a list
    // every region has an English name for the wall in English, in the lists and in the GeoJSON
    expect((streets as { nameEn?: string }[]).every((r) => typeof r.nameEn === 'string' && /^[A-Z]/.test(r.nameEn))).toBe(true);
    const geo = (await get('/api/regions.geojson?level=street')).body as { features: { properties: { nameEn?: string } }[] };
    expect(geo.features.every((f) => /Subdistrict|Town|Township|District/.test(f.properties.nameEn ?? ''))).toBe(true);
    const all = (await get(`/api/regions?within=${street.code}`)).body!.regions as { code: string }[];
    expect(all.map((r) => r.code)).toEqual(expect.arrayContaining([t.hub.geo.rootCode, street.parentCode!, street.code]));

    const roster = smallRoster(5, 0).patrols;
    const gridOfFirst = roster[0]!.gridCode;
    const patrols = (await get(`/api/patrols?region=${gridOfFirst}`)).body!.patrols as { id: string }[];
    expect(patrols.map((p) => p.id).sort()).toEqual(roster.filter((p) => under(p.gridCode, gridOfFirst)).map((p) => p.id).sort());
    expect(((await get('/api/patrols?status=on_duty&limit=3')).body!.patrols as unknown[]).length).toBe(3);
    expect(((await get('/api/patrols?status=off_duty')).body!.patrols as unknown[]).length).toBe(0);
    expect(((await get(`/api/cameras?region=${street.code}`)).body!.cameras as { gridCode: string }[]).every((c) => under(c.gridCode, street.code))).toBe(true);
    const unknown = await get('/api/regions?within=999');
    expect(unknown.res.status).toBe(404);
    expect(unknown.body?.error).toBe('UNKNOWN_REGION');
  });

  it('returns an incident’s whole log, and 404 with a stable code for an unknown one', async () => {
    const [lng, lat] = grids()[0]!.center;
    const created = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...op.headers },
      body: JSON.stringify({ source: 'sensor', category: 'fire_safety', severity: 3, title: '烟感报警', location: { lng, lat }, reporter: { kind: 'sensor', id: 'smoke-17' } }),
    });
    const incident = (await created.json()) as Incident;
    expect(incident.fastTrack).toBe(true);
    await fetch(`${t.url}/api/incidents/${incident.id}/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...op.headers },
      body: JSON.stringify({ action: 'register' }),
    });
    const log = await get(`/api/incidents/${incident.id}/log`);
    expect((log.body as { entries: { type: string; seq: number }[] }).entries.map((e) => e.type)).toEqual(['reported', 'register']);
    const missing = await get('/api/incidents/E19990101-00001');
    expect(missing.res.status).toBe(404);
    expect(missing.body?.error).toBe('NOT_FOUND');
    const noRoute = await get('/api/nothing-here');
    expect(noRoute.res.status).toBe(404);
  });

  it('computes statistics for a window and refuses an unknown region', async () => {
    const ok = await get(`/api/stats?region=330203&from=${Date.now() - 3_600_000}&to=${Date.now() + 1000}`);
    expect(ok.res.status).toBe(200);
    expect((ok.body as { stats: { intake: { total: number } } }).stats.intake.total).toBeGreaterThanOrEqual(1);
    const unknown = await get('/api/stats?region=999999');
    expect(unknown.res.status).toBe(404);
    expect(unknown.body?.error).toBe('UNKNOWN_REGION');
    const backwards = await get('/api/stats?region=330203&from=2000&to=1000');
    expect(backwards.res.status).toBe(400);
    // a window beyond the figures' limit is a clear 400, not an internal error
    const tooLong = await get(`/api/stats?region=330203&from=${Date.now() - 500 * 86_400_000}`);
    expect(tooLong.res.status).toBe(400);
    expect(tooLong.body?.error).toBe('VALIDATION_FAILED');
    const onlyTo = await get(`/api/stats?region=330203&to=${Date.now() + 1000}`);
    expect(onlyTo.res.status).toBe(200);
    // older than what memory holds (MEMORY_DAYS, 35): read from the store (tests/integration/pastWindows.test.ts)
    const old = await get(`/api/stats?region=330203&from=${Date.now() - 40 * 86_400_000}&to=${Date.now() - 39 * 86_400_000}`);
    expect(old.res.status).toBe(200);
    expect((old.body as { stats: { intake: { total: number }; window: { from: number } } }).stats.intake.total).toBe(0);
  });

  it('refuses a window while history is being written, rather than answer it partly', async () => {
    let release!: () => void;
    const writing = t.hub.backfill(() => new Promise<void>((resolve) => (release = resolve)));
    const window = `/api/stats?region=330203&from=${Date.now() - 3_600_000}&to=${Date.now() + 1000}`;
    const busy = await get(window);
    expect(busy.res.status).toBe(503);
    expect(busy.body?.error).toBe('STATS_BUSY');
    expect((await get('/api/stats?region=330203')).res.status).toBe(200); // today's live figures go on
    release();
    await writing;
    expect((await get(window)).res.status).toBe(200);
  });

  it('lists the units to dispatch to: a street sees its district’s bureaus and its own office, handlers of the category first', async () => {
    const streets = t.hub.geo.children('330203').filter((r) => r.level === 'street');
    const all = (await get('/api/departments?region=330203')).body as { departments: { id: string; regionCode: string; categories: string[] }[] };
    const offices = all.departments.filter((d) => d.regionCode !== '330203');
    expect(offices.map((d) => d.regionCode).sort()).toEqual(streets.map((s) => s.code).sort()); // one 综治中心 per street
    const street = streets[0]!.code;
    const own = (await get(`/api/departments?region=${street}&category=traffic`)).body as typeof all;
    expect(own.departments.every((d) => d.regionCode === '330203' || d.regionCode === street)).toBe(true);
    expect(own.departments.some((d) => d.regionCode === street)).toBe(true);
    const handles = own.departments.map((d) => d.categories.includes('traffic'));
    expect(handles[0]).toBe(true);
    expect(handles.indexOf(false)).toBeGreaterThan(handles.lastIndexOf(true)); // all handlers before the rest
  });

  it('holds the overdue sweep off while history is written, so backdated steps are still taken', async () => {
    const [lng, lat] = grids()[2]!.center;
    const tenDaysAgo = Date.now() - 10 * 86_400_000;
    const operator = { actor: { kind: 'operator' as const, id: 'importer' } };
    await t.hub.backfill(async () => {
      // written as history is (quiet, like the import and the simulator's history): a live report ten days old is refused
      const [outcome] = await t.hub.applyBatch([{ kind: 'report', input: { source: 'hotline', category: 'dispute', severity: 1, title: '历史案件', location: { lng, lat }, reporter: { kind: 'citizen' }, reportedAt: tenDaysAgo } }], { quiet: true });
      const incident = outcome!.incident;
      expect(t.hub.backfilling).toBe(true);
      expect(await t.hub.sweepOverdue()).toBe(0); // its deadline passed days ago, but history is still being written
      await t.hub.command(incident.id, { action: 'register' }, { ...operator, at: tenDaysAgo + 3_600_000 });
      expect((await t.store.getIncident(incident.id))?.stage).toBe('registered');
    });
    expect(t.hub.backfilling).toBe(false);
    expect(await t.hub.sweepOverdue()).toBeGreaterThanOrEqual(1);
  });
});

describe('when the database is gone', () => {
  it('answers 503 STORE_UNAVAILABLE over HTTP and in acknowledgements', async () => {
    const lost = await startTestHub();
    try {
      const someone = await signedInUser(lost, 'op-lost', 'operator'); // signed in while the store was up
      await lost.store.close();
      const [lng, lat] = grids()[0]!.center;
      const res = await fetch(`${lost.url}/api/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...someone.headers },
        body: JSON.stringify({ source: 'hotline', category: 'sanitation', severity: 1, title: '库已断开', location: { lng, lat }, reporter: { kind: 'citizen' } }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toBe('STORE_UNAVAILABLE');
      const health = await fetch(`${lost.url}/healthz`);
      expect(health.status).toBe(503);
    } finally {
      await lost.app.close();
    }
  });
});

describe('report times', () => {
  it('refuses a live report stamped more than 7 days ago (reportedAt: 0 made a case of 1970), naming the field, and stores nothing', async () => {
    const op = await signedInUser(t, 'op-times', 'operator');
    const [lng, lat] = grids()[3]!.center;
    const before = (await t.store.readEvents({ kind: 'incident' })).length;
    for (const reportedAt of [0, Date.now() - 8 * 86_400_000]) {
      const res = await fetch(`${t.url}/api/incidents`, {
        method: 'POST',
        headers: { ...op.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'hotline', category: 'dispute', severity: 1, title: '旧工单', location: { lng, lat }, reporter: { kind: 'citizen' }, reportedAt }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; message: string; details: { path: string }[] };
      expect(body.error).toBe('VALIDATION_FAILED');
      expect(body.details[0]!.path).toBe('reportedAt');
      expect(body.message).toContain('import');
    }
    expect((await t.store.readEvents({ kind: 'incident' })).length).toBe(before);
    // yesterday's is a live report still
    const yesterday = await fetch(`${t.url}/api/incidents`, {
      method: 'POST',
      headers: { ...op.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'hotline', category: 'dispute', severity: 1, title: '昨天的工单', location: { lng, lat }, reporter: { kind: 'citizen' }, reportedAt: Date.now() - 86_400_000 }),
    });
    expect(yesterday.status).toBe(201);
  });
});
