/**
 * Open311 pages that reach back past what memory holds: the same pages, request for request, from
 * a hub that holds the whole 60 days in memory and, restarted on the same data with MEMORY_DAYS = 3,
 * from one that reads the older cases from the store a few hundred at a time. The clock is fixed so
 * that "the last 90 days" is the same range on both sides.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { makeCaseRows, toCsv } from '../support/importHistory';
import { grids, signedInUser, startTestHub, type TestHub } from './harness';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const clock = () => NOW;
const dir = mkdtempSync(join(tmpdir(), 'open311-past-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const queries = [
  'page_size=1000',
  'page_size=100&page=3',
  'page_size=250&page=5',
  'status=closed&page_size=200&page=2',
  'service_code=sanitation&page_size=50&page=4',
  `start_date=${encodeURIComponent(new Date(NOW - 50 * 86_400_000).toISOString())}&end_date=${encodeURIComponent(new Date(NOW - 20 * 86_400_000).toISOString())}&page_size=300`,
];

async function ids(t: TestHub, query: string, headers: Record<string, string> = {}): Promise<string[]> {
  const res = await fetch(`${t.url}/open311/v2/requests.json?${query}`, { headers });
  expect(res.status, query).toBe(200);
  return ((await res.json()) as { service_request_id: string }[]).map((r) => r.service_request_id);
}

describe('Open311 pages older than memory', () => {
  const fromMemory = new Map<string, string[]>();
  /** a supervisor of one street (its session is in the store, so it outlives the restart) and what it read from memory */
  const scoped = { headers: {} as Record<string, string>, street: '', fromMemory: [] as string[] };

  it('are listed from memory while memory holds them', async () => {
    const t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }), clock, memoryDays: 90 });
    try {
      const admin = await signedInUser(t, 'importer', 'admin');
      const rows = makeCaseRows(1_800, grids().slice(0, 60).map((g) => g.center), NOW, { days: 60, prefix: 'OP' });
      const res = await fetch(`${t.url}/api/import/history?format=csv&system=op`, { method: 'POST', body: toCsv(rows), headers: { 'content-type': 'text/csv', ...admin.headers } });
      expect(res.status).toBe(200);
      for (const q of queries) fromMemory.set(q, await ids(t, q));
      expect(fromMemory.get('page_size=1000')).toHaveLength(1_000);
      expect(fromMemory.get('page_size=250&page=5')!.length).toBeGreaterThan(0);
      scoped.street = t.hub.geo.path(grids()[0]!.code)[2]!;
      scoped.headers = (await signedInUser(t, 'street-supervisor', 'supervisor', scoped.street)).headers;
      scoped.fromMemory = await ids(t, 'page_size=1000', scoped.headers);
      expect(scoped.fromMemory.length).toBeGreaterThan(0);
      expect(scoped.fromMemory.length).toBeLessThan(fromMemory.get('page_size=1000')!.length);
    } finally {
      await t.close();
    }
  });

  it.each(queries)('%s: the same from the store after a restart with MEMORY_DAYS = 3', async (q) => {
    const t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }), clock, memoryDays: 3 });
    try {
      expect(await ids(t, q)).toEqual(fromMemory.get(q));
    } finally {
      await t.close();
    }
  });

  it('a reader held to one street gets the same page from the store: its street’s cases only, none of another', async () => {
    const t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }), clock, memoryDays: 3 });
    try {
      const fromStore = await ids(t, 'page_size=1000', scoped.headers);
      expect(fromStore).toEqual(scoped.fromMemory);
      for (const id of fromStore) expect((await t.store.getIncident(id))!.regionPath).toContain(scoped.street);
    } finally {
      await t.close();
    }
  });
});
