/**
 * The connection caps' bookkeeping (server/transport/socket/connectionCaps.ts) on stand-in sockets:
 * a counted connection gives its place back exactly once, whether it disconnects after connecting
 * or its transport closes before Socket.IO connected it (a handshake that failed after it was
 * counted); one whose transport closed before it was counted takes no place. The integration test
 * (tests/integration/connectionCaps.test.ts) drives the same caps with real clients.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { connectionCaps } from '../../server/transport/socket/connectionCaps';

interface FakeSocket extends EventEmitter {
  handshake: { address: string };
  data: { principal?: { user: { username: string } } | null };
  conn: EventEmitter & { readyState: string };
}

function fakeSocket(address: string, username?: string): FakeSocket {
  const conn = Object.assign(new EventEmitter(), { readyState: 'open' });
  return Object.assign(new EventEmitter(), { handshake: { address }, data: { principal: username ? { user: { username } } : null }, conn });
}

/** runs a middleware and says what it passed to next (undefined: let through) */
function run(middleware: (socket: never, next: (err?: Error) => void) => void, socket: FakeSocket): (Error & { data?: { error: string } }) | undefined {
  let result: Error | undefined | 'not called' = 'not called';
  middleware(socket as never, (err) => (result = err));
  if (result === 'not called') throw new Error('the middleware did not call next');
  return result;
}

describe('connection caps', () => {
  it('counts per address and per user, refuses beyond either, and takes nothing for a refusal', () => {
    const caps = connectionCaps({ perAddress: 3, perUser: 1 });
    expect(run(caps.admit, fakeSocket('10.0.0.1', 'ann'))).toBeUndefined();
    expect(run(caps.admit, fakeSocket('10.0.0.1', 'ann'))?.data?.error).toBe('TOO_MANY_CONNECTIONS');
    expect(caps.held('10.0.0.1', 'ann')).toEqual({ address: 1, user: 1 });
    expect(run(caps.admit, fakeSocket('10.0.0.1'))).toBeUndefined();
    expect(run(caps.admit, fakeSocket('10.0.0.1'))).toBeUndefined();
    expect(run(caps.screen, fakeSocket('10.0.0.1'))?.data?.error).toBe('TOO_MANY_CONNECTIONS');
    expect(run(caps.screen, fakeSocket('10.0.0.2'))).toBeUndefined();
    expect(Object.fromEntries(caps.refused)).toEqual({ user: 1, address: 1 });
  });

  it('a connection that disconnects gives its place back once, however many ends it has', () => {
    const caps = connectionCaps({ perAddress: 2, perUser: 2 });
    const socket = fakeSocket('10.0.0.1', 'ann');
    run(caps.admit, socket);
    run(caps.admit, fakeSocket('10.0.0.1', 'ann'));
    socket.emit('disconnect');
    socket.conn.emit('close');
    expect(caps.held('10.0.0.1', 'ann')).toEqual({ address: 1, user: 1 });
  });

  it('a handshake that fails after it was counted (its transport closes before it connects) gives its place back', () => {
    const caps = connectionCaps({ perAddress: 1, perUser: 1 });
    const socket = fakeSocket('10.0.0.1', 'ann');
    run(caps.admit, socket);
    expect(caps.held('10.0.0.1', 'ann')).toEqual({ address: 1, user: 1 });
    socket.conn.readyState = 'closed';
    socket.conn.emit('close'); // Socket.IO never connects it: no disconnect follows
    expect(caps.held('10.0.0.1', 'ann')).toEqual({ address: 0, user: 0 });
    expect(run(caps.admit, fakeSocket('10.0.0.1', 'ann'))).toBeUndefined();
  });

  it('a connection whose transport closed during its authentication is let through uncounted (Socket.IO drops it)', () => {
    const caps = connectionCaps({ perAddress: 1, perUser: 1 });
    const socket = fakeSocket('10.0.0.1', 'ann');
    socket.conn.readyState = 'closed';
    expect(run(caps.admit, socket)).toBeUndefined();
    expect(caps.held('10.0.0.1', 'ann')).toEqual({ address: 0, user: 0 });
  });
});
