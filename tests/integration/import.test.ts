/**
 * History import into a live hub (no simulator, the overdue sweep running every 200 ms): the cases
 * and their logs are exactly the file's (original times, imported due times kept), a second import
 * changes nothing, a file with one bad row is refused naming its line and leaves the store as it
 * was, and only an admin may import.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { ImportLine, ImportResult } from '@shared/schemas/import';
import { buildGeography } from '../../server/geography';
import { gcj02ToWgs84 } from '../../server/import/coords';
import { storedCategoryTable } from '../../server/import/tables/categories';
import { CASE_COLUMNS, expectedCases, iso8, makeCaseRows, toCsv, toNdjson, type CaseRow } from '../support/importHistory';

const CASE_COLUMNS_WITH_DUPLICATES = CASE_COLUMNS as readonly string[];
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { SubscribeResult } from '@shared/schemas/live';
import { connectClient, grids, nextEvent, signedInUser, startTestHub, type TestHub, type TestUser } from './harness';

let t: TestHub;
let admin: TestUser;
let operator: TestUser;
const NOW = Date.now();
const points = () => grids().slice(0, 40).map((g) => g.center);

async function post(path: string, body: string, user: TestUser, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'text/csv', ...user.headers, ...headers } });
}

/** incident log events in the store, the sweep's own overdue marks left out */
async function loopEventCount(): Promise<number> {
  const events = await t.store.readEvents({ kind: 'incident' });
  return events.filter((e) => e.type !== 'overdue').length;
}

function byRef(): Map<string, { incident: Incident; entries: IncidentLogEntry[] }> {
  const out = new Map<string, { incident: Incident; entries: IncidentLogEntry[] }>();
  for (const record of t.hub.incidents.values()) if (record.incident.externalRef) out.set(record.incident.externalRef, record);
  return out;
}

beforeAll(async () => {
  t = await startTestHub({ overdueSweepMs: 200 });
  admin = await signedInUser(t, 'importer', 'admin');
  operator = await signedInUser(t, 'op', 'operator');
});
afterAll(() => t.close());

describe('history import (one row per case, CSV)', () => {
  const rows = makeCaseRows(120, points(), NOW);

  it('writes exactly the file’s cases with their original step times and due times', async () => {
    const res = await post('/api/import/history?format=csv&system=szcg&file=cases.csv', toCsv(rows), admin);
    expect(res.status).toBe(200);
    const result = ImportResult.parse(await res.json());
    expect(result).toMatchObject({ kind: 'history', rows: 120, changed: 120, unchanged: 0 });

    const held = byRef();
    const expected = expectedCases(rows);
    expect(held.size).toBe(120);
    for (const [ref, want] of expected) {
      const got = held.get(ref)!;
      expect(got, ref).toBeDefined();
      expect(got.incident).toMatchObject({ category: want.category, subcategory: want.subcategory, severity: want.severity, source: want.source, reportedAt: want.reportedAt, stage: want.stage });
      const loop = got.entries.filter((e) => e.type !== 'overdue').map((e) => ({ type: e.type, at: e.at }));
      expect(loop, ref).toEqual(want.steps);
      if (want.dueAt !== null) expect(got.incident.closeBy, ref).toBe(want.dueAt);
      if (want.department) expect(got.incident.assignee?.name ?? got.entries.find((e) => e.type === 'dispatch')?.data?.assignee).toBeTruthy();
      // the store holds the same log as memory
      const stored = await t.store.readEvents({ kind: 'incident', aggregateId: got.incident.id });
      expect(stored.filter((e) => e.type !== 'overdue').map((e) => ({ type: e.type, at: e.at }))).toEqual(want.steps);
    }
  });

  it('a second import of the same file changes nothing and says so', async () => {
    const before = await loopEventCount();
    const res = await post('/api/import/history?format=csv&system=szcg', toCsv(rows), admin);
    expect(res.status).toBe(200);
    const result = ImportResult.parse(await res.json());
    expect(result).toMatchObject({ changed: 0, unchanged: 120 });
    expect(result.message).toMatch(/imported before/);
    expect(await loopEventCount()).toBe(before);
  });

  it('the same reference with other history is refused, naming its line', async () => {
    const changed = rows.map((r, i) => (i === 5 ? { ...r, severity: 3 } : r));
    const res = await post('/api/import/history?format=csv&system=szcg', toCsv(changed), admin);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; details: { problems: { line: number; field?: string }[] } };
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.details.problems[0]).toMatchObject({ line: 7, field: 'ref' });
  });
});

describe('duplicates (reject as duplicate of another case)', () => {
  const base = (ref: string, at: number, extra: Partial<CaseRow> = {}): CaseRow => {
    const [lng, lat] = points()[0]!;
    return { ref, category: 'sanitation', subcategory: '01-02', severity: 1, source: 'hotline', lng, lat, reported_at: iso8(at), ...extra };
  };
  const T = NOW - 3 * 86_400_000;
  const registered = (at: number): Partial<CaseRow> => ({ registered_at: iso8(at + 10 * 60_000) });
  const duplicateOf = (ref: string, at: number): Partial<CaseRow> => ({ rejected_at: iso8(at + 5 * 60_000), reject_reason: 'duplicate', duplicate_of: ref });

  it('names the original by its hub id, whether it was imported before, is in the file, or was reported at the same instant', async () => {
    const first = [base('DUP-O1', T, registered(T)), base('DUP-O3', T + 1_000, registered(T + 1_000))];
    expect((await post('/api/import/history?format=csv&system=dup', toCsv(first), admin)).status).toBe(200);
    const second = [
      first[0]!, // imported before: unchanged
      base('DUP-D1', T + 60_000, duplicateOf('DUP-O1', T + 60_000)), // its original was imported before, and is in this file
      base('DUP-D3', T + 60_000, duplicateOf('DUP-O3', T + 60_000)), // its original was imported before, not in this file
      base('DUP-O2', T + 120_000, registered(T + 120_000)),
      base('DUP-D2', T + 120_000, duplicateOf('DUP-O2', T + 120_000)), // same instant as its original, after it in the file
    ];
    const res = await post('/api/import/history?format=csv&system=dup', toCsv(second, CASE_COLUMNS_WITH_DUPLICATES), admin);
    expect(res.status).toBe(200);
    expect(ImportResult.parse(await res.json())).toMatchObject({ changed: 4, unchanged: 1 });
    const held = byRef();
    for (const [dup, original] of [['DUP-D1', 'DUP-O1'], ['DUP-D3', 'DUP-O3'], ['DUP-D2', 'DUP-O2']] as const) {
      expect(held.get(dup)!.incident, dup).toMatchObject({ stage: 'rejected', rejectReason: 'duplicate', duplicateOf: held.get(original)!.incident.id });
    }
  });

  it('refuses a duplicate listed before an original reported at the same instant, naming its line, and writes nothing', async () => {
    const before = await loopEventCount();
    const rows = [base('DUP-D4', T + 180_000, duplicateOf('DUP-O4', T + 180_000)), base('DUP-O4', T + 180_000, registered(T + 180_000))];
    const res = await post('/api/import/history?format=csv&system=dup', toCsv(rows, CASE_COLUMNS_WITH_DUPLICATES), admin);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { problems: { line: number; field?: string; message: string }[] } };
    expect(body.details.problems[0]).toMatchObject({ line: 2, field: 'duplicate_of' });
    expect(body.details.problems[0]!.message).toMatch(/put the original first/);
    expect(await loopEventCount()).toBe(before);
  });
});

describe('walls during an import', () => {
  it('get no delta per imported step, one resync at the end, and a snapshot when they resume from before it', async () => {
    const { socket } = await connectClient(t.url);
    try {
      const subscribe = (lastSeq?: number) =>
        new Promise<Ack<SubscribeResult>>((resolve) =>
          socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: t.hub.geo.rootCode, layers: ['incidents'], ...(lastSeq === undefined ? {} : { lastSeq }) }, resolve),
        );
      const first = await subscribe();
      expect(first.ok).toBe(true);
      const seqBefore = t.hub.seq;
      // the import's own steps (the sweep may mark an imported open case overdue now: that is live news)
      let deltas = 0;
      socket.on('incident:reported', () => deltas++);
      socket.on('incident:updated', (d) => d.entry.type !== 'overdue' && deltas++);
      const resync = nextEvent(socket, 'resync', undefined, 60_000);
      const rows = makeCaseRows(60, points(), NOW, { prefix: 'QUIET' });
      expect((await post('/api/import/history?format=csv&system=quiet', toCsv(rows), admin)).status).toBe(200);
      expect((await resync).reason).toMatch(/imported/);
      expect(deltas).toBe(0);
      expect(t.hub.seq).toBeGreaterThan(seqBefore + 60);
      const again = await subscribe(seqBefore);
      expect(again.ok && again.data.mode).toBe('snapshot');
    } finally {
      socket.close();
    }
  });
});

describe('refusals', () => {
  it('a file with one bad row is refused naming its line, and nothing is written', async () => {
    const rows: CaseRow[] = makeCaseRows(30, points(), NOW, { prefix: 'BAD' });
    rows[14] = { ...rows[14]!, category: 'no_such_class' }; // line 16: the header is line 1
    const before = await loopEventCount();
    const keysBefore = await t.store.findIdempotencyKeys(rows.map((r) => `import:bad:${r.ref}`));
    const res = await post('/api/import/history?format=csv&system=bad', toCsv(rows), admin);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string; details: { problems: { line: number; field?: string; message: string }[]; count: number } };
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.details.count).toBe(1);
    expect(body.details.problems[0]).toMatchObject({ line: 16, field: 'category' });
    expect(body.message).toContain('line 16');
    expect(await loopEventCount()).toBe(before);
    expect(keysBefore).toEqual([]);
    expect(await t.store.findIdempotencyKeys(rows.map((r) => `import:bad:${r.ref}`))).toEqual([]);
  });

  it('a time that is not a time, and steps out of order, are named by line and column', async () => {
    const rows = makeCaseRows(40, points(), NOW, { prefix: 'ORD' }).filter((r) => r.closed_at).slice(0, 3);
    rows[0] = { ...rows[0]!, reported_at: 'yesterday' };
    rows[1] = { ...rows[1]!, accepted_at: iso8(Date.parse(rows[1]!.reported_at) - 60_000) };
    const res = await post('/api/import/history?format=csv&system=ord', toCsv(rows), admin);
    const body = (await res.json()) as { details: { problems: { line: number; field?: string }[] } };
    expect(res.status).toBe(400);
    expect(body.details.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: 2, field: 'reported_at' }), expect.objectContaining({ line: 3, field: 'accepted_at' })]),
    );
  });

  it('a non-admin is refused with FORBIDDEN_ROLE', async () => {
    const res = await post('/api/import/history?format=csv&system=x', toCsv(makeCaseRows(2, points(), NOW)), operator);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe('FORBIDDEN_ROLE');
  });

  it('every import is audited, accepted or refused', async () => {
    const audit = await t.store.readAudit({ actor: 'importer', limit: 50 });
    const imports = audit.filter((a) => a.action === 'import_history');
    expect(imports.some((a) => a.outcome === 'ok' && a.subject === 'cases.csv' && /120 rows/.test(a.reason ?? ''))).toBe(true);
    expect(imports.some((a) => a.outcome === 'refused' && a.error === 'VALIDATION_FAILED')).toBe(true);
  });
});

describe('history import (one row per step, NDJSON, progress streamed)', () => {
  it('streams progress lines and ends with the outcome; steps keep their actors, notes and rework', async () => {
    const [lng, lat] = points()[3]!;
    const t0 = Math.floor((NOW - 3 * 86_400_000) / 1000) * 1000; // ISO to the second
    const at = (min: number) => iso8(t0 + min * 60_000);
    const lines = [
      { ref: 'HL-1', action: 'report', at: at(0), category: 'sanitation', subcategory: '01-02', severity: 1, source: 'hotline', location: { lng, lat, address: '中山路1号' }, reporter: '王女士' },
      { ref: 'HL-1', action: '立案', at: at(5), actor: 'op-li', actor_name: '李明', due_at: at(5 + 3 * 24 * 60) },
      { ref: 'HL-1', action: 'dispatch', at: at(9), department: '环卫所', department_id: 'dept-hw' },
      { ref: 'HL-1', action: 'accept', at: at(30) },
      { ref: 'HL-1', action: 'feedback', at: at(200), note: '已清运' },
      { ref: 'HL-1', action: 'verify_fail', at: at(260), note: '仍有残留' },
      { ref: 'HL-1', action: 'feedback', at: at(400) },
      { ref: 'HL-1', action: 'verify_pass', at: at(430) },
      { ref: 'HL-1', action: 'close', at: at(440) },
    ];
    const res = await post('/api/import/history?format=ndjson&system=hotline', toNdjson(lines), admin, { 'content-type': 'application/x-ndjson', accept: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    const out = (await res.text()).trim().split('\n').map((l) => ImportLine.parse(JSON.parse(l)));
    expect(out.some((l) => l.type === 'progress')).toBe(true);
    const last = out[out.length - 1]!;
    expect(last.type).toBe('result');
    if (last.type !== 'result') return;
    expect(last.result).toMatchObject({ changed: 1, rows: 9 });
    const record = byRef().get('HL-1')!;
    expect(record.incident).toMatchObject({ stage: 'closed', reworkCount: 1, closeBy: t0 + (5 + 3 * 24 * 60) * 60_000 });
    expect(record.entries.map((e) => e.type)).toEqual(['reported', 'register', 'dispatch', 'accept', 'feedback', 'verify_fail', 'feedback', 'verify_pass', 'close']);
    expect(record.entries[1]!.actor).toMatchObject({ kind: 'operator', id: 'op-li', name: '李明' });
    expect(record.entries[3]!.actor).toMatchObject({ kind: 'department', id: 'dept-hw', name: '环卫所' });
    expect(record.entries[5]!.note).toBe('仍有残留');
  });
});

describe('npm run import (a thin client of the running hub)', () => {
  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('npx', ['tsx', 'scripts/import.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('streams a file to the hub, shows the outcome, and names the line of a bad row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
    const good = join(dir, 'cases.csv');
    writeFileSync(good, toCsv(makeCaseRows(10, points(), NOW, { prefix: 'CLI' })));
    const first = await run(['history', good, '--system', 'cli', '--url', t.url], { HUB_TOKEN: admin.token });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Imported 10 cases/);
    const again = await run(['history', good, '--system', 'cli', '--url', t.url], { HUB_TOKEN: admin.token });
    expect(again.stdout).toMatch(/Nothing to import/);

    const bad = join(dir, 'bad.csv');
    const rows = makeCaseRows(4, points(), NOW, { prefix: 'CLIBAD' });
    rows[2] = { ...rows[2]!, lng: 10, lat: 10 };
    writeFileSync(bad, toCsv(rows));
    const refused = await run(['history', bad, '--system', 'cli', '--url', t.url], { HUB_TOKEN: admin.token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 4 \(lng\/lat\): .*outside every grid/);
  });

  it('says plainly when no hub is running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
    const file = join(dir, 'cases.csv');
    writeFileSync(file, 'ref\n');
    const out = await run(['history', file, '--url', 'http://127.0.0.1:9'], { HUB_USER: 'x', HUB_PASSWORD: 'y' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/No hub answers at http:\/\/127\.0\.0\.1:9.*npm start/);
  });
});

describe('category table (CSV and JSON), stored for the next start', () => {
  const CSV =
    'code,parent,zh,en,reported,registered,dispatched,handling,handled,verified\n' +
    '*,,,,1h,1h,2h,3d,4h,1h\n' +
    'sanitation,,环境卫生,Sanitation,,,,1d,,\n' +
    '01-02,sanitation,暴露垃圾,Exposed garbage,,,,4h,,\n' +
    '01-04,sanitation,道路不洁,,,,,2工作小时,,\n' +
    'public_order,,社会治安,Public order,natural 30min,30分钟,,12小时,,\n' +
    'traffic,,交通,Traffic,,,,1d,,\n' +
    'municipal_facility,,市政设施,,,,,2d,,\n' +
    'dispute,,矛盾纠纷,,,,,5d,,\n' +
    'safety_hazard,,安全隐患,,,,,1d,,\n' +
    'fire_safety,,消防安全,,,,,1d,,\n' +
    'livelihood,,民生服务,,,,,5d,,\n' +
    '91-01,dispute,邻里纠纷,,,,,,,\n';

  it('is validated, stored, and a second import changes nothing', async () => {
    const res = await post('/api/import/categories?format=csv&file=table.csv', CSV, admin);
    const result = ImportResult.parse(await res.json());
    expect(res.status).toBe(200);
    expect(result).toMatchObject({ kind: 'categories', rows: 12, changed: 11, appliesFrom: 'next start' }); // 8 classes, 3 minor, the default row
    const table = (await storedCategoryTable(t.store))!;
    const sanitation = table.categories.find((c) => c.code === 'sanitation')!;
    expect(sanitation.limits).toEqual({ handling: { clock: 'working', amount: 1, unit: 'days' } });
    expect(sanitation.subcategories.map((s) => [s.code, s.en, s.limits?.handling])).toEqual([
      ['01-02', 'Exposed garbage', { clock: 'working', amount: 4, unit: 'hours' }],
      ['01-04', '道路不洁', { clock: 'working', amount: 2, unit: 'hours' }],
    ]);
    expect(table.categories.find((c) => c.code === 'public_order')!.limits).toMatchObject({
      reported: { clock: 'natural', amount: 30, unit: 'minutes' },
      handling: { clock: 'natural', amount: 12, unit: 'hours' },
    });
    // the running hub keeps its table until it restarts: rental_population is still known to it
    expect(t.hub.opts.knownCategories.has('rental_population')).toBe(true);
    const again = ImportResult.parse(await (await post('/api/import/categories?format=csv', CSV, admin)).json());
    expect(again).toMatchObject({ changed: 0, unchanged: 11 });
    const json = ImportResult.parse(await (await post('/api/import/categories?format=json', JSON.stringify(table), admin, { 'content-type': 'application/json' })).json());
    expect(json.changed).toBe(0);
  });

  it('a bad limit or an unknown parent is refused with its line; the stored table stays', async () => {
    const before = await storedCategoryTable(t.store);
    const bad = CSV.replace('01-04,sanitation', '01-04,sanitaton').replace('traffic,,交通,Traffic,,,,1d', 'traffic,,交通,Traffic,,,,soon');
    const res = await post('/api/import/categories?format=csv', bad, admin);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { problems: { line: number; field?: string }[] } };
    expect(body.details.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: 7, field: 'handling' }), expect.objectContaining({ line: 5, field: 'parent' })]),
    );
    const badCode = await post('/api/import/categories?format=csv', CSV.replace('91-01', '9101'), admin);
    expect(((await badCode.json()) as { details: { problems: { line: number }[] } }).details.problems[0]!.line).toBe(13);
    expect(await storedCategoryTable(t.store)).toEqual(before);
  });
});

describe('geography (GeoJSON, GCJ-02 converted once)', () => {
  // a city with one district and two square grids, in GCJ-02 near Ningbo
  const square = (x: number, y: number, d = 0.01) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
  const feature = (code: string, name: string, level: string, parentCode: string | null, coordinates: number[][][]) => ({
    type: 'Feature',
    properties: { code, name, level, parentCode },
    geometry: { type: 'Polygon', coordinates },
  });
  const features = [
    feature('T000', '测试市', 'city', null, square(121.5, 29.8, 0.02)),
    feature('T100', '测试区', 'district', 'T000', square(121.5, 29.8, 0.02)),
    feature('T101', '一号网格', 'grid', 'T100', square(121.5, 29.8)),
    feature('T102', '二号网格', 'grid', 'T100', square(121.51, 29.8)),
  ];

  it('is refused while the store holds cases of the current geography', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-geo-'));
    const busy = await startTestHub({ dataDir: dir });
    try {
      const who = await signedInUser(busy, 'geo-admin', 'admin');
      await busy.hub.report({ source: 'patrol', category: 'traffic', severity: 1, title: '占道', location: { lng: grids()[0]!.center[0], lat: grids()[0]!.center[1] }, reporter: { kind: 'patrol' } });
      const res = await fetch(`${busy.url}/api/import/geography?format=json`, { method: 'POST', body: JSON.stringify({ type: 'FeatureCollection', features }), headers: { ...who.headers, 'content-type': 'application/geo+json' } });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: string }).error).toBe('GEOGRAPHY_IN_USE');
      expect(existsSync(join(dir, 'geography.geojson'))).toBe(false);
    } finally {
      await busy.close();
    }
  });

  it('on a fresh store: converted to WGS-84, written to the data directory, loaded by the next start; the same file again changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-geo-'));
    const fresh = await startTestHub({ dataDir: dir });
    try {
      const who = await signedInUser(fresh, 'geo-admin', 'admin');
      const send = (body: string, format: string) =>
        fetch(`${fresh.url}/api/import/geography?format=${format}&crs=gcj02&file=grids.geojson`, { method: 'POST', body, headers: { ...who.headers, 'content-type': 'application/octet-stream' } });
      const res = await send(features.map((f) => JSON.stringify(f)).join('\n'), 'ndjson');
      const result = ImportResult.parse(await res.json());
      expect(res.status).toBe(200);
      expect(result).toMatchObject({ kind: 'geography', changed: 4, appliesFrom: 'next start', details: { grids: 2, root: 'T000', strandedUsers: ['geo-admin'] } });

      const { regions, stamp } = buildGeography({ DATA_DIR: dir, SIM_SEED: 'x', SIM_SCALE: 'district' });
      expect(regions.map((r) => r.code).sort()).toEqual(['T000', 'T100', 'T101', 'T102']);
      expect(await fresh.store.getMeta('geography')).toEqual(stamp);
      const [lng, lat] = gcj02ToWgs84(121.5, 29.8);
      const corner = regions.find((r) => r.code === 'T101')!.polygons.flat(2);
      expect(corner.some(([x, y]) => Math.abs(x! - lng) < 1e-6 && Math.abs(y! - lat) < 1e-6)).toBe(true);

      // the hub now waits for its restart; after it, the same file (as a collection) changes nothing
      const held = await send(JSON.stringify({ type: 'FeatureCollection', features }), 'json');
      expect(((await held.json()) as { error: string }).error).toBe('IMPORT_BUSY');
    } finally {
      await fresh.close();
    }
    const restarted = await startTestHub({ dataDir: dir });
    try {
      const who = await signedInUser(restarted, 'geo-admin2', 'admin');
      const again = await fetch(`${restarted.url}/api/import/geography?format=json&crs=gcj02`, { method: 'POST', body: JSON.stringify({ type: 'FeatureCollection', features }), headers: { ...who.headers, 'content-type': 'application/json' } });
      expect(ImportResult.parse(await again.json())).toMatchObject({ changed: 0, unchanged: 4 });
    } finally {
      await restarted.close();
    }
  });

  it('a broken feature is refused naming its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-geo-'));
    const fresh = await startTestHub({ dataDir: dir });
    try {
      const who = await signedInUser(fresh, 'geo-admin', 'admin');
      const broken = features.map((f, i) => (i === 2 ? { ...f, properties: { ...f.properties, parentCode: 'NOPE' } } : f));
      const open = features.map((f, i) => (i === 3 ? { ...f, geometry: { type: 'Polygon', coordinates: [[[121.51, 29.8], [121.52, 29.8], [121.52, 29.81], [121.51, 29.81]]] } } : f));
      for (const [list, line] of [[open, 4]] as const) {
        const res = await fetch(`${fresh.url}/api/import/geography?format=ndjson`, { method: 'POST', body: list.map((f) => JSON.stringify(f)).join('\n'), headers: { ...who.headers, 'content-type': 'application/x-ndjson' } });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { details: { problems: { line: number }[] } }).details.problems[0]!.line).toBe(line);
      }
      const res = await fetch(`${fresh.url}/api/import/geography?format=ndjson`, { method: 'POST', body: broken.map((f) => JSON.stringify(f)).join('\n'), headers: { ...who.headers, 'content-type': 'application/x-ndjson' } });
      expect(res.status).toBe(400);
      expect(existsSync(join(dir, 'geography.geojson'))).toBe(false);
    } finally {
      await fresh.close();
    }
  });
});

describe('cameras and patrol rosters (CSV), applied live', () => {
  it('cameras with heading and field of view: added at once, the same file again changes nothing, a bad row names its line', async () => {
    const g = grids();
    const csv = (rows: string[]) => `id,gb_id,name,lng,lat,owner,heading,fov\n${rows.join('\n')}\n`;
    const good = [0, 1, 2].map((i) => `CAM-${i},3302030000132000000${i},测试点位${i},${g[i]!.center[0]},${g[i]!.center[1]},公安,${i * 90},60`);
    const res = await post('/api/import/cameras?format=csv', csv(good), admin);
    expect(ImportResult.parse(await res.json())).toMatchObject({ kind: 'cameras', changed: 3, unchanged: 0, appliesFrom: 'now' });
    expect(t.hub.cameras.get('CAM-2')).toMatchObject({ gridCode: g[2]!.code, heading: 180, fovDeg: 60, status: 'offline', gbId: '33020300001320000002' });
    expect((await t.store.loadCameras()).find((c) => c.id === 'CAM-1')).toMatchObject({ heading: 90, fovDeg: 60 });
    const again = ImportResult.parse(await (await post('/api/import/cameras?format=csv', csv(good), admin)).json());
    expect(again).toMatchObject({ changed: 0, unchanged: 3 });

    const bad = [...good, `CAM-9,,远处,10,10,,,`];
    const refused = await post('/api/import/cameras?format=csv', csv(bad.map((r, i) => (i === 1 ? r.replace('3302030000132000000', '12') : r))), admin);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { details: { problems: { line: number; field?: string }[] } };
    expect(body.details.problems).toEqual([expect.objectContaining({ line: 3, field: 'gb_id' }), expect.objectContaining({ line: 5, field: 'lng/lat' })]);
    expect(t.hub.cameras.has('CAM-9')).toBe(false);
  });

  it('patrols keep their index and live status; unknown grids are refused by line', async () => {
    const g = grids();
    const csv = `id,name,kind,role,grid,status\nP-1,张伟,worker,网格长,${g[0]!.code},在岗\nP-2,巡逻一队,unit,police,${g[1]!.code},\n`;
    const res = await post('/api/import/patrols?format=csv', csv, admin);
    expect(ImportResult.parse(await res.json())).toMatchObject({ kind: 'patrols', changed: 2 });
    const p1 = t.hub.patrols.get('P-1')!;
    expect(p1).toMatchObject({ role: 'grid_manager', status: 'on_duty', gridCode: g[0]!.code });
    expect(t.hub.patrols.get('P-2')).toMatchObject({ kind: 'unit', status: 'off_duty' });
    const again = ImportResult.parse(await (await post('/api/import/patrols?format=csv', csv, admin)).json());
    expect(again).toMatchObject({ changed: 0, unchanged: 2 });
    const moved = ImportResult.parse(await (await post('/api/import/patrols?format=csv', csv.replace(`张伟,worker,网格长,${g[0]!.code}`, `张伟,worker,网格长,${g[2]!.code}`), admin)).json());
    expect(moved).toMatchObject({ changed: 1, unchanged: 1 });
    expect(t.hub.patrols.get('P-1')).toMatchObject({ idx: p1.idx, gridCode: g[2]!.code });
    const refused = await post('/api/import/patrols?format=csv', `${csv}P-3,李四,worker,assistant,NOGRID,\n`, admin);
    expect(((await refused.json()) as { details: { problems: { line: number }[] } }).details.problems[0]!.line).toBe(4);
  });
});
