/**
 * Bounds per socket connection (issue 17 part 1) against a real hub: a client flooding reports is
 * answered RATE_LIMITED beyond its rate, at once, with nothing done for those — while a bystander
 * wall keeps its heartbeats; a raw client that asks for snapshots and never reads its socket is
 * dropped once it holds more than the bound unread, instead of the hub buffering without end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION, type Ack } from '@shared/events';
import type { Incident } from '@shared/schemas/incident';
import { connectClient, grids, nextEvent, signedInUser, startTestHub, type TestHub } from './harness';

const HTTP_WRITES = 10;
const LIMITS = { commandsPerSecond: 10, subscribesPer10s: 1_000, readsPerSecond: 20, maxPendingBytes: 2 * 1024 * 1024, plainLargeAnswers: 1_000 };
let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off', socketLimits: LIMITS, coordination: { rules: [] }, httpWritesPerSecond: HTTP_WRITES });
});
afterAll(async () => {
  await t?.close();
});

describe('socket bounds', () => {
  it('a flood of reports from one connection: beyond the rate each is refused RATE_LIMITED at once and stores nothing; a bystander wall keeps its heartbeat', async () => {
    const op = await signedInUser(t, 'flooder', 'operator');
    const { socket: flooder } = await connectClient(t.url, op.token);
    const { socket: bystander } = await connectClient(t.url);
    const before = t.hub.incidents.size;
    const [lng, lat] = grids()[0]!.center;
    const sends = Array.from({ length: 300 }, (_, i) =>
      new Promise<Ack<Incident>>((resolve) =>
        flooder.emit('incident:report', { incident: { source: 'patrol', category: 'dispute', severity: 1, title: `洪水${i}`, location: { lng: lng + i * 1e-6, lat }, reporter: { kind: 'patrol' } } }, resolve),
      ),
    );
    const answers = await Promise.all(sends);
    const accepted = answers.filter((a) => a.ok).length;
    const limited = answers.filter((a) => !a.ok && a.error === 'RATE_LIMITED');
    expect(accepted + limited.length).toBe(300);
    // the limiter's window is a second: a slow machine may spread the burst over two or three
    expect(accepted).toBeGreaterThanOrEqual(LIMITS.commandsPerSecond);
    expect(accepted).toBeLessThan(100);
    expect((limited[0] as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThan(0);
    expect(t.hub.incidents.size - before).toBe(accepted);
    // the bystander still hears the hub
    await nextEvent(bystander, 'heartbeat');
    // after the window the limiter named, the same connection may report again: tried when it says, until it takes it
    const report = () =>
      new Promise<Ack<Incident>>((resolve) =>
        flooder.emit('incident:report', { incident: { source: 'patrol', category: 'dispute', severity: 1, title: '稍后', location: { lng, lat }, reporter: { kind: 'patrol' } } }, resolve),
      );
    let again = await report();
    for (let attempt = 0; attempt < 20 && !again.ok && again.error === 'RATE_LIMITED'; attempt++) {
      await new Promise((r) => setTimeout(r, (again as { details: { retryAfterMs: number } }).details.retryAfterMs));
      again = await report();
    }
    expect(again.ok).toBe(true);
    flooder.close();
    bystander.close();
  });

  it('a client that asks for snapshots and never reads is dropped once it holds more than the bound unread', async () => {
    const root = t.hub.geo.rootCode;
    // the hub's side of this connection: its disconnect is the event this test waits for
    const droppedByHub = new Promise<void>((resolve) => t.app.io.once('connection', (socket) => socket.once('disconnect', () => resolve())));
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve()); // Engine.IO's open packet
      ws.once('error', reject);
    });
    ws.send('40'); // Socket.IO connect
    await new Promise<void>((resolve) => ws.once('message', () => resolve())); // the connect answer
    expect(t.app.io.sockets.sockets.size).toBe(1);
    // stop reading: the hub's answers pile up in its buffers
    const raw = (ws as unknown as { _socket: { pause(): void } })._socket;
    raw.pause();
    const subscribe = JSON.stringify(['subscribe', { protocolVersion: PROTOCOL_VERSION, region: root, layers: ['incidents', 'patrols', 'cameras', 'stats'] }]);
    for (let i = 0; i < 400 && ws.readyState === WebSocket.OPEN; i++) {
      ws.send(`42${i}${subscribe}`);
      if (i % 20 === 19) await new Promise((r) => setImmediate(r)); // let the hub turn: it answers, we do not read
    }
    // the hub closes it while we still do not read (long before Engine.IO's 45 s ping timeout could);
    // it cannot tell us while we do not read: the TCP close arrives when we resume
    await droppedByHub;
    raw.pause = () => {};
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    expect(t.app.io.sockets.sockets.size).toBe(0);
  });
});

describe('HTTP write bounds', () => {
  it('a flood of reports from one session over HTTP: beyond the rate each is refused 429 RATE_LIMITED and stores nothing; another session is not held back', async () => {
    const flooder = await signedInUser(t, 'httpflooder', 'operator');
    const calm = await signedInUser(t, 'httpcalm', 'operator');
    const [lng, lat] = grids()[1]!.center;
    const post = (who: typeof flooder, i: number) =>
      fetch(`${t.url}/api/incidents`, {
        method: 'POST',
        headers: { ...who.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'patrol', category: 'dispute', severity: 1, title: `HTTP洪水${i}`, location: { lng: lng + i * 1e-6, lat }, reporter: { kind: 'patrol' } }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { id?: string; error?: string; details?: { retryAfterMs?: number } } }));
    const before = t.hub.incidents.size;
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => post(flooder, i)));
    const accepted = answers.filter((a) => a.status === 201);
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted.length + limited.length).toBe(100);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body).toMatchObject({ error: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });
    // stored: exactly the accepted ones (recounted from the hub's memory of cases, not from the answers' count)
    expect(t.hub.incidents.size - before).toBe(accepted.length);
    expect((await post(calm, 1_000)).status).toBe(201);
  });
});
