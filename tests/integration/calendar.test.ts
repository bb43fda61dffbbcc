/**
 * The centre's own calendar end to end: a hub composed as index.ts does from a calendar file with a
 * holiday week and make-up working days (调休). Deadlines of real reports are checked against a
 * walk over the working windows written here from the file's contents, and "today" is cut at the
 * file's offset.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '@shared/schemas/incident';
import { loadCalendar } from '../../server/calendarConfig';
import { grids, signedInUser, startTestHub, type TestHub, type TestUser } from './harness';

const OFFSET = 480;
const HOLIDAYS = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'];
const MAKE_UP = ['2026-09-27', '2026-10-10'];
const WINDOWS: [number, number][] = [
  [8 * 60 + 30, 12 * 60],
  [13 * 60 + 30, 17 * 60 + 30],
];
const DAY_MS = 86_400_000;
/** a local time at +08:00 */
const local = (month: number, day: number, h: number, m = 0) => Date.UTC(2026, month - 1, day, h, m) - OFFSET * 60_000;

/** the deadline `minutes` of working time after `from`, walking the file's windows minute by minute */
function expectedDeadline(from: number, minutes: number): number {
  let left = minutes;
  for (let t = from; ; t += 60_000) {
    const localMs = t + OFFSET * 60_000;
    const date = new Date(localMs).toISOString().slice(0, 10);
    const weekday = new Date(localMs).getUTCDay();
    const working = !HOLIDAYS.includes(date) && (MAKE_UP.includes(date) || (weekday >= 1 && weekday <= 5));
    const minuteOfDay = Math.floor((localMs % DAY_MS) / 60_000);
    if (working && WINDOWS.some(([a, b]) => minuteOfDay >= a && minuteOfDay < b)) left--;
    if (left === 0) return t + 60_000;
  }
}

let now = local(9, 30, 17);
let t: TestHub;
let op: TestUser;
const dir = mkdtempSync(join(tmpdir(), 'centre-calendar-'));

beforeAll(async () => {
  const file = join(dir, 'calendar-2026.json');
  const day = WINDOWS.map(([a, b]) => ({ start: `${String(a / 60 | 0).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`, end: `${String(b / 60 | 0).padStart(2, '0')}:${String(b % 60).padStart(2, '0')}` }));
  writeFileSync(file, JSON.stringify({ utcOffsetMinutes: OFFSET, weekly: [[], day, day, day, day, day, []], holidays: HOLIDAYS, makeUpDays: MAKE_UP }));
  // the clock walks three weeks: a session long enough for it
  t = await startTestHub({ clock: () => now, calendar: loadCalendar({ file }), sessionHours: 24 * 40 });
  op = await signedInUser(t, 'op-calendar', 'operator');
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

async function report(gridIndex: number): Promise<Incident> {
  const [lng, lat] = grids()[gridIndex]!.center;
  const res = await fetch(`${t.url}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...op.headers },
    body: JSON.stringify({ source: 'hotline', category: 'dispute', severity: 1, title: '邻里纠纷', location: { lng, lat }, reporter: { kind: 'citizen' } }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Incident;
}

describe('a centre’s calendar from its file', () => {
  // a dispute has to be registered within 1 working hour (the shipped table's default)
  it('carries a deadline over the holiday week', async () => {
    now = local(9, 30, 17); // Wednesday 17:00, the eve of the holiday
    const incident = await report(1);
    expect(incident.deadline?.dueAt).toBe(expectedDeadline(now, 60));
    expect(incident.deadline?.dueAt).toBe(local(10, 8, 9)); // 30 min that evening, 30 min on Thursday the 8th
  });

  it('counts a make-up Saturday as a working day, and an ordinary Saturday not', async () => {
    now = local(10, 10, 11, 30); // the make-up Saturday
    const onMakeUp = await report(2);
    expect(onMakeUp.deadline?.dueAt).toBe(expectedDeadline(now, 60));
    expect(onMakeUp.deadline?.dueAt).toBe(local(10, 10, 14));
    now = local(10, 17, 10); // an ordinary Saturday
    const onSaturday = await report(3);
    expect(onSaturday.deadline?.dueAt).toBe(local(10, 19, 9, 30));
  });

  it('cuts "today" at the centre’s midnight', async () => {
    now = local(10, 20, 23, 50);
    await report(4);
    now = local(10, 21, 0, 10); // ten minutes into the next local day (16:10Z of the day before)
    const res = await fetch(`${t.url}/api/stats?region=${t.hub.geo.rootCode}`);
    const { stats } = (await res.json()) as { stats: { window: { from: number }; intake: { total: number } } };
    expect(stats.window.from).toBe(local(10, 21, 0));
    expect(stats.intake.total).toBe(0);
  });
});
