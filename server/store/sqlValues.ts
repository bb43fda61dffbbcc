/**
 * Reading driver values safely. node-postgres returns bigint columns as strings, PGlite as numbers
 * (or BigInt beyond 2^53): every integer goes through toSafeInteger so both look the same and an
 * out-of-range value fails loudly instead of losing precision.
 */
import type { SqlRow } from './sqlClient';

export function toSafeInteger(value: unknown, what: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = Number(value);
  else throw new TypeError(`${what}: expected an integer from the database, got ${typeof value}`);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what}: ${String(value)} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

export function column(row: SqlRow | undefined, name: string): unknown {
  if (!row || !(name in row)) throw new Error(`expected column "${name}" in the result`);
  return row[name];
}

export function integerColumn(row: SqlRow | undefined, name: string): number {
  return toSafeInteger(column(row, name), name);
}

export function textColumn(row: SqlRow | undefined, name: string): string {
  const value = column(row, name);
  if (typeof value !== 'string') throw new TypeError(`${name}: expected text, got ${typeof value}`);
  return value;
}

export function numberColumn(row: SqlRow | undefined, name: string): number {
  const value = column(row, name);
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`${name}: expected a number`);
  return n;
}

/** Refuses NaN, fractions and unsafe values before they reach a bigint comparison in SQL. */
export function assertInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a safe integer, got ${value}`);
}

/** Splits a batch so that one statement never carries an unbounded JSON document. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Upserting one id twice in a statement is an error in PostgreSQL: keep the last, like sequential writes would. */
export function lastById<T extends { id: string }>(items: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    byId.delete(item.id);
    byId.set(item.id, item);
  }
  return [...byId.values()];
}

/** a nullable text column: its text, or null */
export function nullableText(row: SqlRow, name: string): string | null {
  const v = column(row, name);
  return typeof v === 'string' ? v : null;
}

/** a nullable bigint column: its safe integer, or null */
export function nullableInteger(row: SqlRow, name: string): number | null {
  return column(row, name) === null ? null : integerColumn(row, name);
}
