/**
 * A city's history imported into a live hub (overdue sweep running every 200 ms), then the
 * figures the hub publishes (GET /api/stats) for several windows compared with a recomputation
 * written here from the imported rows alone — the definitions of docs/statistics.md applied to
 * the file's own times and due times, not the hub's statistics code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Statistics } from '@shared/schemas/stats';
import { CASE_COLUMNS, makeCaseRows, iso8, toCsv, type CaseRow } from '../support/importHistory';
import { grids, signedInUser, startTestHub, type TestHub, type TestUser } from './harness';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let t: TestHub;
let admin: TestUser;
const NOW = Date.now();

/** a callback (回访) of a closed case, as the file gives it */
interface Callback {
  evaluated_at?: string;
  contacted?: 'true' | 'false';
  resolved?: 'true' | 'false';
  satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
}
const COLUMNS = [...(CASE_COLUMNS as readonly string[]), 'evaluated_at', 'contacted', 'resolved', 'satisfaction'];

/**
 * 400 cases over 12 days; every registered case carries its due time: 4 h, 30 h or 3 days after
 * registration; closed hotline cases are called back two hours later, one in seven unreachable,
 * one in five unsolved and dissatisfied
 */
const rows: (CaseRow & Callback)[] = makeCaseRows(400, grids().slice(0, 40).map((g) => g.center), NOW, { days: 12, prefix: 'FG' }).map((row, i) => {
  const out: CaseRow & Callback = row.registered_at ? { ...row, due_at: iso8(Date.parse(row.registered_at) + [4 * HOUR, 30 * HOUR, 3 * DAY][i % 3]!) } : { ...row };
  const evaluatedAt = row.closed_at ? Date.parse(row.closed_at) + 2 * HOUR : undefined;
  if (row.source === 'hotline' && evaluatedAt !== undefined && evaluatedAt < NOW) {
    out.evaluated_at = iso8(evaluatedAt);
    if (i % 7 === 0) out.contacted = 'false';
    else Object.assign(out, i % 5 === 0 ? { contacted: 'true', resolved: 'false', satisfaction: 'dissatisfied' } : { contacted: 'true', resolved: 'true', satisfaction: 'satisfied' });
  }
  return out;
});

const time = (s: string | undefined) => (s ? Date.parse(s) : undefined);

/** the figures of [from, to) as of min(to, now + 1), from the rows */
function recompute(from: number, to: number, now: number) {
  const asOf = Math.min(to, now + 1);
  const inside = (at: number | undefined) => at !== undefined && at >= from && at < to && at < asOf;
  const known = (at: number | undefined) => (at !== undefined && at < asOf ? at : undefined);
  const x = { total: 0, registered: 0, rejected: 0, closed: 0, due: 0, dueClosed: 0, dueClosedOnTime: 0, open: 0, casesVerified: 0 };
  const callbacks = { callbacks: 0, contacted: 0, resolved: 0, satisfied: 0, dissatisfied: 0 };
  const toClose: number[] = [];
  const departments = new Map<string, { due: number; dueClosed: number; dueClosedOnTime: number }>();
  for (const r of rows) {
    const reported = time(r.reported_at)!;
    if (reported >= asOf) continue;
    if (inside(reported)) x.total++;
    if (inside(time(r.registered_at))) x.registered++;
    if (inside(time(r.rejected_at))) x.rejected++;
    if (inside(time(r.verified_at))) x.casesVerified++;
    const closed = known(time(r.closed_at));
    if (inside(closed)) {
      x.closed++;
      toClose.push(closed! - reported);
    }
    if (!known(time(r.rejected_at)) && closed === undefined) x.open++;
    if (r.source === 'hotline' && inside(time(r.evaluated_at))) {
      callbacks.callbacks++;
      if (r.contacted === 'true') {
        callbacks.contacted++;
        if (r.resolved === 'true') callbacks.resolved++;
        if (r.satisfaction === 'dissatisfied') callbacks.dissatisfied++;
        else callbacks.satisfied++;
      }
    }
    const registered = known(time(r.registered_at));
    const dueAt = time(r.due_at);
    if (registered === undefined || dueAt === undefined) continue;
    const dept = r.department && known(time(r.dispatched_at)) ? r.department : undefined;
    const unit = dept ? (departments.get(dept) ?? departments.set(dept, { due: 0, dueClosed: 0, dueClosedOnTime: 0 }).get(dept)!) : undefined;
    const count = (key: 'due' | 'dueClosed' | 'dueClosedOnTime') => {
      x[key]++;
      if (unit) unit[key]++;
    };
    if (closed !== undefined) {
      const late = dueAt < closed;
      if (inside(late ? dueAt : closed)) {
        count('due');
        count('dueClosed');
        if (!late) count('dueClosedOnTime');
      }
    } else if (dueAt < asOf && inside(dueAt)) count('due');
  }
  const mean = toClose.length ? Math.round(toClose.reduce((a, b) => a + b, 0) / toClose.length) : null;
  return { x, toClose: { count: toClose.length, meanMs: mean }, departments, callbacks };
}

beforeAll(async () => {
  t = await startTestHub({ overdueSweepMs: 200 });
  admin = await signedInUser(t, 'importer', 'admin');
  const res = await fetch(`${t.url}/api/import/history?format=csv&system=szcg&file=history.csv`, {
    method: 'POST',
    body: toCsv(rows, COLUMNS),
    headers: { 'content-type': 'text/csv', ...admin.headers },
  });
  expect(res.status).toBe(200);
  // the overdue sweep over the imported cases (the hub's own also runs every 200 ms): it marks the
  // open late ones overdue now, and must change none of the figures below
  await t.hub.sweepOverdue();
  expect([...t.hub.incidents.values()].some(({ incident }) => incident.overdue)).toBe(true);
});
afterAll(() => t?.close());

async function published(from: number, to: number): Promise<Statistics> {
  const res = await fetch(`${t.url}/api/stats?region=${t.hub.geo.rootCode}&from=${from}&to=${to}`, { headers: admin.headers });
  expect(res.status).toBe(200);
  return Statistics.parse(((await res.json()) as { stats: unknown }).stats);
}

const localMidnight = (at: number) => Math.floor((at + 8 * HOUR) / DAY) * DAY - 8 * HOUR;

describe('published figures of imported history equal a recomputation from the file', () => {
  const windows: [string, number, number][] = [
    ['the whole import', NOW - 13 * DAY, NOW + HOUR],
    ['the last seven days', NOW - 7 * DAY, NOW + 1],
    ['a past day (local)', localMidnight(NOW) - 5 * DAY, localMidnight(NOW) - 4 * DAY],
    ['a past week', localMidnight(NOW) - 10 * DAY, localMidnight(NOW) - 3 * DAY],
    ['today', localMidnight(NOW), NOW + 1],
  ];

  it.each(windows)('%s', async (_name, from, to) => {
    const stats = await published(from, to);
    const { x, toClose, departments, callbacks } = recompute(from, to, t.hub.now());
    expect({
      total: stats.intake.total, registered: stats.registered, rejected: stats.rejected, closed: stats.closed,
      due: stats.due, dueClosed: stats.dueClosed, dueClosedOnTime: stats.dueClosedOnTime, open: stats.open, casesVerified: stats.casesVerified,
    }).toEqual(x);
    expect(stats.closureRate).toBe(x.due ? x.dueClosed / x.due : null);
    expect(stats.onTimeRate).toBe(x.due ? x.dueClosedOnTime / x.due : null);
    expect({ count: stats.timeToClose.count, meanMs: stats.timeToClose.meanMs }).toEqual(toClose);
    const h = stats.hotline;
    expect({ callbacks: h.callbacks, contacted: h.contacted, resolved: h.resolved, satisfied: h.satisfied, dissatisfied: h.dissatisfied }).toEqual(callbacks);
    expect(h.satisfactionRate).toBe(callbacks.contacted ? callbacks.satisfied / callbacks.contacted : null);
    expect(h.resolutionRate).toBe(callbacks.contacted ? callbacks.resolved / callbacks.contacted : null);
    const byName = new Map(stats.departmentRanking.map((r) => [r.name, { due: r.due, dueClosed: r.dueClosed, dueClosedOnTime: r.dueClosedOnTime }]));
    // both ways: every department of the file with its counts, and no other
    const active = [...departments].filter(([, d]) => d.due > 0);
    for (const [name, want] of active) expect(byName.get(name), name).toEqual(want);
    expect([...byName].filter(([, d]) => d.due > 0).map(([name]) => name).sort()).toEqual(active.map(([name]) => name).sort());
  });

  it('has something to compare: cases due, closed late and open overdue in the whole import', async () => {
    const { x } = recompute(NOW - 13 * DAY, NOW + HOUR, t.hub.now());
    expect(x.due).toBeGreaterThan(100);
    expect(x.dueClosedOnTime).toBeLessThan(x.dueClosed);
    expect(x.dueClosed).toBeLessThan(x.due);
    const { callbacks } = recompute(NOW - 13 * DAY, NOW + HOUR, t.hub.now());
    expect(callbacks.contacted).toBeGreaterThan(10);
    expect(callbacks.dissatisfied).toBeGreaterThan(0);
    expect(callbacks.callbacks).toBeGreaterThan(callbacks.contacted);
  });
});
