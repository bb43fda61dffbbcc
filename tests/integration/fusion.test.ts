/**
 * Duplicate fusion through the real hub: reports from three channels of one problem make one case
 * that shows its reports by channel; a far or late report opens its own; a wrongly joined report
 * is split off by an operator (audited); statistics count reports and cases apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import { connectClient, grids, signedInUser, startTestHub, type TestHub, type TestUser } from './harness';

let now = Date.UTC(2026, 10, 24, 2, 0); // Tuesday 10:00 at +08:00
let t: TestHub;
let op: TestUser;

beforeAll(async () => {
  t = await startTestHub({ clock: () => now });
  op = await signedInUser(t, 'op-fusion', 'operator');
});
afterAll(() => t.close());

/** a point `m` metres north of a grid's centre */
function near(gridIndex: number, m: number) {
  const [lng, lat] = grids()[gridIndex]!.center;
  return { lng, lat: lat + m / 111_195 };
}

async function reportVia(body: Record<string, unknown>): Promise<{ status: number; incident: Incident }> {
  const res = await fetch(`${t.url}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json', ...op.headers }, body: JSON.stringify(body) });
  return { status: res.status, incident: (await res.json()) as Incident };
}

const base = (o: Record<string, unknown>) => ({ category: 'sanitation', severity: 1, title: '暴露垃圾', subcategory: '01-02', ...o });

describe('duplicate fusion', () => {
  it('joins reports of one problem from three channels into one case, and keeps far or late ones apart', async () => {
    const first = await reportVia(base({ source: 'patrol', location: near(3, 0), reporter: { kind: 'patrol', id: 'p-1' } }));
    expect(first.status).toBe(201);
    now += 30 * 60_000;
    const call = await reportVia(base({ source: 'hotline', location: { ...near(3, 150), address: '西门街道某小区3幢' }, reporter: { kind: 'citizen', phone: '13900001111' } }));
    expect(call.status).toBe(200);
    expect(call.incident.id).toBe(first.incident.id);
    now += 60_000;
    const patrol2 = await reportVia(base({ source: 'patrol', location: near(3, 60), reporter: { kind: 'patrol', id: 'p-2' } }));
    expect(patrol2.incident.id).toBe(first.incident.id);
    expect(patrol2.incident.reports).toMatchObject({ count: 3, bySource: { patrol: 2, hotline: 1 } });

    const farPatrol = await reportVia(base({ source: 'patrol', location: near(3, 130), reporter: { kind: 'patrol', id: 'p-3' } }));
    expect(farPatrol.status).toBe(201); // 130 m: beyond a patrol's 100 m
    const otherKind = await reportVia(base({ source: 'patrol', category: 'traffic', location: near(3, 5), reporter: { kind: 'patrol', id: 'p-1' } }));
    expect(otherKind.status).toBe(201);
    now += 3 * 3_600_000;
    const late = await reportVia(base({ source: 'patrol', location: near(3, 5), reporter: { kind: 'patrol', id: 'p-1' } }));
    expect(late.status).toBe(201); // 3 h after the case's latest report: beyond a patrol's 2 h

    const stored = await t.store.getIncident(first.incident.id);
    expect(stored?.reports).toMatchObject({ count: 3 });
    const log = await t.store.readEvents({ aggregateId: first.incident.id });
    expect(log.map((e) => e.type)).toEqual(['reported', 'report_joined', 'report_joined']);
    expect(JSON.stringify(log)).not.toContain('13900001111');
  });

  it('never joins a closed or rejected case', async () => {
    const first = await reportVia(base({ source: 'patrol', location: near(5, 0), reporter: { kind: 'patrol', id: 'p-5' } }));
    await t.hub.command(first.incident.id, { action: 'reject', reason: 'invalid', note: '不属实' }, { actor: { kind: 'operator', id: 'op-x' } });
    const again = await reportVia(base({ source: 'patrol', location: near(5, 0), reporter: { kind: 'patrol', id: 'p-5' } }));
    expect(again.status).toBe(201);
  });

  it('splits a wrongly joined report into its own case, audited, and counts reports and cases apart', async () => {
    now += 10 * 60_000;
    const from = now;
    const first = await reportVia(base({ source: 'patrol', location: near(8, 0), reporter: { kind: 'patrol', id: 'p-8' } }));
    now += 60_000;
    const joined = await reportVia(base({ source: 'hotline', title: '隔壁楼道杂物', location: near(8, 40), reporter: { kind: 'citizen' } }));
    expect(joined.incident.id).toBe(first.incident.id);
    const joinedEntry = (await t.store.readEvents({ aggregateId: first.incident.id })).find((e) => e.type === 'report_joined')!;

    // statistics: two reports, one case, recomputed here from what was sent
    const stats = (await (await fetch(`${t.url}/api/stats?region=${t.hub.geo.rootCode}&from=${from}&to=${now + 1}`)).json()) as { stats: { intake: { total: number; reports: number } } };
    expect(stats.stats.intake).toMatchObject({ total: 1, reports: 2 });

    const { socket } = await connectClient(t.url, op.token);
    try {
      now += 60_000;
      const ack = await new Promise<Ack<Incident>>((r) =>
        socket.emit('incident:command', { incidentId: first.incident.id, command: { action: 'split', reportSeq: joinedEntry.seq, note: '不是同一处' } }, r),
      );
      expect(ack).toMatchObject({ ok: true, data: { reports: { count: 1 } } });
      const again = await new Promise<Ack<Incident>>((r) =>
        socket.emit('incident:command', { incidentId: first.incident.id, command: { action: 'split', reportSeq: joinedEntry.seq, note: '再拆一次' } }, r),
      );
      expect(again).toMatchObject({ ok: false, error: 'ILLEGAL_TRANSITION' });
    } finally {
      socket.close();
    }
    const splitEntry = (await t.store.readEvents({ aggregateId: first.incident.id })).find((e) => e.type === 'split')!;
    const newId = (splitEntry.payload as { data: { newIncidentId: string } }).data.newIncidentId;
    expect(await t.store.getIncident(newId)).toMatchObject({ title: '隔壁楼道杂物', source: 'hotline', stage: 'reported' });
    const audit = await t.store.readAudit({ incidentId: first.incident.id, limit: 10 });
    expect(audit.map((a) => `${a.action}:${a.outcome}`)).toEqual(['split:refused', 'split:ok', 'report:ok', 'report:ok']);
  });
});
