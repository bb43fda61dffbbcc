/**
 * What a wall's freshness rests on, over a real Socket.IO connection: a heartbeat every second to
 * every connection (subscribed or not) with the hub's clock and sequence number, and `time:sync`
 * answered at once with the hub's clock — a bad request refused with a stable code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '@shared/events';
import { HEARTBEAT_MS, type TimeSyncAnswer } from '@shared/schemas/live';
import { connectClient, nextEvent, startTestHub, type TestClient, type TestHub } from './harness';

let t: TestHub;
let socket: TestClient;
beforeAll(async () => {
  t = await startTestHub({ fusion: 'off' });
  socket = (await connectClient(t.url)).socket;
});
afterAll(async () => {
  socket.close();
  await t.close();
});

const sync = (request: unknown) =>
  new Promise<Ack<TimeSyncAnswer>>((resolve) => (socket as unknown as { emit(e: string, r: unknown, a: (x: Ack<TimeSyncAnswer>) => void): void }).emit('time:sync', request, resolve));

describe('heartbeat and clock', () => {
  it('beats about once a second with the hub clock and sequence, before any subscription', async () => {
    const first = await nextEvent(socket, 'heartbeat');
    const second = await nextEvent(socket, 'heartbeat');
    expect(first.seq).toBe(t.hub.seq);
    expect(second.serverTime - first.serverTime).toBeGreaterThanOrEqual(HEARTBEAT_MS * 0.5);
    expect(Math.abs(second.serverTime - Date.now())).toBeLessThan(60_000); // the hub's clock is this machine's
  });

  it('answers time:sync with the hub clock and the request echoed; refuses a malformed one', async () => {
    const clientTime = Date.now();
    const answer = await sync({ clientTime });
    expect(answer.ok).toBe(true);
    if (answer.ok) {
      expect(answer.data.clientTime).toBe(clientTime);
      expect(answer.data.serverTime).toBeGreaterThanOrEqual(clientTime - 1);
      expect(answer.data.serverTime).toBeLessThanOrEqual(Date.now() + 1);
    }
    const bad = await sync({ clientTime: 'yesterday' });
    expect(bad).toMatchObject({ ok: false, error: 'VALIDATION_FAILED' });
  });
});
