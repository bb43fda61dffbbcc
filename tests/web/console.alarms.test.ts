/**
 * The AI confirm queue's pieces: the store fed by the snapshot's `videoAlarms` and by
 * `videoAlarm:updated` deltas under the stream's one sequence number; what each role may do in
 * which region; the decision bodies (valid for the shared schema; a dismissal without a reason is
 * never sent); the acknowledged `videoAlarm:decide` over the connection, telling a new case from
 * one joined by fusion; and the cursor that continues among the waiting alarms after a decision.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Me, Role, User } from '@shared/schemas/auth';
import type { Delta } from '@shared/schemas/live';
import { VideoAlarmDecision } from '@shared/schemas/videoAlarm';
import {
  afterDismiss,
  alarmActionForKey,
  anchorOf,
  buildConfirm,
  buildDismiss,
  canDismiss,
  decidedAlarms,
  dismissNote,
  moveAlarmCursor,
  offeredAlarmActions,
  pendingAlarms,
} from '../../web/src/console/alarms';
import { connectConsole, type ConsoleConnection, type ConsoleSocket } from '../../web/src/console/connection';
import { useConsoleAlarms } from '../../web/src/console/stores/alarms';
import { useConsoleQueue } from '../../web/src/console/stores/queue';
import { FakeSocket } from './helpers/fakeSocket';
import { incident, snapshot, T0, videoAlarm } from './helpers/fixtures';

const alarmDelta = (seq: number, alarm = videoAlarm('VA-1')): Extract<Delta, { type: 'videoAlarm:updated' }> => ({ type: 'videoAlarm:updated', seq, alarm });

const user = (role: Role, regionCode = '330200', over: Partial<User> = {}): User => ({
  username: 'u1',
  displayName: '值班员甲',
  role,
  regionCode,
  disabled: false,
  createdAt: T0,
  passwordChangedAt: T0,
  ...over,
});

beforeEach(() => setActivePinia(createPinia()));

describe('the alarms in the console’s store', () => {
  it('takes the snapshot’s alarms, then each delta once: a seq not newer than the last is dropped', () => {
    const queue = useConsoleQueue();
    const alarms = useConsoleAlarms();
    queue.applySubscribeResult({ mode: 'snapshot', snapshot: snapshot({ seq: 100, videoAlarms: [videoAlarm('VA-1'), videoAlarm('VA-2')] }) }, T0);
    expect([...alarms.byId.keys()]).toEqual(['VA-1', 'VA-2']);
    expect(alarms.known).toBe(true);

    const decided = videoAlarm('VA-1', { status: 'dismissed', version: 2, decidedAt: T0, decidedBy: { kind: 'operator', id: 'op2', name: '李四' }, reason: '误报' });
    expect(queue.applyDelta(alarmDelta(101, decided))).toBe(true);
    expect(alarms.byId.get('VA-1')?.status).toBe('dismissed');
    // a replay (same seq) and a stale one (older seq) change nothing, even with other content
    expect(queue.applyDelta(alarmDelta(101, videoAlarm('VA-1')))).toBe(false);
    expect(queue.applyDelta(alarmDelta(50, videoAlarm('VA-9')))).toBe(false);
    expect(alarms.byId.get('VA-1')?.status).toBe('dismissed');
    expect(alarms.byId.has('VA-9')).toBe(false);
    expect(queue.seq).toBe(101);
    // a newer seq carrying an older version of the alarm (the ack came first) is not a step back
    expect(queue.applyDelta(alarmDelta(102, videoAlarm('VA-1')))).toBe(true);
    expect(alarms.byId.get('VA-1')?.status).toBe('dismissed');
    // a new alarm enters the queue
    queue.applyDelta(alarmDelta(103, videoAlarm('VA-3')));
    expect(pendingAlarms(alarms.byId.values()).map((a) => a.id)).toEqual(['VA-2', 'VA-3']);
  });

  it('a resume replays the missed alarm deltas; a snapshot without alarms (an older hub) empties the queue', () => {
    const queue = useConsoleQueue();
    const alarms = useConsoleAlarms();
    queue.applySubscribeResult({ mode: 'snapshot', snapshot: snapshot({ seq: 100, videoAlarms: [] }) }, T0);
    queue.applySubscribeResult({ mode: 'resume', fromSeq: 100, seq: 120, deltas: [alarmDelta(110, videoAlarm('VA-7'))] }, T0);
    expect(alarms.byId.has('VA-7')).toBe(true);
    expect(queue.seq).toBe(120);
    queue.applySubscribeResult({ mode: 'snapshot', snapshot: snapshot({ seq: 130 }) }, T0);
    expect(alarms.byId.size).toBe(0);
    expect(alarms.known).toBe(false);
  });

  it('keeps waiting alarms however old, and forgets those decided more than 24 h ago', () => {
    const queue = useConsoleQueue();
    const alarms = useConsoleAlarms();
    const day = 86_400_000;
    queue.applySubscribeResult(
      {
        mode: 'snapshot',
        snapshot: snapshot({
          videoAlarms: [
            videoAlarm('OLD-PENDING', { at: T0 - 3 * day }),
            videoAlarm('OLD-DECIDED', { status: 'confirmed', decidedAt: T0 - day - 1000, incidentId: 'E1', version: 2 }),
            videoAlarm('NEW-DECIDED', { status: 'dismissed', decidedAt: T0 - 1000, reason: '误报', version: 2 }),
          ],
        }),
      },
      T0,
    );
    expect(decidedAlarms(alarms.byId.values(), T0).map((a) => a.id)).toEqual(['NEW-DECIDED']);
    queue.prune(T0);
    expect([...alarms.byId.keys()].sort()).toEqual(['NEW-DECIDED', 'OLD-PENDING']);
  });

  it('lists the waiting alarms oldest first and the decided ones newest decision first', () => {
    const all = [
      videoAlarm('B', { at: T0 - 1000 }),
      videoAlarm('A', { at: T0 - 5000 }),
      videoAlarm('D1', { status: 'dismissed', decidedAt: T0 - 9000, version: 2 }),
      videoAlarm('D2', { status: 'confirmed', decidedAt: T0 - 100, version: 2, incidentId: 'E9' }),
    ];
    expect(pendingAlarms(all).map((a) => a.id)).toEqual(['A', 'B']);
    expect(decidedAlarms(all, T0).map((a) => a.id)).toEqual(['D2', 'D1']);
    expect(decidedAlarms(all, T0, 1).map((a) => a.id)).toEqual(['D2']);
  });
});

describe('who is offered a decision', () => {
  const haishu = videoAlarm('VA-1');
  it('operators and above in the alarm’s region, on a waiting alarm; viewers never', () => {
    expect(offeredAlarmActions(haishu, user('viewer'))).toEqual([]);
    for (const role of ['operator', 'supervisor', 'admin'] as const) expect(offeredAlarmActions(haishu, user(role))).toEqual(['confirm', 'dismiss']);
    // the district and the grid itself are inside; a neighbouring district is not
    expect(offeredAlarmActions(haishu, user('operator', '330203'))).toEqual(['confirm', 'dismiss']);
    expect(offeredAlarmActions(haishu, user('operator', '330203001001001'))).toEqual(['confirm', 'dismiss']);
    expect(offeredAlarmActions(haishu, user('operator', '330205'))).toEqual([]);
  });

  it('nothing on a decided alarm, to a disabled account, or without a user', () => {
    expect(offeredAlarmActions(videoAlarm('VA-2', { status: 'confirmed', version: 2 }), user('admin'))).toEqual([]);
    expect(offeredAlarmActions(haishu, user('operator', '330200', { disabled: true }))).toEqual([]);
    expect(offeredAlarmActions(haishu, null)).toEqual([]);
  });

  it('y confirms, x dismisses — only what is offered', () => {
    expect(alarmActionForKey('y', ['confirm', 'dismiss'])).toBe('confirm');
    expect(alarmActionForKey('X', ['confirm', 'dismiss'])).toBe('dismiss');
    expect(alarmActionForKey('y', [])).toBeNull();
    expect(alarmActionForKey('r', ['confirm', 'dismiss'])).toBeNull();
  });
});

describe('the decision bodies', () => {
  const alarm = videoAlarm('VA-1');

  it('a confirm carries the grade, a changed title and a note — and the shared schema takes it', () => {
    expect(VideoAlarmDecision.parse(buildConfirm(alarm))).toEqual({ action: 'confirm', severity: 1 });
    const body = buildConfirm(alarm, { severity: 3, title: '  解放南路垃圾满溢  ', note: ' 画面清晰 ' });
    expect(VideoAlarmDecision.parse(body)).toEqual({ action: 'confirm', severity: 3, title: '解放南路垃圾满溢', note: '画面清晰' });
    // the title left as it was, or emptied, is not sent: the hub keeps the alarm's
    expect(buildConfirm(alarm, { title: alarm.title })).toEqual({ action: 'confirm', severity: 1 });
    expect(buildConfirm(alarm, { title: '   ' })).toEqual({ action: 'confirm', severity: 1 });
  });

  it('a dismissal records the preset, the operator’s words, or both', () => {
    expect(VideoAlarmDecision.parse(buildDismiss({ preset: '误识别，画面中无此情况' }))).toEqual({ action: 'dismiss', note: '误识别，画面中无此情况' });
    expect(VideoAlarmDecision.parse(buildDismiss({ text: '  晾晒的衣物  ' }))).toEqual({ action: 'dismiss', note: '晾晒的衣物' });
    expect(dismissNote({ preset: '光线、天气或遮挡导致误报', text: '树影' })).toBe('光线、天气或遮挡导致误报：树影');
  });

  it('a dismissal without a reason cannot be sent (and the hub would refuse it)', () => {
    for (const input of [{}, { preset: null, text: '' }, { preset: '', text: '   ' }]) {
      expect(canDismiss(input)).toBe(false);
      expect(buildDismiss(input)).toBeNull();
    }
    expect(VideoAlarmDecision.safeParse({ action: 'dismiss', note: '' }).success).toBe(false);
    expect(VideoAlarmDecision.safeParse({ action: 'dismiss' }).success).toBe(false);
  });
});

describe('the alarm cursor', () => {
  const pending = ['A', 'B', 'C'].map((id) => videoAlarm(id));

  it('moves like the case queue: clamped, from nothing to the first', () => {
    const ids = ['A', 'B', 'C', 'D1'];
    expect(moveAlarmCursor(ids, null, 1)).toBe('A');
    expect(moveAlarmCursor(ids, 'A', 1)).toBe('B');
    expect(moveAlarmCursor(ids, 'D1', 1)).toBe('D1');
    expect(moveAlarmCursor(ids, 'A', -1)).toBe('A');
    expect(moveAlarmCursor([], 'A', 1)).toBeNull();
  });

  it('after a decision, j and k continue among the waiting alarms from where the decided one stood', () => {
    const anchor = anchorOf(pending, 'B');
    expect(anchor).toEqual({ id: 'B', nextId: 'C', prevId: 'A' });
    // B was confirmed: it is now among the decided ones, below
    const ids = ['A', 'C', 'X9', 'B'];
    expect(moveAlarmCursor(ids, 'B', 1, anchor)).toBe('C');
    expect(moveAlarmCursor(ids, 'B', -1, anchor)).toBe('A');
    // a dismissal goes on to the next waiting alarm, or the one before when it was the last
    expect(afterDismiss(anchor, ids)).toBe('C');
    expect(afterDismiss(anchorOf(pending, 'C'), ['A', 'B', 'C'])).toBe('B');
  });
});

describe('deciding over the connection', () => {
  const ME: Me = { signedIn: true, user: user('operator'), expiresAt: T0 + 3_600_000, anonymous: 'none' };
  let fake: FakeSocket;
  let conn: ConsoleConnection;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    fake = new FakeSocket();
    conn = connectConsole({ socket: fake as unknown as ConsoleSocket, onMe: () => {}, onEnded: () => {}, texts: { noAnswer: 'no answer', offline: 'offline', protocol: 'reload' } });
    fake.connected = true;
    fake.fire('connect');
    fake.fire('hello', { protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'a', rootRegion: '330200', centreName: '中心', me: ME });
    fake.of('subscribe')[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ seq: 100, videoAlarms: [videoAlarm('VA-1'), videoAlarm('VA-2')] }) } });
  });
  afterEach(() => {
    conn.close();
    vi.useRealTimers();
  });

  it('listens to videoAlarm:updated on the same stream', () => {
    fake.fire('videoAlarm:updated', alarmDelta(101, videoAlarm('VA-3')));
    expect(useConsoleAlarms().byId.has('VA-3')).toBe(true);
    expect(useConsoleQueue().seq).toBe(101);
  });

  it('sends { alarmId, decision } acknowledged; a new case is told apart from one joined by fusion', async () => {
    const body = buildConfirm(videoAlarm('VA-1'), { severity: 2 });
    const sent = conn.decideAlarm('VA-1', body);
    const emit = fake.of('videoAlarm:decide')[0]!;
    expect(emit.request).toEqual({ alarmId: 'VA-1', decision: { action: 'confirm', severity: 2 } });
    expect(VideoAlarmDecision.parse((emit.request as { decision: unknown }).decision)).toEqual({ action: 'confirm', severity: 2 });
    // the case's delta arrives before the acknowledgement, as on a real connection
    const fresh = incident('E77', { source: 'video_ai', severity: 2 });
    fake.fire('incident:reported', { type: 'incident:reported', seq: 101, incident: fresh, entry: { seq: 101, incidentId: 'E77', type: 'reported', from: null, to: 'reported', actor: { kind: 'operator', id: 'u1' }, at: T0, note: null, data: null } });
    const confirmed = videoAlarm('VA-1', { status: 'confirmed', version: 2, incidentId: 'E77', decidedAt: T0 });
    emit.answer(null, { ok: true, data: { alarm: confirmed, incident: fresh } });
    expect(await sent).toMatchObject({ ok: true, joined: false, incident: { id: 'E77' } });
    expect(useConsoleAlarms().byId.get('VA-1')?.status).toBe('confirmed');
    expect(useConsoleAlarms().outcomeOf('VA-1')).toEqual({ incidentId: 'E77', joined: false, reports: 1 });

    // the second alarm joins E1, an open case the desk already held
    const joinedCase = incident('E1', { version: 2, reports: { count: 2, bySource: { patrol: 1, video_ai: 1 }, lastAt: T0 } });
    const second = conn.decideAlarm('VA-2', { action: 'confirm' });
    fake.of('videoAlarm:decide')[1]!.answer(null, { ok: true, data: { alarm: videoAlarm('VA-2', { status: 'confirmed', version: 2, incidentId: 'E1' }), incident: joinedCase } });
    expect(await second).toMatchObject({ ok: true, joined: true });
    expect(useConsoleAlarms().outcomeOf('VA-2')).toEqual({ incidentId: 'E1', joined: true, reports: 2 });
    expect(useConsoleQueue().byId.get('E1')?.version).toBe(2);
  });

  it('a refusal is the hub’s message; a silent hub and a lost connection are outcomes too', async () => {
    const refused = conn.decideAlarm('VA-1', { action: 'dismiss', note: '误报' });
    fake.of('videoAlarm:decide')[0]!.answer(null, { ok: false, error: 'ILLEGAL_TRANSITION', message: 'Alarm VA-1 was confirmed already by 李四' });
    expect(await refused).toEqual({ ok: false, code: 'ILLEGAL_TRANSITION', message: 'Alarm VA-1 was confirmed already by 李四' });
    expect(useConsoleAlarms().byId.get('VA-1')?.status).toBe('pending');
    const silent = conn.decideAlarm('VA-1', { action: 'dismiss', note: '误报' });
    fake.of('videoAlarm:decide')[1]!.answer(new Error('operation has timed out'));
    expect(await silent).toEqual({ ok: false, code: 'TIMEOUT', message: 'no answer' });
    fake.connected = false;
    expect(await conn.decideAlarm('VA-1', { action: 'dismiss', note: '误报' })).toEqual({ ok: false, code: 'OFFLINE', message: 'offline' });
  });
});
