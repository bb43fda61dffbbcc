/**
 * permessage-deflate only for large messages (snapshots): ws applies the threshold only without
 * server context takeover, so the hub must negotiate that; otherwise every acknowledgement and
 * delta is deflated (a third of the hub's CPU in the intake benchmark).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Ack } from '@shared/events';
import { connectClient, startTestHub, type TestHub } from './harness';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await t.close();
});

/** the ws WebSocket under socket.io-client in Node: its negotiated extensions and its TCP socket */
interface RawWebSocket {
  _extensions: Record<string, { params: Record<string, unknown> }>;
  _socket: NodeJS.EventEmitter;
}

it('negotiates deflate without server context takeover and sends a small acknowledgement uncompressed', async () => {
  const { socket } = await connectClient(t.url);
  try {
    const ws = (socket.io.engine.transport as unknown as { ws: RawWebSocket }).ws;
    expect(ws._extensions['permessage-deflate']?.params).toMatchObject({ server_no_context_takeover: true });
    const firstBytes: number[] = [];
    const tap = (chunk: Buffer) => firstBytes.push(chunk[0]!);
    ws._socket.on('data', tap);
    const ack = await new Promise<Ack<unknown>>((resolve) => socket.emit('auth:me', {}, resolve));
    ws._socket.off('data', tap);
    expect(ack.ok).toBe(true);
    // 0x81: a final text frame with RSV1 (compressed) clear; 0xC1 would be deflated
    expect(firstBytes[0]).toBe(0x81);
  } finally {
    socket.close();
  }
});
