/**
 * The store's part for leases (server/hub/clusterLease.ts): a named duty held by one hub node at a
 * time. Same SQL on PGlite and PostgreSQL; mixed into the Store by sqlStore.ts.
 *
 * A claim is ONE statement, so that of nodes claiming at once exactly one wins without a lock of
 * ours: INSERT … ON CONFLICT DO UPDATE … WHERE takes the row lock, and under READ COMMITTED a
 * claimant that waited on it re-checks the WHERE against the row the winner committed. Every time
 * comes from the database's now(), never from a node's clock.
 */
import type { SqlClient, SqlRow } from './sqlClient';
import { NOW_MS } from './migrations';
import { assertInteger, column, integerColumn, textColumn } from './sqlValues';
import type { LeaseClaimant, LeaseRecord, Store } from './types';

type LeasePart = Pick<Store, 'acquireLease' | 'releaseLease'>;

const CLAIM = `
WITH claim AS (
  INSERT INTO leases AS l (name, holder, instance, acquired_at, renewed_at, expires_at)
  VALUES ($1, $2, $3, ${NOW_MS}, ${NOW_MS}, ${NOW_MS} + $4::bigint)
  ON CONFLICT (name) DO UPDATE SET
    holder = EXCLUDED.holder,
    instance = EXCLUDED.instance,
    -- a renewal keeps the time it was taken; a takeover (or a term that ran out meanwhile) starts anew
    acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.instance = EXCLUDED.instance AND l.expires_at > EXCLUDED.renewed_at
                       THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
    renewed_at = EXCLUDED.renewed_at,
    expires_at = EXCLUDED.expires_at
  WHERE l.expires_at <= EXCLUDED.renewed_at OR (l.holder = EXCLUDED.holder AND l.instance = EXCLUDED.instance)
  RETURNING l.name, l.holder, l.instance, l.acquired_at, l.expires_at
),
found AS (
  SELECT name, holder, instance, acquired_at, expires_at, true AS held FROM claim
  UNION ALL
  -- not taken: the lease as it stood when the statement began (who holds it, until when)
  SELECT name, holder, instance, acquired_at, expires_at, false AS held FROM leases
  WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM claim)
)
SELECT f.name, f.holder, f.instance, f.acquired_at, f.expires_at, coalesce(f.held, false) AS held, ${NOW_MS} AS now
FROM (SELECT 1) AS one LEFT JOIN found AS f ON true`;

function checkNames(claimant: Omit<LeaseClaimant, 'termMs'>): void {
  for (const key of ['name', 'holder', 'instance'] as const) {
    const value = claimant[key];
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new TypeError(`lease ${key} must be a string of 1 to 200 characters`);
  }
}

function rowToLease(row: SqlRow): LeaseRecord | null {
  if (column(row, 'name') === null) return null;
  return {
    name: textColumn(row, 'name'),
    holder: textColumn(row, 'holder'),
    instance: textColumn(row, 'instance'),
    acquiredAt: integerColumn(row, 'acquired_at'),
    expiresAt: integerColumn(row, 'expires_at'),
  };
}

export function leaseStore(client: SqlClient): LeasePart {
  return {
    async acquireLease(claimant) {
      checkNames(claimant);
      assertInteger(claimant.termMs, 'termMs');
      if (claimant.termMs < 1) throw new RangeError(`termMs must be at least 1, got ${claimant.termMs}`);
      const rows = await client.query(CLAIM, [claimant.name, claimant.holder, claimant.instance, claimant.termMs]);
      const row = rows[0];
      return { held: column(row, 'held') === true, lease: row ? rowToLease(row) : null, now: integerColumn(row, 'now') };
    },

    async releaseLease(claimant) {
      checkNames(claimant);
      const rows = await client.query(
        `UPDATE leases SET expires_at = ${NOW_MS}, renewed_at = ${NOW_MS}
         WHERE name = $1 AND holder = $2 AND instance = $3 AND expires_at > ${NOW_MS} RETURNING name`,
        [claimant.name, claimant.holder, claimant.instance],
      );
      return rows.length > 0;
    },
  };
}
