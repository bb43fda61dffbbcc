/**
 * Windows older than what memory holds are read from the store, and give exactly the figures the
 * same window gave from memory before a restart: a hub with a month of imported history computes
 * several windows from memory; restarted on the same data with MEMORY_DAYS = 3, it answers the
 * same windows from the store (page by page: more cases than one page) — equal, figure for figure,
 * risk map included. The clock is fixed so "now" is the same on both sides of the restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GridRisk, Statistics } from '@shared/schemas/stats';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { makeCaseRows, toCsv } from '../support/importHistory';
import { grids, signedInUser, startTestHub } from './harness';

const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const clock = () => NOW;
const dir = mkdtempSync(join(tmpdir(), 'past-windows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const windows: [string, number, number][] = [
  ['a day three weeks ago', NOW - 21 * DAY, NOW - 20 * DAY],
  ['a week ending ten days ago', NOW - 17 * DAY, NOW - 10 * DAY],
  ['the whole month up to now', NOW - 31 * DAY, NOW + 1],
];

describe('a window past memory', () => {
  const before = new Map<string, { stats: Statistics; risk: GridRisk }>();

  it('is computed from memory while memory holds it', async () => {
    const t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }), clock });
    try {
      const admin = await signedInUser(t, 'importer', 'admin');
      const rows = makeCaseRows(1_500, grids().slice(0, 60).map((g) => g.center), NOW, { days: 30, prefix: 'PW' });
      const res = await fetch(`${t.url}/api/import/history?format=csv&system=pw`, { method: 'POST', body: toCsv(rows), headers: { 'content-type': 'text/csv', ...admin.headers } });
      expect(res.status).toBe(200);
      for (const [name, from, to] of windows) {
        expect(from).toBeGreaterThanOrEqual(t.app.views.figures.heldFrom());
        before.set(name, t.app.views.figures.statistics(t.hub.geo.rootCode, { from, to }));
      }
      expect(before.get('the whole month up to now')!.stats.due).toBeGreaterThan(1_000);
    } finally {
      await t.close();
    }
  });

  it.each(windows)('%s: equal from the store after a restart with MEMORY_DAYS = 3', async (name, from, to) => {
    const t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }), clock, memoryDays: 3 });
    try {
      expect(from).toBeLessThan(t.app.views.figures.heldFrom());
      const admin = await signedInUser(t, `reader-${from}`, 'viewer');
      const res = await fetch(`${t.url}/api/stats?region=${t.hub.geo.rootCode}&from=${from}&to=${to}`, { headers: admin.headers });
      expect(res.status).toBe(200);
      const fromStore = (await res.json()) as { stats: Statistics; risk: GridRisk };
      expect(fromStore).toEqual(before.get(name));
    } finally {
      await t.close();
    }
  });
});
