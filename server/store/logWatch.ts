/**
 * Wakes a hub node when another node appended to the log (issue 18). Every append on PostgreSQL
 * queues `pg_notify('gcw_log', <schema>)` inside its transaction, so a notification is delivered
 * at COMMIT and never for a rollback. A node LISTENs on one connection of its own (a pooled one
 * could be handed back and lose the LISTEN) and calls `wake` for its schema's notifications.
 *
 * The log stays the truth: a notification only says "read after what you applied". One lost
 * while the connection was down is made good by the `wake` after every (re)connection, and by
 * the follower's own slow poll (logFollower.ts) — so a missed wake-up delays, never loses.
 */
import pg from 'pg';

export const LOG_CHANNEL = 'gcw_log';

export interface LogWatchOptions {
  url: string;
  schema: string;
  /** called for every notification of this schema, and after each (re)connection */
  wake: () => void;
  /** connection trouble, for the log */
  warn: (message: string) => void;
  /** first wait before reconnecting; doubled up to 30 s */
  retryMs?: number;
}

export interface LogWatch {
  close(): Promise<void>;
}

export function watchLog(opts: LogWatchOptions): LogWatch {
  let closed = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let retryMs = opts.retryMs ?? 500;

  const connect = async (): Promise<void> => {
    timer = null;
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client = c;
    const lost = (why: string) => {
      if (client !== c) return; // reported once per connection
      client = null;
      void c.end().catch(() => undefined);
      if (closed) return;
      opts.warn(`log notifications lost (${why}); reconnecting in ${retryMs} ms — the follower's poll covers the gap`);
      timer = setTimeout(() => void connect(), retryMs);
      timer.unref();
      retryMs = Math.min(retryMs * 2, 30_000);
    };
    c.on('error', (error) => lost(error.message));
    c.on('end', () => lost('connection ended'));
    c.on('notification', (n) => {
      if (n.channel === LOG_CHANNEL && n.payload === opts.schema) opts.wake();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${LOG_CHANNEL}`);
      retryMs = opts.retryMs ?? 500;
      opts.wake(); // whatever was appended while not listening
    } catch (error) {
      lost(error instanceof Error ? error.message : String(error));
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
