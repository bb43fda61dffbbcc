/**
 * How many live connections one address, and one signed-in user or kiosk link, may hold at once
 * (issue 17 part 1).
 *
 * Every other bound of the socket is per connection: its command rates, its one subscription
 * answer at a time, the unread output after which it is dropped (limits.ts, answerSlot.ts). A
 * client that opens a thousand connections has a thousand of each. These caps bound the multiple:
 * a handshake beyond them is refused with `TOO_MANY_CONNECTIONS`, which the client reads in
 * `connect_error` (`err.data.error`), before it costs a snapshot.
 *
 * Two middlewares, in this order around the gateway's own (liveGateway.ts, which finds who the
 * connection is):
 * - `screen`, before it: an address already at its cap is refused without a session lookup;
 * - `admit`, after it and last of all: counts the connection against its address and, when it
 *   carries one, its principal (a user's name, or `kiosk:<id>` for a wall link), or refuses it.
 * A counted connection gives its place back when it disconnects, and also when its transport
 * closes before Socket.IO connected it (the client went away during the handshake): nothing after
 * `admit` can refuse it, so those are the only two ends it can have.
 */
import { HubError } from '@shared/errors';
import type { HubServer } from './liveGateway';

type Middleware = Parameters<HubServer['use']>[0];
type HubSocket = Parameters<Middleware>[0];

export interface ConnectionCapsSettings {
  /** live connections from one remote address (SOCKET_CONNECTIONS_PER_ADDRESS) */
  perAddress: number;
  /** live connections of one signed-in user or kiosk link, from any address (SOCKET_CONNECTIONS_PER_USER) */
  perUser: number;
}

/**
 * A district's centre often reaches a city's hub through one NAT: every screen of its video wall
 * (one browser each, a 4×6 wall is 24), its operators' consoles and a supervisor's tabs share one
 * address. 200 leaves room for that several times over and still bounds one host's multiple of the
 * per-connection bounds. A user's or a link's 50 allows one wall account or one kiosk link opened
 * on every screen of a large wall. A hub behind a reverse proxy sees the proxy's address for all:
 * raise the per-address cap there (the per-user one still holds).
 */
export const DEFAULT_CONNECTION_CAPS: ConnectionCapsSettings = { perAddress: 200, perUser: 50 };

export type CapKind = 'address' | 'user';

export interface ConnectionCaps {
  /** before the gateway's authentication: refuses an address that is full already */
  screen: Middleware;
  /** after it, last: counts the connection or refuses it */
  admit: Middleware;
  /** refusals since start by what was full: for /metrics */
  readonly refused: ReadonlyMap<CapKind, number>;
  /** connections counted now from `address` and for `principal` */
  held(address: string, principal?: string): { address: number; user: number };
}

export function connectionCaps(settings: ConnectionCapsSettings): ConnectionCaps {
  const byAddress = new Map<string, number>();
  const byUser = new Map<string, number>();
  const refused = new Map<CapKind, number>();
  const addressOf = (socket: HubSocket) => socket.handshake.address || 'unknown';

  const refuse = (kind: CapKind, limit: number): Error & { data: unknown } => {
    refused.set(kind, (refused.get(kind) ?? 0) + 1);
    const message =
      kind === 'address'
        ? `This address has ${limit} live connections to the hub open already (its limit); close one, or ask the centre to raise SOCKET_CONNECTIONS_PER_ADDRESS.`
        : `This user (or wall link) has ${limit} live connections to the hub open already (its limit); close one on another screen or tab.`;
    const error = new HubError('TOO_MANY_CONNECTIONS', message, { limit, by: kind });
    return Object.assign(new Error(error.message), { data: error.toBody() });
  };
  const drop = (counts: Map<string, number>, key: string) => {
    const n = (counts.get(key) ?? 0) - 1;
    if (n > 0) counts.set(key, n);
    else counts.delete(key);
  };

  return {
    refused,
    held: (address, principal) => ({ address: byAddress.get(address) ?? 0, user: principal ? (byUser.get(principal) ?? 0) : 0 }),

    screen(socket, next) {
      if ((byAddress.get(addressOf(socket)) ?? 0) >= settings.perAddress) return next(refuse('address', settings.perAddress));
      next();
    },

    admit(socket, next) {
      // the client left while it was being authenticated: Socket.IO drops it without connecting it
      if (socket.conn.readyState !== 'open') return next();
      const address = addressOf(socket);
      const user = socket.data.principal?.user.username ?? null;
      // checked and counted in one synchronous step: handshakes that waited for their lookups side by side cannot all pass
      if ((byAddress.get(address) ?? 0) >= settings.perAddress) return next(refuse('address', settings.perAddress));
      if (user !== null && (byUser.get(user) ?? 0) >= settings.perUser) return next(refuse('user', settings.perUser));
      byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
      if (user !== null) byUser.set(user, (byUser.get(user) ?? 0) + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        socket.conn.off('close', release);
        drop(byAddress, address);
        if (user !== null) drop(byUser, user);
      };
      socket.once('disconnect', release);
      socket.conn.once('close', release);
      next();
    },
  };
}
