/**
 * A real store (PGlite or PostgreSQL) whose transactions a test can hold at the door, count, and
 * break in the middle — to build a group commit of a known size and to fail exactly one.
 */
import type { SqlClient, SqlQueryable } from '../../server/store/sqlClient';
import { createSqlStore } from '../../server/store/sqlStore';
import type { Store } from '../../server/store/types';

export interface TransactionRecord {
  /** statements run inside it */
  statements: string[];
  outcome: 'committed' | 'failed' | 'running';
}

export interface ControlledStore {
  store: Store;
  /** the same database without the controls (writes another hub node might make) */
  bare: Store;
  /** transactions that wrote events, in order */
  readonly appends: TransactionRecord[];
  /** the next transaction waits at the door until `release()`; resolves when it is waiting */
  holdNext(): { waiting: Promise<void>; release(): void };
  /** a statement matching `pattern` inside a transaction throws a connection failure: the next one, or the one after `skip` others */
  failNext(pattern: RegExp, skip?: number): void;
}

/** a PostgreSQL connection failure (SQLSTATE 08006): the hub answers STORE_UNAVAILABLE */
export class InjectedFailure extends Error {
  readonly code = '08006';
  constructor(sql: string) {
    super(`injected connection failure at: ${sql.trim().slice(0, 60)}`);
  }
}

/** told as each transaction begins and ends (whether it wrote events is known at its end) */
export type TransactionMark = (kind: 'begin' | 'commit' | 'failed', wroteEvents: boolean) => void;

export function controlledStore(kind: Store['kind'], inner: SqlClient, mark?: TransactionMark): ControlledStore {
  const appends: TransactionRecord[] = [];
  let gate: { opened: Promise<void>; arrived: () => void } | null = null;
  let failure: { pattern: RegExp; skip: number } | null = null;

  const client: SqlClient = {
    query: (sql, params) => inner.query(sql, params),
    close: () => inner.close(),
    async transaction(fn) {
      if (gate) {
        const { opened, arrived } = gate;
        gate = null;
        arrived();
        await opened;
      }
      const record: TransactionRecord = { statements: [], outcome: 'running' };
      const watched = (tx: SqlQueryable): SqlQueryable => ({
        query(sql, params) {
          record.statements.push(sql);
          if (/INSERT INTO events/.test(sql) && !appends.includes(record)) appends.push(record);
          if (failure?.pattern.test(sql) && failure.skip-- === 0) {
            failure = null;
            return Promise.reject(new InjectedFailure(sql));
          }
          return tx.query(sql, params);
        },
      });
      const wroteEvents = () => appends.includes(record);
      try {
        const result = await inner.transaction((tx) => {
          mark?.('begin', false);
          return fn(watched(tx));
        });
        record.outcome = 'committed';
        mark?.('commit', wroteEvents());
        return result;
      } catch (error) {
        record.outcome = 'failed';
        mark?.('failed', wroteEvents());
        throw error;
      }
    },
  };

  return {
    store: createSqlStore(kind, client),
    bare: createSqlStore(kind, inner),
    appends,
    holdNext() {
      let release!: () => void;
      let arrived!: () => void;
      const opened = new Promise<void>((r) => (release = r));
      const waiting = new Promise<void>((r) => (arrived = r));
      gate = { opened, arrived };
      return { waiting, release };
    },
    failNext(pattern, skip = 0) {
      failure = { pattern, skip };
    },
  };
}
