import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { SubscribeRequest, SubscribeResult } from '@shared/schemas/live';
import { connectWall, type WallConnection, type WallSocket } from '../../web/src/socket';
import { useIncidentsStore } from '../../web/src/stores/incidents';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { incident, reported, snapshot, T0 } from './helpers/fixtures';
import { gzipAnswer } from './helpers/gzipAnswer';

type Handler = (...args: unknown[]) => void;
type AckWithTimeout = (err: Error | null, answer?: Ack<SubscribeResult>) => void;

/** Just enough of a Socket.IO client socket to drive the wall's protocol logic. */
class FakeSocket {
  connected = false;
  handlers = new Map<string, Set<Handler>>();
  subscriptions: { request: SubscribeRequest; answer: AckWithTimeout }[] = [];
  on(event: string, fn: Handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: Handler) {
    this.handlers.get(event)?.delete(fn);
    return this;
  }
  clockRequests: { request: { clientTime: number }; answer: (err: Error | null, answer?: Ack<{ clientTime: number; serverTime: number }>) => void }[] = [];
  timeout() {
    return {
      emit: (event: string, request: unknown, answer: unknown) => {
        if (event === 'time:sync') this.clockRequests.push({ request: request as { clientTime: number }, answer: answer as never });
        else this.subscriptions.push({ request: request as SubscribeRequest, answer: answer as AckWithTimeout });
      },
    };
  }
  connect() {
    this.connected = true;
    this.fire('connect');
    return this;
  }
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
  hello() {
    this.fire('hello', { protocolVersion: PROTOCOL_VERSION, serverTime: Date.now(), node: 'hub-a', rootRegion: '330200', centreName: '宁波市社会治理指挥中心' });
  }
  listenerCount() {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }
}

let fake: FakeSocket;
let conn: WallConnection;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  fake = new FakeSocket();
  conn = connectWall({ socket: fake as unknown as WallSocket, reload: () => {} });
});
afterEach(() => {
  conn.close();
  vi.useRealTimers();
});

describe('connection and subscription', () => {
  it('subscribes to the root region on hello, then applies the snapshot', () => {
    fake.connect();
    fake.hello();
    expect(fake.subscriptions).toHaveLength(1);
    const { request, answer } = fake.subscriptions[0]!;
    expect(request).toEqual({ protocolVersion: PROTOCOL_VERSION, region: '330200', layers: ['incidents', 'patrols', 'cameras', 'stats'], snapshotEncoding: 'gzip', alarmRegion: '330200' });
    // compressed, in parts, as the hub answers a wall
    answer(null, { ok: true, data: gzipAnswer(snapshot()) });
    expect(useLiveStore().status).toBe('live');
    expect(useLiveStore().seq).toBe(100);
  });

  it('measures the hub\'s clock by round trips on connecting, keeping the quickest, and hears the heartbeat', async () => {
    fake.connect();
    const live = useLiveStore();
    // four round trips, 250 ms apart: the hub is 5 s ahead; the second answer is slow
    const trips = [40, 2_000, 30, 60];
    for (const [k, trip] of trips.entries()) {
      expect(fake.clockRequests).toHaveLength(k + 1);
      const { request, answer } = fake.clockRequests[k]!;
      await vi.advanceTimersByTimeAsync(trip);
      answer(null, { ok: true, data: { clientTime: request.clientTime, serverTime: request.clientTime + trip / 2 + 5_000 } });
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(live.serverOffsetMs).toBe(5_000);
    expect(live.clockRoundTripMs).toBe(30);
    expect(fake.clockRequests).toHaveLength(4);
    fake.hello();
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    expect(live.serverOffsetMs).toBe(5_000); // neither the hello nor the snapshot moves a measured clock
    // the heartbeat alone keeps a quiet wall live
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      fake.fire('heartbeat', { serverTime: Date.now() + 5_000, seq: 100 });
    }
    expect(live.status).toBe('live');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(live.status).toBe('stale');
  });

  it('holds deltas that arrive while the subscription is in flight and replays the newer ones', () => {
    fake.connect();
    fake.hello();
    fake.fire('incident:reported', reported(incident('OLD'), 99)); // already in the snapshot
    fake.fire('incident:reported', reported(incident('NEW'), 101));
    expect(useIncidentsStore().byId.size).toBe(0);
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    const ids = [...useIncidentsStore().byId.keys()];
    expect(ids).toContain('NEW');
    expect(ids).not.toContain('OLD');
    expect(useLiveStore().seq).toBe(101);
  });

  it('after a reconnect it resumes from its last sequence number', () => {
    fake.connect();
    fake.hello();
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    fake.fire('incident:reported', reported(incident('N1'), 105));
    fake.disconnect();
    expect(useLiveStore().status).toBe('offline');
    fake.connect();
    fake.hello();
    expect(fake.subscriptions[1]!.request.lastSeq).toBe(105);
    fake.subscriptions[1]!.answer(null, { ok: true, data: { mode: 'resume', fromSeq: 105, seq: 130, deltas: [reported(incident('N2'), 120)] } });
    expect(useIncidentsStore().byId.has('N2')).toBe(true);
    expect(useLiveStore().seq).toBe(130);
    expect(useLiveStore().status).toBe('live');
  });

  it('sends the history its lastSeq belongs to, whatever hello says; the hub decides, and the wall takes what it answers', () => {
    const hello = (historyId: string) =>
      fake.fire('hello', { protocolVersion: PROTOCOL_VERSION, serverTime: Date.now(), node: 'hub-a', rootRegion: '330200', centreName: '中心', historyId });
    fake.connect();
    hello('run-a');
    expect(fake.subscriptions[0]!.request).not.toHaveProperty('historyId'); // nothing held yet
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ historyId: 'run-a' }) } });
    expect(useLiveStore().historyId).toBe('run-a');
    fake.fire('incident:reported', reported(incident('N1'), 105));

    // the hub restarted (a new id in hello): the wall still sends run-a's id with 105, not the new one
    fake.disconnect();
    fake.connect();
    hello('run-b');
    expect(fake.subscriptions[1]!.request).toMatchObject({ lastSeq: 105, historyId: 'run-a' });
    // a clean restart continues run-a: resumed, and from now on the wall holds run-b
    fake.subscriptions[1]!.answer(null, { ok: true, data: { mode: 'resume', fromSeq: 105, seq: 110, deltas: [], historyId: 'run-b' } });
    expect(useLiveStore().historyId).toBe('run-b');
    expect(useLiveStore().seq).toBe(110);

    // the store was restored from a backup: run-c does not know run-b, answers a snapshot of its own history
    fake.disconnect();
    fake.connect();
    hello('run-c');
    expect(fake.subscriptions[2]!.request).toMatchObject({ lastSeq: 110, historyId: 'run-b' });
    fake.subscriptions[2]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ seq: 140, historyId: 'run-c' }) } });
    expect(useLiveStore().historyId).toBe('run-c');
    expect(useLiveStore().seq).toBe(140);
    fake.disconnect();
    fake.connect();
    hello('run-c');
    expect(fake.subscriptions[3]!.request).toMatchObject({ lastSeq: 140, historyId: 'run-c' });
  });

  it('drill-down subscribes to the new region without lastSeq; a late answer for the old one is ignored', () => {
    fake.connect();
    fake.hello();
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    useLiveStore().subscribe('330203');
    useLiveStore().subscribe('330205');
    expect(fake.subscriptions[1]!.request).not.toHaveProperty('lastSeq');
    expect(fake.subscriptions[2]!.request.region).toBe('330205');
    fake.subscriptions[1]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ seq: 200, region: { ...snapshot().region, code: '330203' } }) } });
    expect(useLiveStore().seq).toBe(100);
  });

  it('an alarm elsewhere in the home region brings the wall home and raises the popup', () => {
    vi.useFakeTimers({ now: T0 });
    fake.connect();
    fake.hello();
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    // the tour shows another district
    useLiveStore().subscribe('330205');
    fake.subscriptions[1]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot({ seq: 101, region: { ...snapshot().region, code: '330205', level: 'district', parentCode: '330200' } }) } });
    expect(fake.subscriptions[1]!.request.alarmRegion).toBe('330200');
    const fire = incident('FIRE', { severity: 4, reportedAt: T0 - 1000 });
    fake.fire('alarm:raised', { seq: 150, incident: fire });
    expect(useWallStore().alarm?.id).toBe('FIRE');
    expect(fake.subscriptions[2]!.request.region).toBe('330200');
    // a minor case on the same channel would not alarm (the hub only sends serious ones, but the rule holds)
    fake.fire('alarm:raised', { seq: 151, incident: incident('MINOR', { severity: 1, reportedAt: T0 }) });
    expect(useWallStore().alarmQueue.map((i) => i.id)).not.toContain('MINOR');
  });

  it('resync asks for a fresh snapshot', () => {
    fake.connect();
    fake.hello();
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    fake.fire('resync', { reason: 'buffer overflow' });
    expect(fake.subscriptions[1]!.request).not.toHaveProperty('lastSeq');
  });

  it('hub:status says whether the hub takes changes; the wall keeps its subscription and its data', () => {
    fake.connect();
    fake.hello();
    fake.subscriptions[0]!.answer(null, { ok: true, data: { mode: 'snapshot', snapshot: snapshot() } });
    const live = useLiveStore();
    expect(live.hubStatus).toBeNull(); // this hello said nothing
    fake.fire('hub:status', { writes: 'unavailable', reason: 'a write has waited 1.1 s', since: T0 });
    expect(live.hubStatus).toEqual({ writes: 'unavailable', reason: 'a write has waited 1.1 s', since: T0 });
    expect(live.status).toBe('live');
    expect(fake.subscriptions).toHaveLength(1);
    fake.fire('hub:status', { writes: 'ok', reason: null, since: T0 + 5_000 });
    expect(live.hubStatus?.writes).toBe('ok');
  });

  it('a hub with another protocol version is not subscribed to, and the page reloads later', () => {
    const reload = vi.fn();
    conn.close();
    fake = new FakeSocket();
    conn = connectWall({ socket: fake as unknown as WallSocket, reload, reloadAfterMismatchMs: 30_000 });
    fake.connect();
    fake.fire('hello', { protocolVersion: PROTOCOL_VERSION + 1, serverTime: T0, node: 'x', rootRegion: '330200', centreName: '宁波市社会治理指挥中心' });
    expect(fake.subscriptions).toHaveLength(0);
    expect(useLiveStore().problem?.code).toBe('PROTOCOL_MISMATCH');
    vi.advanceTimersByTime(30_000);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('a wall the hub refuses (a revoked kiosk link) says so, asks again later, and clears it when taken', () => {
    const live = useLiveStore();
    const connects = vi.spyOn(fake, 'connect');
    fake.fire('connect_error', Object.assign(new Error('refused'), { data: { error: 'LINK_INVALID', message: 'This wall link was revoked.' } }));
    expect(live.problem).toEqual({ code: 'LINK_INVALID', message: 'This wall link was revoked.' });
    expect(connects).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30_000);
    expect(connects).toHaveBeenCalledOnce();
    fake.hello();
    expect(live.problem).toBeNull();
    // the hub itself closed the connection (the link was revoked while shown): the wall asks again to learn why
    fake.fire('disconnect', 'io server disconnect');
    vi.advanceTimersByTime(1_000);
    expect(connects).toHaveBeenCalledTimes(2);
  });

  it('a subscription that times out is retried', () => {
    fake.connect();
    fake.hello();
    fake.subscriptions[0]!.answer(new Error('timeout'));
    vi.advanceTimersByTime(3_000);
    expect(fake.subscriptions).toHaveLength(2);
  });

  it('close() removes every listener it added', () => {
    expect(fake.listenerCount()).toBeGreaterThan(0);
    conn.close();
    expect(fake.listenerCount()).toBe(0);
  });
});
