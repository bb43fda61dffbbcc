/**
 * Alerts through a real hub with real Socket.IO clients (issue 16 part 3), on a clock the test
 * moves: the shipped rules raise an alert for an especially serious case (and focus the walls), a
 * fire-smoke AI alarm and a case a working day overdue; a waiting alert sounds again every
 * `repeatMs`, escalates to the supervisors after `escalateAfterMs`, and stops once a person has
 * acknowledged it (audited) — which also ends the focus its rule started.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import { addWorkingTime } from '@shared/calendar';
import type { Alert, AlertSounded } from '@shared/schemas/alert';
import type { SubscribeResult } from '@shared/schemas/live';
import { connectClient, grids, nextEvent, signedInUser, smallRoster, startTestHub, testCity, type TestClient, type TestHub } from './harness';

const REPEAT_MS = 60_000;
const ESCALATE_MS = 300_000;
let now = Date.parse('2026-12-07T02:00:00Z'); // a Monday, 10:00 in the centre
let t: TestHub;
const open: TestClient[] = [];
const city = testCity();
const g = grids()[0]!;

async function wall(region: string): Promise<TestClient> {
  const { socket } = await connectClient(t.url);
  open.push(socket);
  await new Promise<SubscribeResult>((resolve, reject) =>
    socket.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region, layers: ['incidents'] }, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(ack.message)))),
  );
  return socket;
}

/** every alert:sounded a socket receives */
function sounds(socket: TestClient): AlertSounded[] {
  const seen: AlertSounded[] = [];
  socket.on('alert:sounded', (s) => seen.push(s));
  return seen;
}

/** a round trip: whatever the hub sent this socket before it has arrived */
const settled = (socket: TestClient) => socket.timeout(30_000).emitWithAck('auth:me', {});

beforeAll(async () => {
  t = await startTestHub({
    clock: () => now,
    fusion: 'off',
    coordination: { timing: { repeatMs: REPEAT_MS, escalateAfterMs: ESCALATE_MS }, sweepMs: 3_600_000, overdueCheckMs: 3_600_000 },
  });
  const { cameras, patrols } = smallRoster(4, now);
  await t.hub.loadRoster(cameras, patrols);
});

afterAll(async () => {
  for (const s of open) s.close();
  await t?.close();
});

describe('alerts', () => {
  it('an especially serious case: alert and focus on the walls of its path, repeats until acknowledged, escalates, and the acknowledgement ends the focus', async () => {
    const district = g.code.slice(0, 6);
    const otherStreet = city.find((r) => r.level === 'street' && !g.code.startsWith(r.code))!.code;
    const districtWall = await wall(district);
    const otherWall = await wall(otherStreet);
    const heard = sounds(districtWall);
    const otherHeard = sounds(otherWall);
    const otherAlerts: Alert[] = [];
    otherWall.on('alert:changed', (d) => otherAlerts.push(d.alert));

    const raised = nextEvent(districtWall, 'alert:changed', (d) => d.alert.state === 'waiting');
    const focused = nextEvent(districtWall, 'focus:changed', (d) => d.focus !== null);
    const { incident } = await t.hub.report({ source: 'hotline', category: 'fire_safety', severity: 4, title: '厂房起火', location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'citizen' } });
    const alert = (await raised).alert;
    expect(alert).toMatchObject({ kind: 'case', incidentId: incident.id, severity: 4, sound: true, state: 'waiting', escalatedAt: null, ruleId: 'especially-serious-case' });
    expect(alert.notifyRoles).toEqual(expect.arrayContaining(['supervisor']));
    const focus = (await focused).focus!;
    expect(focus).toMatchObject({ incidentId: incident.id, startedBy: { kind: 'rule' }, endsWithAlert: alert.id });

    // not yet: nothing sounds before repeatMs
    now += REPEAT_MS - 1_000;
    await t.app.coordination.alerts.sweep();
    now += 2_000;
    const first = nextEvent(districtWall, 'alert:sounded', (s) => s.alertId === alert.id);
    await t.app.coordination.alerts.sweep();
    expect(await first).toMatchObject({ repeat: 1, escalated: false });
    now += REPEAT_MS;
    const second = nextEvent(districtWall, 'alert:sounded', (s) => s.alertId === alert.id && s.repeat === 2);
    await t.app.coordination.alerts.sweep();
    await second;

    // past escalateAfterMs: escalated, stored, sounded as such
    now = alert.raisedAt + ESCALATE_MS + 1_000;
    const escalated = nextEvent(districtWall, 'alert:changed', (d) => d.alert.id === alert.id && d.alert.escalatedAt !== null);
    const escalatedSound = nextEvent(districtWall, 'alert:sounded', (s) => s.alertId === alert.id && s.escalated);
    await t.app.coordination.alerts.sweep();
    expect((await escalated).alert.notifyRoles).toContain('supervisor');
    await escalatedSound;

    // a person acknowledges: the alert is acknowledged by name, the rule's focus ends
    const op = await signedInUser(t, 'duty1', 'operator');
    const { socket: desk } = await connectClient(t.url, op.token);
    open.push(desk);
    const focusEnded = nextEvent(districtWall, 'focus:changed', (d) => d.focusId === focus.id && d.focus === null);
    const ack = await new Promise<Ack<Alert>>((resolve) => desk.emit('alert:acknowledge', { alertId: alert.id, note: '消防已出动' }, resolve));
    expect(ack).toMatchObject({ ok: true, data: { state: 'acknowledged', acknowledgedBy: { username: 'duty1' }, note: '消防已出动' } });
    await focusEnded;
    // a second press changes nothing
    const again = await new Promise<Ack<Alert>>((resolve) => desk.emit('alert:acknowledge', { alertId: alert.id }, resolve));
    expect(again).toMatchObject({ ok: true, data: { acknowledgedBy: { username: 'duty1' }, note: '消防已出动' } });

    // and it sounds no more
    const soundsBefore = heard.length;
    now += 10 * REPEAT_MS;
    await t.app.coordination.alerts.sweep();
    await settled(districtWall);
    expect(heard.length).toBe(soundsBefore);
    expect(heard.map((s) => s.repeat)).toEqual([1, 2, 3]);
    expect(t.app.coordination.alerts.waiting()).toEqual([]);

    // the other street's wall heard nothing of it
    await settled(otherWall);
    expect(otherHeard).toEqual([]);
    expect(otherAlerts).toEqual([]);

    // audited: who acknowledged, when, with which note
    const audit = await t.store.readAudit({ actor: 'duty1', limit: 10 });
    // newest first: the acknowledgement, then the end of the rule's focus in the acknowledger's name
    expect(audit.filter((a) => a.action !== 'sign_in').map((a) => [a.action, a.outcome, a.subject, a.reason])).toEqual([
      ['focus_end', 'ok', focus.id, 'alert acknowledged'],
      ['alert_ack', 'ok', alert.id, '消防已出动'],
    ]);
    // a viewer may not; an unknown id is UNKNOWN_ALERT
    const viewer = await signedInUser(t, 'viewer2', 'viewer');
    const { socket: asViewer } = await connectClient(t.url, viewer.token);
    open.push(asViewer);
    expect(await new Promise<Ack<Alert>>((r) => asViewer.emit('alert:acknowledge', { alertId: alert.id }, r))).toMatchObject({ ok: false, error: 'FORBIDDEN_ROLE' });
    expect(await new Promise<Ack<Alert>>((r) => desk.emit('alert:acknowledge', { alertId: 'AL-none' }, r))).toMatchObject({ ok: false, error: 'UNKNOWN_ALERT' });
  });

  it('a fire-smoke AI alarm raises an alert, a garbage one does not; a late wall finds the waiting alert in its snapshot', async () => {
    const districtWall = await wall(g.code.slice(0, 6));
    const raised = nextEvent(districtWall, 'alert:changed', (d) => d.alert.kind === 'camera_alarm');
    await t.hub.raiseVideoAlarm({ cameraId: 'cam-1', alarmType: 'garbage', confidence: 0.9 });
    const { alarm } = await t.hub.raiseVideoAlarm({ cameraId: 'cam-2', alarmType: 'fire_smoke', confidence: 0.9 });
    const alert = (await raised).alert;
    expect(alert).toMatchObject({ kind: 'camera_alarm', videoAlarmId: alarm.id, cameraId: 'cam-2', sound: true, openCameras: true, focusId: null });
    const waiting = t.app.coordination.alerts.waiting().filter((a) => a.kind === 'camera_alarm');
    expect(waiting.map((a) => a.videoAlarmId)).toEqual([alarm.id]);

    const { socket: late } = await connectClient(t.url);
    open.push(late);
    const result = await new Promise<SubscribeResult>((resolve, reject) =>
      late.emit('subscribe', { protocolVersion: PROTOCOL_VERSION, region: g.code, layers: ['stats'], alarmRegion: g.code.slice(0, 6) }, (ack) => (ack.ok ? resolve(ack.data) : reject(new Error(ack.message)))),
    );
    const snapshot = (result as { snapshot: { alerts?: Alert[] } }).snapshot;
    expect(snapshot.alerts?.filter((a) => a.state === 'waiting').map((a) => a.id)).toContain(alert.id);
  });

  it('a case a working day overdue raises one silent alert for the supervisors, once', async () => {
    const { incident } = await t.hub.report({ source: 'patrol', category: 'sanitation', severity: 1, title: '垃圾满溢', location: { lng: g.center[0], lat: g.center[1] }, reporter: { kind: 'patrol' } });
    const due = incident.deadline!.dueAt;
    // nine working hours past its deadline: over the shipped rule's eight, within the catch-up window
    now = addWorkingTime(due, 9 * 3_600_000, (t.hub as unknown as { opts: { policy: { calendar: Parameters<typeof addWorkingTime>[2] } } }).opts.policy.calendar);
    await t.hub.sweepOverdue();
    expect(t.hub.incidents.get(incident.id)!.incident.overdue).toBe(true);
    await t.app.coordination.checkOverdue();
    await t.app.coordination.checkOverdue();
    await t.hub.queue.idle();
    const overdue = t.app.coordination.alerts.list().filter((a) => a.kind === 'overdue' && a.incidentId === incident.id);
    expect(overdue).toHaveLength(1);
    expect(overdue[0]).toMatchObject({ sound: false, repeat: false, ruleId: 'overdue-working-day', state: 'waiting' });
    expect(overdue[0]!.notifyRoles).toContain('supervisor');
    // a rule that does not repeat: it waits silently, neither sounded again nor escalated
    now += ESCALATE_MS + REPEAT_MS;
    await t.app.coordination.alerts.sweep();
    expect(t.app.coordination.alerts.get(overdue[0]!.id)).toMatchObject({ state: 'waiting', escalatedAt: null });
  });
});
