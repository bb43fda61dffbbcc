/**
 * The only thing the store needs from a database driver. PGlite and node-postgres each get a tiny
 * adapter to this, so sqlStore.ts and migrations.ts run the very same SQL on both.
 */

/** A row as the driver returns it: read columns through the helpers in sqlValues.ts, never cast. */
export type SqlRow = Record<string, unknown>;

export interface SqlQueryable {
  /**
   * One statement with $1…$n parameters. Pass JSON as a string (JSON.stringify) and cast it in
   * SQL (`$1::jsonb`): node-postgres would turn a JS array into a PostgreSQL array literal.
   */
  query(sql: string, params?: readonly unknown[]): Promise<SqlRow[]>;
}

export interface SqlClient extends SqlQueryable {
  /** Runs `fn` inside BEGIN … COMMIT on one connection; any throw rolls back and is rethrown. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
