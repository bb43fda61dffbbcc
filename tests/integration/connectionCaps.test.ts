/**
 * Live connections per address and per signed-in user or kiosk link (issue 17 part 1) against a
 * real hub and real Socket.IO clients, all from 127.0.0.1: beyond its cap a handshake is refused
 * with TOO_MANY_CONNECTIONS, read by the client in connect_error; a connection that closes gives
 * its place back (waited for on the hub's side of it, not by time); a refusal takes no place; the
 * refusals are counted in /metrics.
 */
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { MadeKioskLink } from '@shared/schemas/accessKeys';
import { connectClient, signedInUser, startTestHub, TEST_PASSWORD, type TestClient, type TestHub } from './harness';

let t: TestHub | undefined;
const open: TestClient[] = [];

afterEach(async () => {
  for (const socket of open.splice(0)) socket.close();
  await t?.close();
  t = undefined;
});

/** a connection that gets its hello */
async function connected(url: string, token?: string): Promise<TestClient> {
  const { socket } = await connectClient(url, token);
  open.push(socket);
  return socket;
}

/** a connection the hub refuses: the refusal's data, as the client reads it in connect_error */
function refused(url: string, token?: string): Promise<{ error?: string; message?: string; details?: { limit: number; by: string } }> {
  const socket: TestClient = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) });
  open.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('hello', () => reject(new Error('the hub accepted a connection beyond its cap')));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve((error.data ?? {}) as never));
  });
}

/** closes a client and resolves once the hub has seen it go (its place is free from then on) */
async function closeAndWait(hub: TestHub, socket: TestClient): Promise<void> {
  const onHub = hub.app.io.sockets.sockets.get(socket.id!);
  expect(onHub).toBeDefined();
  const gone = new Promise<void>((resolve) => onHub!.once('disconnect', () => resolve()));
  socket.close();
  await gone;
}

async function metric(hub: TestHub, line: string): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('connections per address', () => {
  it('cap 3: three connect, the fourth is refused TOO_MANY_CONNECTIONS; once one closes a new one is accepted', async () => {
    t = await startTestHub({ socketConnections: { perAddress: 3 } });
    const first = await connected(t.url);
    await connected(t.url);
    await connected(t.url);
    const fourth = await refused(t.url);
    expect(fourth).toMatchObject({ error: 'TOO_MANY_CONNECTIONS', details: { limit: 3, by: 'address' } });
    expect(fourth.message).toMatch(/3 live connections/);
    // a signed-in user from the same address is held by the address too (and its session is not looked up)
    const op = await signedInUser(t, 'addr-op', 'operator');
    expect(await refused(t.url, op.token)).toMatchObject({ error: 'TOO_MANY_CONNECTIONS', details: { by: 'address' } });
    expect(await metric(t, 'gcw_socket_connections_refused_total{by="address"}')).toBe(2);

    await closeAndWait(t, first);
    const again = await connected(t.url, op.token);
    expect(again.connected).toBe(true);
    expect(await refused(t.url)).toMatchObject({ error: 'TOO_MANY_CONNECTIONS' });
  });

  it('the test harness is unbounded by default: fifty connections from one address all connect', async () => {
    t = await startTestHub();
    const sockets = await Promise.all(Array.from({ length: 50 }, () => connected(t!.url)));
    expect(sockets.every((s) => s.connected)).toBe(true);
  });
});

describe('connections per signed-in user and kiosk link', () => {
  it('cap 2 per user: a third connection of the same user is refused, whatever its session; other users and anonymous walls go on; a closed one frees its place', async () => {
    t = await startTestHub({ socketConnections: { perAddress: 5, perUser: 2 } });
    const watcher = await signedInUser(t, 'watcher', 'viewer');
    // a second sign-in of the same person is a second session, and the same user
    const { token: secondSession } = await t.app.accounts.signIn({ username: 'watcher', password: TEST_PASSWORD }, { channel: 'http', address: '127.0.0.1', userAgent: 'test' }, 'bearer');
    const first = await connected(t.url, watcher.token);
    await connected(t.url, secondSession);
    const third = await refused(t.url, watcher.token);
    expect(third).toMatchObject({ error: 'TOO_MANY_CONNECTIONS', details: { limit: 2, by: 'user' } });

    const other = await signedInUser(t, 'other', 'viewer');
    await connected(t.url, other.token);
    // the user's refusal took no place of the address: 3 held of 5, two more connect, then the address is full
    const anonymous = await connected(t.url);
    await connected(t.url);
    expect(await refused(t.url)).toMatchObject({ details: { by: 'address' } });
    expect(await metric(t, 'gcw_socket_connections_refused_total{by="user"}')).toBe(1);

    await closeAndWait(t, first);
    await closeAndWait(t, anonymous); // the address has room again
    expect((await connected(t.url, secondSession)).connected).toBe(true);
    expect(await refused(t.url, watcher.token)).toMatchObject({ details: { by: 'user' } });
  });

  it('a kiosk link counts as one principal, from however many screens', async () => {
    t = await startTestHub({ socketConnections: { perAddress: 100, perUser: 2 } });
    const admin = await signedInUser(t, 'keeper', 'admin');
    const res = await fetch(`${t.url}/api/access-keys/kiosk`, {
      method: 'POST',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ label: '三楼大屏', regionCode: t.hub.geo.rootCode, expiresInHours: 8 }),
    });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as MadeKioskLink;
    const screen = await connected(t.url, token);
    await connected(t.url, token);
    expect(await refused(t.url, token)).toMatchObject({ error: 'TOO_MANY_CONNECTIONS', details: { by: 'user' } });
    await closeAndWait(t, screen);
    expect((await connected(t.url, token)).connected).toBe(true);
  });
});
