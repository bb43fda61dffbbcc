/**
 * The store's part for credentials that are not people: ingest keys and kiosk links (issue 17).
 * Same SQL on PGlite and PostgreSQL; mixed into the Store by sqlStore.ts.
 */
import type { AccessKeyKind, IngestScope } from '@shared/schemas/accessKeys';
import type { SqlClient, SqlRow } from './sqlClient';
import { assertInteger, column, integerColumn, nullableInteger, nullableText, textColumn } from './sqlValues';
import type { Store, StoredAccessKey } from './types';

type AccessKeyPart = Pick<Store, 'createAccessKey' | 'getAccessKey' | 'findAccessKeyBySecret' | 'listAccessKeys' | 'revokeAccessKey'>;

const COLUMNS = `id, kind, label, region_code, scopes, secret_hash, created_at, created_by, expires_at, revoked_at, revoked_by`;


function rowToKey(row: SqlRow): StoredAccessKey {
  return {
    id: textColumn(row, 'id'),
    kind: textColumn(row, 'kind') as AccessKeyKind,
    label: textColumn(row, 'label'),
    regionCode: textColumn(row, 'region_code'),
    scopes: ((column(row, 'scopes') as string[] | null) ?? []) as IngestScope[],
    secretHash: nullableText(row, 'secret_hash'),
    createdAt: integerColumn(row, 'created_at'),
    createdBy: textColumn(row, 'created_by'),
    expiresAt: nullableInteger(row, 'expires_at'),
    revokedAt: nullableInteger(row, 'revoked_at'),
    revokedBy: nullableText(row, 'revoked_by'),
  };
}

export function accessKeyStore(client: SqlClient): AccessKeyPart {
  return {
    async createAccessKey(k) {
      await client.query(`INSERT INTO access_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11)`, [
        k.id,
        k.kind,
        k.label,
        k.regionCode,
        k.scopes,
        k.secretHash,
        k.createdAt,
        k.createdBy,
        k.expiresAt,
        k.revokedAt,
        k.revokedBy,
      ]);
    },

    async getAccessKey(id) {
      const rows = await client.query(`SELECT ${COLUMNS} FROM access_keys WHERE id = $1`, [id]);
      return rows[0] ? rowToKey(rows[0]) : null;
    },

    async findAccessKeyBySecret(secretHash) {
      const rows = await client.query(`SELECT ${COLUMNS} FROM access_keys WHERE secret_hash = $1`, [secretHash]);
      return rows[0] ? rowToKey(rows[0]) : null;
    },

    async listAccessKeys() {
      const rows = await client.query(`SELECT ${COLUMNS} FROM access_keys ORDER BY created_at DESC, id`);
      return rows.map(rowToKey);
    },

    async revokeAccessKey(id, at, by) {
      assertInteger(at, 'at');
      const rows = await client.query(`UPDATE access_keys SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [id, at, by]);
      return rows[0] ? rowToKey(rows[0]) : null;
    },
  };
}
