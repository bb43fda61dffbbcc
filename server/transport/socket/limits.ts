/**
 * Bounds on what one Socket.IO connection may cost the hub (issue 17 part 1).
 *
 * - **Command rates**, per connection and per kind, with a maintained limiter
 *   (rate-limiter-flexible, in memory): beyond its rate a command is answered at once
 *   `RATE_LIMITED` (with the wait) and does nothing. One client sending 100,000 reports in 7 s
 *   queued them all, held health checks over 3 s for a minute and starved a bystander wall.
 * - **Unread output**: a client that does not read its socket makes every answer wait in the
 *   hub's memory (Engine.IO's write buffer, then the WebSocket's). 150 unread city snapshots took
 *   the hub from 566 MB to a heap-out-of-memory crash. A connection holding more than
 *   `maxPendingBytes` unsent is dropped — checked before a snapshot is answered and every second.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Server, Socket } from 'socket.io';

export interface SocketLimits {
  /** steps of the closed loop, reports, decisions, focus and alert commands: per second */
  commandsPerSecond: number;
  /** subscriptions (drill-down, tour): per ten seconds */
  subscribesPer10s: number;
  /** cheap reads (auth:me, time:sync): per second */
  readsPerSecond: number;
  /** unsent bytes a connection may hold before it is dropped */
  maxPendingBytes: number;
  /** connections that may hold a large region's snapshot as plain (uncompressed, unshared) JSON at once, hub-wide (plainLargeAnswers.ts) */
  plainLargeAnswers: number;
}

/**
 * An operator works a case a few steps a minute and a console's burst is a handful; a wall's tour
 * subscribes every few seconds, a person drilling clicks a few times a second. Ten times that is
 * still allowed; a flood is not. 48 MB unsent is five of the largest (city) snapshots. Sixteen
 * plain large answers at once: the wall and console ask for gzip, so these are scripts and
 * third-party clients, and sixteen province roots in JSON are already about half a gigabyte.
 */
export const DEFAULT_SOCKET_LIMITS: SocketLimits = { commandsPerSecond: 50, subscribesPer10s: 30, readsPerSecond: 20, maxPendingBytes: 48 * 1024 * 1024, plainLargeAnswers: 16 };

type Kind = 'command' | 'subscribe' | 'read';
const KIND_OF: Readonly<Record<string, Kind>> = {
  subscribe: 'subscribe',
  'auth:me': 'read',
  'time:sync': 'read',
};

export function socketLimiters(limits: SocketLimits): { attach(socket: Socket): void } {
  const limiters: Record<Kind, RateLimiterMemory> = {
    command: new RateLimiterMemory({ keyPrefix: 'cmd', points: limits.commandsPerSecond, duration: 1 }),
    subscribe: new RateLimiterMemory({ keyPrefix: 'sub', points: limits.subscribesPer10s, duration: 10 }),
    read: new RateLimiterMemory({ keyPrefix: 'read', points: limits.readsPerSecond, duration: 1 }),
  };
  return {
    attach(socket: Socket) {
      // every event a client sends is a command with an acknowledgement (shared/events.ts)
      socket.use((packet, next) => {
        const [event, ...args] = packet as [string, ...unknown[]];
        const kind = KIND_OF[event] ?? 'command';
        limiters[kind].consume(socket.id).then(
          () => next(),
          (res: unknown) => {
            const retryAfterMs = res instanceof RateLimiterRes ? res.msBeforeNext : 1_000;
            const ack = args[args.length - 1];
            if (typeof ack === 'function') {
              ack({
                ok: false,
                error: 'RATE_LIMITED',
                message: `Too many ${kind === 'command' ? 'commands' : kind === 'subscribe' ? 'subscriptions' : 'requests'} from this connection; nothing was done. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`,
                details: { retryAfterMs },
              });
            }
          },
        );
      });
      socket.once('disconnect', () => {
        for (const l of Object.values(limiters)) void l.delete(socket.id);
      });
    },
  };
}

/** bytes this connection has been given and not yet written to the network */
export function pendingBytes(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: { data?: unknown }[]; transport?: { socket?: { bufferedAmount?: number } } };
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
  }
  return bytes;
}

/** drops a connection that holds more than `maxPendingBytes` unsent; true when it did */
export function dropIfUnread(socket: Socket, maxPendingBytes: number): boolean {
  if (pendingBytes(socket) <= maxPendingBytes) return false;
  socket.disconnect(true);
  return true;
}

/** every second: connections that stopped reading are dropped, not buffered without end */
export function watchUnread(io: Server, maxPendingBytes: number, onDrop: (socket: Socket) => void, periodMs = 1_000): () => void {
  const timer = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) if (dropIfUnread(socket, maxPendingBytes)) onDrop(socket);
  }, periodMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
