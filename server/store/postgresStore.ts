/**
 * The production store: a PostgreSQL server shared by every hub node, through a pg.Pool.
 * `schema` lets tests (or several deployments) live side by side in one database.
 */
import pg from 'pg';
import { watchLog } from './logWatch';
import type { SqlClient, SqlQueryable, SqlRow } from './sqlClient';
import { createSqlStore } from './sqlStore';
import { textColumn } from './sqlValues';
import type { Store } from './types';

export interface PostgresStoreOptions {
  /** e.g. postgres://user:password@host:5432/database */
  url: string;
  /** created if missing; default `public` */
  schema?: string;
  /** pool size; default 10 */
  maxConnections?: number;
  /** timeouts (DEFAULT_PG_TIMEOUTS): a database that stops answering is a clear failure, not a hang */
  timeouts?: Partial<PostgresTimeouts>;
}

export interface PostgresTimeouts {
  /** opening a connection */
  connectMs: number;
  /** one statement, on the server (statement_timeout; migrations are exempt) */
  statementMs: number;
  /** a transaction left open and idle is ended by the server */
  idleInTransactionMs: number;
}

/**
 * A write of the hub takes milliseconds; its largest reads (a window of figures, a page of the
 * log) a second or two. Fifteen seconds is a failure, said as one (503 STORE_UNAVAILABLE) — before
 * it, a locked or overloaded database hung every write without end (issue 17). /healthz does not
 * wait that long: it says the store is unavailable after one second (health.ts).
 */
export const DEFAULT_PG_TIMEOUTS: PostgresTimeouts = { connectMs: 2_000, statementMs: 15_000, idleInTransactionMs: 30_000 };

// The schema is spliced into SQL and a connection option, so it must be a plain identifier.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const queryable = (db: pg.Pool | pg.PoolClient): SqlQueryable => ({
  async query(sql, params = []) {
    return (await db.query<SqlRow>(sql, [...params])).rows;
  },
});

/** Opens a pool whose every connection uses `schema`, and adapts it to SqlClient. */
export async function openPostgresClient(options: PostgresStoreOptions): Promise<SqlClient> {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema "${schema}" must match ${SCHEMA_NAME}`);

  const timeouts = { ...DEFAULT_PG_TIMEOUTS, ...options.timeouts };
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Set at connection start-up, so no pooled connection can ever run a query before it applies.
    options: `-c search_path=${schema} -c statement_timeout=${timeouts.statementMs} -c idle_in_transaction_session_timeout=${timeouts.idleInTransactionMs}`,
    connectionTimeoutMillis: timeouts.connectMs,
    // The server's statement_timeout cannot answer through a socket that swallows bytes (a stalled
    // proxy, a half-open link): the client gives up a little after it, so no query stays in flight
    // for minutes and the hub's store health can see the store recover.
    query_timeout: timeouts.statementMs + 5_000,
    // a peer that vanished without closing (a cut cable, a dead host) is found by TCP keepalive
    keepAlive: true,
  });
  // An idle connection dropped by the server emits 'error' on the pool; unhandled it would kill
  // the process. The pool discards that connection and the next query reports any real outage.
  pool.on('error', (error) => console.warn(`[store] idle PostgreSQL connection failed: ${error.message}`));
  // A connection cut while checked out (mid-transaction) emits 'error' on its client, where the
  // pool listens no more: unhandled, it killed the process (3 of 4 cuts, issue 17). The query in
  // flight fails with the same error, which the hub answers 503 STORE_UNAVAILABLE.
  pool.on('connect', (client) => client.on('error', (error) => console.warn(`[store] PostgreSQL connection failed: ${error.message}`)));

  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const rows = await pool.query<SqlRow>(`SELECT current_schema() AS schema`);
    const current = rows.rows[0]?.schema;
    if (current !== schema) {
      throw new Error(`search_path did not take effect (current schema ${String(current)}): remove any "options" from the URL`);
    }
  } catch (error) {
    await pool.end();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not open PostgreSQL store (schema ${schema}): ${reason}`, { cause: error });
  }
  const durability = await postgresDurability(queryable(pool));
  if (!durability.durable) {
    console.warn(
      `[store] PostgreSQL runs with fsync=${durability.fsync}, synchronous_commit=${durability.synchronousCommit}: ` +
        'a commit the hub acknowledges may be lost in a power loss. Set both to on for a command centre.',
    );
  }

  return {
    ...queryable(pool),
    async transaction(fn) {
      const connection = await pool.connect();
      let broken = false;
      try {
        await connection.query('BEGIN');
        const result = await fn(queryable(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it, do not pool it.
        await connection.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        connection.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Whether a commit on this connection survives a power loss: PostgreSQL's defaults (fsync on,
 * synchronous_commit on) do; the hub warns at start when a deployment turned either off.
 */
export async function postgresDurability(db: SqlQueryable): Promise<{ fsync: string; synchronousCommit: string; durable: boolean }> {
  const row = (await db.query(`SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync`))[0];
  const fsync = textColumn(row, 'fsync');
  const synchronousCommit = textColumn(row, 'sync');
  return { fsync, synchronousCommit, durable: fsync === 'on' && synchronousCommit !== 'off' };
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const client = await openPostgresClient(options);
  const store = createSqlStore('postgres', client);
  const schema = options.schema ?? 'public';
  return {
    ...store,
    watchAppends: (wake, warn) => watchLog({ url: options.url, schema, wake, warn }),
    async databaseIdentity() {
      const row = (
        await client.query(
          `SELECT (SELECT system_identifier FROM pg_control_system())::text AS system, (SELECT timeline_id FROM pg_control_checkpoint())::text AS timeline,
                  (SELECT oid FROM pg_database WHERE datname = current_database())::text AS db, current_schema()::regnamespace::oid::text AS schema`,
        )
      )[0];
      return ['system', 'timeline', 'db', 'schema'].map((k) => textColumn(row, k)).join(':');
    },
  };
}

function describeError(error: unknown): string {
  // "localhost" may resolve to ::1 and 127.0.0.1: node then throws an AggregateError with no message
  if (error instanceof AggregateError) return error.errors.map(describeError).join('; ');
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** For tests: is a PostgreSQL server answering at `url`? Resolves to null when yes, else why not. */
export async function whyPostgresUnreachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    textColumn((await client.query<SqlRow>(`SELECT version() AS v`)).rows[0], 'v');
    return null;
  } catch (error) {
    return describeError(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}
