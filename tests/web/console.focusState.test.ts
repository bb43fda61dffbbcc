/**
 * Focus mode and alerts in the console's connection and stores (issue 16), against a fake socket:
 * the snapshot's `focuses` and `alerts`, `focus:changed` and `alert:changed` deltas applied once
 * under the stream's seq (and never backwards), resume after a reconnect, the volatile
 * `focus:track` and `alert:sounded`, and the four commands with their acknowledgements. Then the
 * pure parts: default responders, the regions offered, the request bodies, the alerts' order and
 * who hears them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import { AlertAckRequest } from '@shared/schemas/alert';
import type { Me, User } from '@shared/schemas/auth';
import { FocusEndRequest, FocusRespondersRequest, FocusStartRequest, type FocusTrack } from '@shared/schemas/focus';
import type { Delta, SubscribeRequest } from '@shared/schemas/live';
import { canAcknowledge, isNotified, recentAlerts, shouldSound, waitingAlerts } from '../../web/src/console/alerts';
import { connectConsole, type ConsoleConnection, type ConsoleSocket } from '../../web/src/console/connection';
import { buildStart, canFocus, canSteer, defaultResponders, fmtDistance, fmtEta, regionChoices, responderChoices, responderLines } from '../../web/src/console/focus';
import { useConsoleAlerts, type Ring } from '../../web/src/console/stores/alerts';
import { useConsoleFocus } from '../../web/src/console/stores/focus';
import { useConsoleQueue } from '../../web/src/console/stores/queue';
import { FakeSocket } from './helpers/fakeSocket';
import { incident, REGIONS, snapshot, T0 } from './helpers/fixtures';
import { alert, focus, nearbyPatrol } from './consoleFocusFixtures';

const USER: User = { username: 'op1', displayName: '值班员甲', role: 'operator', regionCode: '330203', disabled: false, createdAt: T0, passwordChangedAt: T0 };
const ME: Me = { signedIn: true, user: USER, expiresAt: T0 + 8 * 3_600_000, anonymous: 'none' };
const hello = () => ({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'hub-a', rootRegion: '330200', centreName: '中心', me: ME });
const HAISHU = { ...snapshot().region, code: '330203', level: 'district' as const, parentCode: '330200' };
const REGION_MAP = new Map(REGIONS.map((r) => [r.code, r]));

type FocusDelta = Extract<Delta, { type: 'focus:changed' }>;
type AlertDelta = Extract<Delta, { type: 'alert:changed' }>;
const focusChanged = (seq: number, f: ReturnType<typeof focus> | null, id = f?.id ?? 'F1'): FocusDelta => ({ type: 'focus:changed', seq, focusId: id, regionCode: '330203', focus: f });
const alertChanged = (seq: number, a: ReturnType<typeof alert>): AlertDelta => ({ type: 'alert:changed', seq, alert: a });

let fake: FakeSocket;
let conn: ConsoleConnection;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  fake = new FakeSocket();
  conn = connectConsole({ socket: fake as unknown as ConsoleSocket, onMe: () => {}, onEnded: () => {}, texts: { noAnswer: 'no answer', offline: 'offline', protocol: 'reload' } });
});
afterEach(() => {
  conn.close();
  vi.useRealTimers();
});

function live(over: Parameters<typeof snapshot>[0] = {}): void {
  fake.connect();
  fake.fire('hello', hello());
  fake.of('subscribe')[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ region: HAISHU, ...over }) } });
}

describe('focuses from the snapshot and the deltas', () => {
  it('takes the snapshot’s focuses, then applies focus:changed once each (seq), and a null focus ends it', () => {
    live({ focuses: [focus('F1')] });
    const store = useConsoleFocus();
    expect([...store.byId.keys()]).toEqual(['F1']);

    const changed = focus('F1', { responders: [{ patrolId: 'P3', name: '赵六', kind: 'worker', role: 'police', mode: 'car' }] });
    fake.fire('focus:changed', focusChanged(101, changed));
    fake.fire('focus:changed', focusChanged(101, focus('F1'))); // a replay of the same seq: dropped
    expect(store.byId.get('F1')!.responders.map((r) => r.patrolId)).toEqual(['P3']);

    fake.fire('focus:changed', focusChanged(102, null, 'F1'));
    expect(store.byId.size).toBe(0);
    fake.fire('focus:changed', focusChanged(102, null, 'F1')); // again: nothing changes
    expect(store.byId.size).toBe(0);
    expect(useConsoleQueue().seq).toBe(102);
  });

  it('a reconnect resumes from the last seq, and its replayed deltas are applied like live ones', () => {
    live({ focuses: [focus('F1')] });
    fake.fire('focus:changed', focusChanged(105, focus('F1', { title: '燃气泄漏（更新）' })));
    fake.disconnect();
    fake.connect();
    fake.fire('hello', hello());
    const again = fake.of('subscribe')[1]!;
    expect((again.request as SubscribeRequest).lastSeq).toBe(105);
    again.answer(null, { ok: true, data: { mode: 'resume', fromSeq: 105, seq: 120, deltas: [focusChanged(110, null, 'F1'), focusChanged(111, focus('F2', { incidentId: 'E2' })), alertChanged(112, alert('A1'))] } });
    expect([...useConsoleFocus().byId.keys()]).toEqual(['F2']);
    expect(useConsoleAlerts().byId.get('A1')?.state).toBe('waiting');
  });

  it('a fresh snapshot replaces the focuses; an older hub sends none (none stands)', () => {
    live({ focuses: [focus('F1')] });
    fake.fire('resync', { reason: 'gap' });
    fake.of('subscribe')[1]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ region: HAISHU, seq: 300 }) } });
    expect(useConsoleFocus().byId.size).toBe(0);
    expect(useConsoleAlerts().known).toBe(false);
  });

  it('focus:track keeps the latest track of a focus that stands; an older or unknown one is dropped', () => {
    live({ focuses: [focus('F1')] });
    const store = useConsoleFocus();
    const track = (at: number, d: number): FocusTrack => ({ focusId: 'F1', at, responders: [{ patrolId: 'P1', status: 'responding', lng: 121.55, lat: 29.87, fixAt: at, distanceM: d, etaS: d / 4 }] });
    fake.fire('focus:track', track(T0 + 2000, 800));
    fake.fire('focus:track', track(T0 + 1000, 900));
    fake.fire('focus:track', { ...track(T0 + 3000, 1), focusId: 'F9' });
    expect(store.trackOf('F1')!.responders[0]!.distanceM).toBe(800);
    expect(store.trackOf('F9')).toBeNull();
    const lines = responderLines(store.byId.get('F1')!, store.trackOf('F1'), T0 + 2500);
    expect(lines).toMatchObject([
      { patrolId: 'P1', name: '张伟', distanceM: 800, etaS: 200, status: 'responding', stale: false },
      { patrolId: 'P2', name: '王芳', distanceM: null, etaS: null, stale: true },
    ]);
    // a track older than ten seconds is shown as stale
    expect(responderLines(store.byId.get('F1')!, store.trackOf('F1'), T0 + 20_000)[0]!.stale).toBe(true);
  });

  it('focus:start, focus:responders and focus:end go out as the contract says and store the answer', async () => {
    live();
    const store = useConsoleFocus();
    const started = conn.startFocus({ incidentId: 'E1', responders: ['P1', 'P2'] });
    const start = fake.of('focus:start')[0]!;
    expect(FocusStartRequest.parse(start.request)).toEqual({ incidentId: 'E1', responders: ['P1', 'P2'] });
    start.answer(null, { ok: true, data: focus('F1') });
    expect(await started).toMatchObject({ ok: true });
    expect(store.byId.has('F1')).toBe(true);

    const changed = conn.setResponders('F1', ['P2']);
    const resp = fake.of('focus:responders')[0]!;
    expect(FocusRespondersRequest.parse(resp.request)).toEqual({ focusId: 'F1', responders: ['P2'] });
    resp.answer(null, { ok: true, data: focus('F1', { responders: [focus('F1').responders[1]!] }) });
    await changed;
    expect(store.byId.get('F1')!.responders).toHaveLength(1);

    const ended = conn.endFocus('F1');
    const end = fake.of('focus:end')[0]!;
    expect(FocusEndRequest.parse(end.request)).toEqual({ focusId: 'F1' });
    end.answer(null, { ok: true, data: { focusId: 'F1' } });
    expect(await ended).toEqual({ ok: true, data: { focusId: 'F1' } });
    expect(store.byId.size).toBe(0);
    // the focus's end reached the desk first; an acknowledgement of an earlier step does not bring it back
    expect(store.upsert(focus('F1'))).toBe(false);
    expect(store.byId.size).toBe(0);
  });

  it('emits on the timed socket as Socket.IO does (its emit needs its own this)', async () => {
    conn.close();
    // Socket.IO's timeout() answers an object whose emit uses its own `this`
    const strict = new FakeSocket();
    (strict as unknown as { timeout: () => unknown }).timeout = () => ({
      owner: strict,
      emit(this: { owner: FakeSocket }, event: string, request: unknown, answer: (err: Error | null, a?: unknown) => void) {
        this.owner.emits.push({ event, request, answer });
      },
    });
    fake = strict;
    conn = connectConsole({ socket: fake as unknown as ConsoleSocket, onMe: () => {}, onEnded: () => {}, texts: { noAnswer: 'no answer', offline: 'offline', protocol: 'reload' } });
    live();
    const started = conn.startFocus({ incidentId: 'E1' });
    fake.of('focus:start')[0]!.answer(null, { ok: true, data: focus('F1') });
    expect(await started).toMatchObject({ ok: true });
  });

  it('a focus this desk started on narrower walls is followed by its deltas like any other (the hub tells every desk whose home holds the place)', async () => {
    live({ focuses: [] });
    const store = useConsoleFocus();
    const started = conn.startFocus({ incidentId: 'E1', regionCode: '330203001' });
    fake.of('focus:start')[0]!.answer(null, { ok: true, data: focus('F5', { regionCode: '330203001' }) });
    await started;
    expect([...store.byId.keys()]).toEqual(['F5']);
    fake.fire('focus:changed', { ...focusChanged(130, focus('F5', { regionCode: '330203001', title: '更新' })), regionCode: '330203001' });
    expect(store.byId.get('F5')!.title).toBe('更新');
    fake.fire('focus:changed', { ...focusChanged(131, null, 'F5'), regionCode: '330203001' });
    expect(store.byId.size).toBe(0);
  });

  it('a refusal or a silent hub is an outcome with the hub’s words', async () => {
    live();
    const refused = conn.endFocus('F7');
    fake.of('focus:end')[0]!.answer(null, { ok: false, error: 'UNKNOWN_FOCUS', message: 'No focus with that id stands now (it may have ended).' });
    expect(await refused).toEqual({ ok: false, code: 'UNKNOWN_FOCUS', message: 'No focus with that id stands now (it may have ended).' });
    const silent = conn.startFocus({ incidentId: 'E1' });
    fake.of('focus:start')[0]!.answer(new Error('timeout'));
    expect(await silent).toEqual({ ok: false, code: 'TIMEOUT', message: 'no answer' });
    fake.disconnect();
    expect(await conn.acknowledgeAlert('A1')).toEqual({ ok: false, code: 'OFFLINE', message: 'offline' });
  });
});

describe('alerts from the snapshot and the deltas', () => {
  it('takes the snapshot’s alerts; alert:changed raises, escalates and acknowledges, never backwards', () => {
    live({ alerts: [alert('A1'), alert('A0', { state: 'acknowledged', acknowledgedAt: T0 - 600_000, acknowledgedBy: { username: 'op2', name: '李四' } })] });
    const store = useConsoleAlerts();
    expect(store.known).toBe(true);
    expect(waitingAlerts(store.byId.values()).map((a) => a.id)).toEqual(['A1']);
    expect(recentAlerts(store.byId.values(), T0).map((a) => a.id)).toEqual(['A0']);

    fake.fire('alert:changed', alertChanged(101, alert('A2', { severity: 4 })));
    fake.fire('alert:changed', alertChanged(102, alert('A1', { escalatedAt: T0 })));
    expect(waitingAlerts(store.byId.values()).map((a) => a.id)).toEqual(['A1', 'A2']); // escalated first

    const acked = alert('A1', { state: 'acknowledged', escalatedAt: T0, acknowledgedAt: T0 + 1000, acknowledgedBy: { username: 'op1', name: '值班员甲' }, note: '已派员' });
    fake.fire('alert:changed', alertChanged(103, acked));
    // a late copy of an older state (not through the seq: an acknowledgement's answer) is not taken
    expect(store.upsert(alert('A1', { escalatedAt: T0 }))).toBe(false);
    expect(store.byId.get('A1')!.state).toBe('acknowledged');
    expect(waitingAlerts(store.byId.values()).map((a) => a.id)).toEqual(['A2']);
    expect(recentAlerts(store.byId.values(), T0 + 2000).map((a) => a.id)).toEqual(['A1', 'A0']);
    // an hour later the acknowledged ones are gone
    expect(recentAlerts(store.byId.values(), T0 + 3_700_000)).toEqual([]);
    expect(store.prune(T0 + 3_700_000)).toBe(2);
  });

  it('rings for a new alert waiting, an escalation and every alert:sounded — never for the snapshot', () => {
    live({ alerts: [alert('A1')] });
    const rings: Ring[] = [];
    useConsoleAlerts().onRing((r) => rings.push(r));
    fake.fire('alert:changed', alertChanged(101, alert('A2')));
    fake.fire('alert:changed', alertChanged(102, alert('A2'))); // dropped by seq
    fake.fire('alert:changed', alertChanged(103, { ...alert('A2'), title: '改' })); // same state: no ring
    fake.fire('alert:sounded', { alertId: 'A1', at: T0 + 60_000, repeat: 1, escalated: false });
    fake.fire('alert:sounded', { alertId: 'A1', at: T0 + 300_000, repeat: 5, escalated: true });
    fake.fire('alert:changed', alertChanged(104, alert('A1', { escalatedAt: T0 + 300_000 }))); // the desk knew already
    fake.fire('alert:sounded', { alertId: 'A9', at: T0, repeat: 1, escalated: false }); // unknown: nothing
    expect(rings.map((r) => `${r.alert.id}:${r.reason}`)).toEqual(['A2:raised', 'A1:repeat', 'A1:escalated']);
    expect(useConsoleAlerts().byId.get('A1')!.escalatedAt).toBe(T0 + 300_000);
  });

  it('alert:acknowledge sends the id and the note (trimmed, none when empty) and stores the answer', async () => {
    live({ alerts: [alert('A1')] });
    const done = conn.acknowledgeAlert('A1', '  已派员到场 ');
    const sent = fake.of('alert:acknowledge')[0]!;
    expect(AlertAckRequest.parse(sent.request)).toEqual({ alertId: 'A1', note: '已派员到场' });
    expect(sent.request).toEqual({ alertId: 'A1', note: '已派员到场' });
    sent.answer(null, { ok: true, data: alert('A1', { state: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: { username: 'op1', name: '值班员甲' }, note: '已派员到场' }) });
    await done;
    expect(useConsoleAlerts().byId.get('A1')!.state).toBe('acknowledged');
    void conn.acknowledgeAlert('A2', '   ');
    expect(fake.of('alert:acknowledge')[1]!.request).toEqual({ alertId: 'A2' });
  });
});

describe('the pure parts of focus mode', () => {
  it('ticks the nearest two or three on duty, never one already on a case', () => {
    const patrols = [nearbyPatrol('P4', 900), nearbyPatrol('P1', 120, { status: 'responding' }), nearbyPatrol('P2', 300), nearbyPatrol('P3', 450), nearbyPatrol('P5', 60)];
    expect(defaultResponders(patrols)).toEqual(['P5', 'P2', 'P3']);
    expect(defaultResponders(patrols, 2)).toEqual(['P5', 'P2']);
    expect(defaultResponders([nearbyPatrol('P1', 10, { status: 'responding' })])).toEqual([]);
    // the list is nearest first; a responder of the focus that is no longer nearby stays, at the end
    const choices = responderChoices(patrols, [{ patrolId: 'P9', name: '远处', kind: 'unit', role: 'police', mode: 'car' }]);
    expect(choices.map((c) => c.id)).toEqual(['P5', 'P1', 'P2', 'P3', 'P4', 'P9']);
    expect(choices[5]).toMatchObject({ status: null, distanceM: null });
  });

  it('offers the case’s region path from the user’s region down to the street; the user’s region is the default', () => {
    const e1 = incident('E1');
    expect(regionChoices(e1, { ...USER, regionCode: '330200' }, REGION_MAP)).toEqual(['330200', '330203', '330203001']);
    expect(regionChoices(e1, USER, REGION_MAP)).toEqual(['330203', '330203001']);
    expect(regionChoices(e1, { ...USER, regionCode: '330205' }, REGION_MAP)).toEqual([]);
    expect(buildStart(e1, { regionCode: '330203', userRegion: '330203', responders: ['P5', 'P2'] })).toEqual({ incidentId: 'E1', responders: ['P5', 'P2'] });
    expect(buildStart(e1, { regionCode: '330203001', userRegion: '330203', responders: [] })).toEqual({ incidentId: 'E1', regionCode: '330203001', responders: [] });
    expect(buildStart(e1, { regionCode: null, userRegion: '330203', responders: null })).toEqual({ incidentId: 'E1' });
  });

  it('offers focus to operators and above on open cases of their region; steering to the focus’s region', () => {
    const e1 = incident('E1');
    expect(canFocus(e1, USER)).toBe(true);
    expect(canFocus(e1, { ...USER, role: 'viewer' })).toBe(false);
    expect(canFocus(e1, { ...USER, regionCode: '330205' })).toBe(false);
    expect(canFocus(incident('E2', { stage: 'closed' }), USER)).toBe(false);
    expect(canSteer(focus('F1'), USER, REGION_MAP)).toBe(true);
    expect(canSteer(focus('F1', { regionCode: '330200' }), USER, REGION_MAP)).toBe(false); // the city's walls: the desk above
    expect(canSteer(focus('F1'), { ...USER, role: 'viewer' }, REGION_MAP)).toBe(false);
  });

  it('words distance and ETA for the banner', () => {
    expect(fmtDistance(350.4)).toBe('350 m');
    expect(fmtDistance(1234)).toBe('1.2 km');
    expect(fmtDistance(null)).toBe('—');
    expect(fmtEta(0, 'zh')).toBe('已到达');
    expect(fmtEta(40, 'zh')).toBe('1分钟内');
    expect(fmtEta(250, 'zh')).toBe('约4分钟');
    expect(fmtEta(250, 'en')).toBe('≈ 4 min');
    expect(fmtEta(4000, 'en')).toBe('≈ 1 h 7 min');
  });
});

describe('the pure parts of alerts', () => {
  it('orders the waiting alerts escalated first, then the most severe, then the oldest', () => {
    const list = [alert('A1', { severity: 2, raisedAt: T0 - 10 }), alert('A2', { severity: 4, raisedAt: T0 - 5 }), alert('A3', { severity: 2, raisedAt: T0 - 20 }), alert('A4', { severity: 1, escalatedAt: T0 })];
    expect(waitingAlerts(list).map((a) => a.id)).toEqual(['A4', 'A2', 'A3', 'A1']);
  });

  it('sounds for the roles told, and for supervisors once escalated even without sound', () => {
    const quiet = alert('A1', { sound: false, notifyRoles: ['operator'] });
    const supOnly = alert('A2', { notifyRoles: ['supervisor'] });
    expect(shouldSound({ alert: alert('A0'), reason: 'raised' }, 'operator')).toBe(true);
    expect(shouldSound({ alert: quiet, reason: 'raised' }, 'operator')).toBe(false);
    expect(shouldSound({ alert: supOnly, reason: 'raised' }, 'operator')).toBe(false);
    expect(shouldSound({ alert: supOnly, reason: 'raised' }, 'admin')).toBe(true);
    expect(isNotified(supOnly, 'operator')).toBe(false);
    const escalatedQuiet = { ...quiet, escalatedAt: T0 };
    expect(shouldSound({ alert: escalatedQuiet, reason: 'escalated' }, 'supervisor')).toBe(true);
    expect(shouldSound({ alert: escalatedQuiet, reason: 'repeat' }, 'admin')).toBe(true);
    expect(shouldSound({ alert: escalatedQuiet, reason: 'escalated' }, 'operator')).toBe(false);
    expect(shouldSound({ alert: { ...alert('A3'), state: 'acknowledged' }, reason: 'repeat' }, 'operator')).toBe(false);
  });

  it('offers acknowledging to operators and above on waiting alerts of their region', () => {
    expect(canAcknowledge(alert('A1'), USER)).toBe(true);
    expect(canAcknowledge(alert('A1'), { ...USER, role: 'viewer' })).toBe(false);
    expect(canAcknowledge(alert('A1'), { ...USER, regionCode: '330205' })).toBe(false);
    expect(canAcknowledge(alert('A1', { state: 'acknowledged' }), USER)).toBe(false);
  });
});
