/**
 * The console's connection against a fake socket: hello (with `me`) → subscribe to the user's
 * region, incidents only → snapshot; deltas applied once (seq); resume with lastSeq after a
 * reconnect; the session's end on `auth:ended` or an anonymous hello; commands acknowledged.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION } from '@shared/events';
import type { Me } from '@shared/schemas/auth';
import type { SubscribeRequest } from '@shared/schemas/live';
import { connectConsole, type ConsoleConnection, type ConsoleSocket } from '../../web/src/console/connection';
import { useConsoleQueue } from '../../web/src/console/stores/queue';
import { FakeSocket } from './helpers/fakeSocket';
import { incident, reported, snapshot, T0, updated } from './helpers/fixtures';
import { gzipAnswer } from './helpers/gzipAnswer';

const ME: Me = {
  signedIn: true,
  user: { username: 'op1', displayName: '值班员甲', role: 'operator', regionCode: '330203', disabled: false, createdAt: T0, passwordChangedAt: T0 },
  expiresAt: T0 + 8 * 3_600_000,
  anonymous: 'none',
};
const hello = (me: Me = ME) => ({ protocolVersion: PROTOCOL_VERSION, serverTime: T0, node: 'hub-a', rootRegion: '330200', centreName: '中心', me });
const HAISHU = { ...snapshot().region, code: '330203', level: 'district' as const, parentCode: '330200' };

let fake: FakeSocket;
let conn: ConsoleConnection;
const onMe = vi.fn();
const onEnded = vi.fn();

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  fake = new FakeSocket();
  onMe.mockReset();
  onEnded.mockReset();
  conn = connectConsole({ socket: fake as unknown as ConsoleSocket, onMe, onEnded, texts: { noAnswer: 'no answer', offline: 'offline', protocol: 'reload' } });
});
afterEach(() => {
  conn.close();
  vi.useRealTimers();
});

function live(): void {
  fake.connect();
  fake.fire('hello', hello());
  fake.of('subscribe')[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ region: HAISHU }) } });
}

describe('the console’s connection', () => {
  it('subscribes to the signed-in user’s region, incidents only, and applies the snapshot', () => {
    fake.connect();
    fake.fire('hello', hello());
    expect(onMe).toHaveBeenCalledWith(ME);
    const request = fake.of('subscribe')[0]!.request as SubscribeRequest;
    expect(request).toEqual({ protocolVersion: PROTOCOL_VERSION, region: '330203', layers: ['incidents'], fullLayers: ['incidents'], snapshotEncoding: 'gzip' });
    // compressed, in parts, as the hub answers a console
    fake.of('subscribe')[0]!.answer(null, { ok: true, data: gzipAnswer(snapshot({ region: HAISHU })) });
    const queue = useConsoleQueue();
    expect(queue.status).toBe('live');
    expect([...queue.byId.keys()]).toEqual(['E1', 'E2']);
  });

  it('a handshake the hub refuses (too many connections) is said in the header and asked again later; an ended session ends the console', async () => {
    fake.fire('connect_error', Object.assign(new Error('refused'), { data: { error: 'TOO_MANY_CONNECTIONS', message: 'Too many connections from this address.' } }));
    const queue = useConsoleQueue();
    expect(queue.problem).toEqual({ code: 'TOO_MANY_CONNECTIONS', message: 'Too many connections from this address.' });
    const connect = vi.spyOn(fake, 'connect');
    await vi.advanceTimersByTimeAsync(29_000);
    expect(connect).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(connect).toHaveBeenCalledTimes(1);
    fake.fire('connect_error', Object.assign(new Error('refused'), { data: { error: 'SESSION_EXPIRED', message: 'Your session has expired.' } }));
    expect(onEnded).toHaveBeenCalledWith('Your session has expired.');
  });

  it('applies each delta once and drops those not newer than the last seen', () => {
    live();
    const queue = useConsoleQueue();
    fake.fire('incident:reported', reported(incident('N1'), 101));
    fake.fire('incident:updated', updated(incident('N1', { stage: 'registered', version: 2 }), 102, 'register'));
    fake.fire('incident:updated', updated(incident('N1', { stage: 'reported', version: 1 }), 102, 'register'));
    fake.fire('incident:updated', updated(incident('N1', { stage: 'reported', version: 1 }), 99, 'register'));
    expect(queue.byId.get('N1')?.stage).toBe('registered');
    expect(queue.seq).toBe(102);
  });

  it('after a reconnect it resumes from its last sequence number', () => {
    live();
    fake.fire('incident:reported', reported(incident('N1'), 105));
    fake.disconnect();
    expect(useConsoleQueue().status).toBe('offline');
    fake.connect();
    fake.fire('hello', hello());
    const again = fake.of('subscribe')[1]!;
    expect((again.request as SubscribeRequest).lastSeq).toBe(105);
    again.answer(null, { ok: true, data: { mode: 'resume', fromSeq: 105, seq: 130, deltas: [reported(incident('N2'), 120)] } });
    expect(useConsoleQueue().byId.has('N2')).toBe(true);
    expect(useConsoleQueue().seq).toBe(130);
    expect(useConsoleQueue().status).toBe('live');
  });

  it('sends the history of its lastSeq and takes the one the hub answers with', () => {
    fake.connect();
    fake.fire('hello', hello());
    fake.of('subscribe')[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ region: HAISHU, historyId: 'run-a' }) } });
    expect(useConsoleQueue().historyId).toBe('run-a');
    fake.fire('incident:reported', reported(incident('N1'), 105));
    fake.disconnect();
    fake.connect();
    fake.fire('hello', hello());
    const again = fake.of('subscribe')[1]!;
    expect(again.request).toMatchObject({ lastSeq: 105, historyId: 'run-a' });
    again.answer(null, { ok: true, data: { mode: 'resume', fromSeq: 105, seq: 105, deltas: [], historyId: 'run-b' } });
    expect(useConsoleQueue().historyId).toBe('run-b');
  });

  it('a hello without a signed-in user, or auth:ended, ends the session', () => {
    fake.connect();
    fake.fire('hello', hello({ signedIn: false, user: null, expiresAt: null, anonymous: 'read' }));
    expect(onEnded).toHaveBeenCalledWith(null);
    expect(fake.of('subscribe')).toHaveLength(0);
    fake.fire('auth:ended', { reason: 'signed out elsewhere' });
    expect(onEnded).toHaveBeenLastCalledWith('signed out elsewhere');
  });

  it('sends commands with acknowledgement and stores the case the hub answers with', async () => {
    live();
    const sent = conn.sendCommand('E1', { action: 'register', expectedVersion: 1 });
    const emit = fake.of('incident:command')[0]!;
    expect(emit.request).toEqual({ incidentId: 'E1', command: { action: 'register', expectedVersion: 1 } });
    emit.answer(null, { ok: true, data: incident('E1', { stage: 'registered', version: 2 }) });
    expect(await sent).toMatchObject({ ok: true });
    expect(useConsoleQueue().byId.get('E1')?.stage).toBe('registered');
  });

  it('a refusal, a silent hub and a lost connection are outcomes, not exceptions', async () => {
    live();
    const refused = conn.sendCommand('E1', { action: 'close', expectedVersion: 1 });
    fake.of('incident:command')[0]!.answer(null, { ok: false, error: 'ILLEGAL_TRANSITION', message: 'not from reported' });
    expect(await refused).toEqual({ ok: false, code: 'ILLEGAL_TRANSITION', message: 'not from reported' });
    const silent = conn.sendCommand('E1', { action: 'register', expectedVersion: 1 });
    fake.of('incident:command')[1]!.answer(new Error('operation has timed out'));
    expect(await silent).toEqual({ ok: false, code: 'TIMEOUT', message: 'no answer' });
    fake.disconnect();
    expect(await conn.sendCommand('E1', { action: 'register' })).toEqual({ ok: false, code: 'OFFLINE', message: 'offline' });
  });

  it('a hub that speaks another protocol is not subscribed to, and the desk says to reload', () => {
    fake.connect();
    fake.fire('hello', { ...hello(), protocolVersion: PROTOCOL_VERSION + 1 });
    expect(fake.of('subscribe')).toHaveLength(0);
    expect(useConsoleQueue().problem).toEqual({ code: 'PROTOCOL_MISMATCH', message: 'reload' });
  });

  it('close() removes every listener it added', () => {
    conn.close();
    let n = 0;
    for (const set of fake.handlers.values()) n += set.size;
    expect(n).toBe(0);
  });
});
