/**
 * A hub that stops and starts again on the same data directory comes back with the same state:
 * incidents with their logs, rosters, sequence numbers and case numbering; and the figures it
 * computes from the log equal those recomputed from the store's events alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { computeStatistics } from '../../server/domain/stats';
import { createPgliteStore } from '../../server/store/pgliteStore';
import { grids, smallRoster, startTestHub } from './harness';

const dir = mkdtempSync(join(tmpdir(), 'hub-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const operator = { kind: 'operator', id: 'op-1', name: '值班员甲' } as const;
const dept = { kind: 'department', id: 'dept-sz', name: '市政公用' } as const;
const supervisor = { kind: 'operator', id: 'sup-1', name: '监督员乙' } as const;

function body(i: number) {
  const [lng, lat] = grids()[i % grids().length]!.center;
  return { source: 'hotline', category: 'municipal_facility', severity: 2, title: `路灯不亮${i}`, location: { lng, lat }, reporter: { kind: 'citizen', name: '市民', phone: '13800138000' } };
}

describe('restart on the same data directory', () => {
  it('keeps incidents, logs, rosters, the sequence and the case numbers', async () => {
    const first = await startTestHub({ store: await createPgliteStore({ dataDir: dir }) });
    const roster = smallRoster(10, Date.now());
    await first.hub.loadRoster(roster.cameras, roster.patrols);
    const a = (await first.hub.report(body(1))).incident;
    const b = (await first.hub.report(body(2))).incident;
    for (const command of [
      { action: 'register', actor: operator },
      { action: 'dispatch', actor: operator, assignee: { id: dept.id, name: dept.name } },
      { action: 'accept', actor: dept },
      { action: 'feedback', actor: dept },
      { action: 'verify_pass', actor: supervisor },
      { action: 'close', actor: operator },
    ]) {
      const { actor, ...input } = command;
      await first.hub.command(a.id, input, { actor });
    }
    await first.hub.updateCameras({ changes: [{ cameraId: 'cam-2', status: 'offline', at: Date.now() }] });
    const seqBefore = first.hub.seq;
    const snapshotBefore = first.app.views.snapshot('330203', ['incidents', 'cameras', 'patrols']);
    const statsBefore = first.app.views.figures.todayStatistics('330203');
    await first.close();

    const second = await startTestHub({ store: await createPgliteStore({ dataDir: dir }) });
    try {
      expect(second.hub.seq).toBe(seqBefore);
      const snapshotAfter = second.app.views.snapshot('330203', ['incidents', 'cameras', 'patrols']);
      expect(snapshotAfter.incidents).toEqual(snapshotBefore.incidents);
      expect(snapshotAfter.cameras).toEqual(snapshotBefore.cameras);
      expect(snapshotAfter.patrols.map((p) => p.id)).toEqual(snapshotBefore.patrols.map((p) => p.id));
      expect(second.hub.incidents.get(a.id)!.entries.map((e) => e.type)).toEqual(['reported', 'register', 'dispatch', 'accept', 'feedback', 'verify_pass', 'close']);
      // the same "now" as before the restart (the figures are as of now + 1 ms)
      const statsAfter = second.app.views.figures.todayStatistics('330203', statsBefore.asOf - 1);
      expect(statsAfter).toEqual(statsBefore);
      const c = (await second.hub.report(body(3))).incident;
      expect(c.id > b.id).toBe(true); // numbering continues, no reuse
    } finally {
      await second.close();
    }
  });

  it('never reuses a case number of a day that is no longer held in memory', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'hub-ids-'));
    try {
      const longAgo = Date.now() - 40 * 86_400_000; // beyond the 35 days held in memory
      const first = await startTestHub({ store: await createPgliteStore({ dataDir: dir2 }) });
      // cases of 40 days ago are history, written as the import writes them (a live report that old is refused)
      const historic = async (hub: typeof first.hub, input: object) => (await hub.applyBatch([{ kind: 'report', input }], { quiet: true }))[0]!.incident;
      const old = await historic(first.hub, { ...body(4), reportedAt: longAgo });
      await first.hub.command(old.id, { action: 'reject', reason: 'invalid', note: '无效' }, { actor: operator, at: longAgo + 60_000 });
      await first.close();
      const second = await startTestHub({ store: await createPgliteStore({ dataDir: dir2 }) });
      try {
        expect(second.hub.incidents.get(old.id)).toBeUndefined(); // not in memory any more
        const again = await historic(second.hub, { ...body(5), reportedAt: longAgo + 120_000 });
        expect(again.id).not.toBe(old.id);
        expect(again.id.slice(0, 10)).toBe(old.id.slice(0, 10)); // same day, next number
        expect((await second.store.getIncident(old.id))!.title).toBe(old.title);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('computes the same figures from the stored event log as from memory', async () => {
    const t = await startTestHub({ store: await createPgliteStore({ dataDir: dir }) });
    try {
      const asOf = t.hub.now();
      const live = t.app.views.figures.todayStatistics('330203', asOf);
      // Rebuild every incident's history from the events alone.
      const events = await t.store.readEvents({ kind: 'incident' });
      const byId = new Map<string, { incident: Incident; entries: IncidentLogEntry[] }>();
      for (const e of events) {
        const entry = { ...(e.payload as Omit<IncidentLogEntry, 'seq'>), seq: e.seq };
        const incident = (await t.store.getIncident(e.aggregateId))!;
        const record = byId.get(e.aggregateId) ?? { incident, entries: [] };
        record.entries.push(entry);
        byId.set(e.aggregateId, record);
      }
      const fromLog = computeStatistics({
        regionCode: '330203',
        window: live.window,
        asOf: live.asOf,
        calendar: t.hub.opts.policy.calendar,
        incidents: [...byId.values()],
        patrols: [...t.hub.patrols.values()],
        cameras: [...t.hub.cameras.values()],
        children: t.hub.geo.children('330203').map((r) => ({ code: r.code, name: r.name })),
        childOf: (i) => i.regionPath[2],
      });
      expect(fromLog).toEqual(live);
      expect(fromLog.closed).toBe(1);
      expect(fromLog.intake.total).toBe(3);
    } finally {
      await t.close();
    }
  });
});
