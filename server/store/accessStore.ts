/**
 * The store's part for people: users, sessions and the append-only audit log. Same SQL on PGlite
 * and PostgreSQL; mixed into the Store by sqlStore.ts.
 */
import type { AuditEntry } from '@shared/schemas/audit';
import type { Role } from '@shared/schemas/auth';
import type { Stage } from '@shared/schemas/incident';
import type { SqlClient, SqlQueryable, SqlRow } from './sqlClient';
import { assertInteger, chunks, column, integerColumn, nullableInteger, nullableText, textColumn } from './sqlValues';
import { UserExistsError, type AuditReadQuery, type NewAuditRecord, type StoredEvent, type StoredSession, type StoredUser, type Store, type UserChanges } from './types';

type AccessPart = Pick<
  Store,
  'createUser' | 'getUser' | 'listUsers' | 'updateUser' | 'countUsers' | 'createSession' | 'getSession' | 'endSession' | 'endSessionsOf' | 'appendAudit' | 'readAudit'
>;

const USER_COLUMNS = `username, display_name, role, region_code, password_hash, disabled, created_at, password_changed_at`;

function rowToUser(row: SqlRow): StoredUser {
  return {
    username: textColumn(row, 'username'),
    displayName: textColumn(row, 'display_name'),
    role: textColumn(row, 'role') as Role,
    regionCode: textColumn(row, 'region_code'),
    passwordHash: textColumn(row, 'password_hash'),
    disabled: column(row, 'disabled') === true,
    createdAt: integerColumn(row, 'created_at'),
    passwordChangedAt: integerColumn(row, 'password_changed_at'),
  };
}

function rowToSession(row: SqlRow): StoredSession {
  const ended = column(row, 'ended_at');
  return {
    tokenHash: textColumn(row, 'token_hash'),
    username: textColumn(row, 'username'),
    kind: textColumn(row, 'kind') as StoredSession['kind'],
    createdAt: integerColumn(row, 'created_at'),
    expiresAt: integerColumn(row, 'expires_at'),
    endedAt: ended === null ? null : integerColumn(row, 'ended_at'),
    client: column(row, 'client') as StoredSession['client'],
  };
}


function rowToAudit(row: SqlRow): AuditEntry {
  return {
    id: integerColumn(row, 'id'),
    at: integerColumn(row, 'at'),
    actor: textColumn(row, 'actor'),
    role: nullableText(row, 'role') as Role | null,
    client: column(row, 'client') as AuditEntry['client'],
    action: textColumn(row, 'action'),
    outcome: textColumn(row, 'outcome') as AuditEntry['outcome'],
    error: nullableText(row, 'error'),
    message: nullableText(row, 'message'),
    incidentId: nullableText(row, 'incident_id'),
    subject: nullableText(row, 'subject'),
    stageBefore: nullableText(row, 'stage_before') as Stage | null,
    stageAfter: nullableText(row, 'stage_after') as Stage | null,
    reason: nullableText(row, 'reason'),
    stepMs: nullableInteger(row, 'step_ms'),
    regionPath: (column(row, 'region_path') as string[]) ?? [],
    seq: nullableInteger(row, 'seq'),
  };
}

const INSERT_AUDIT = `
  INSERT INTO audit (at, actor, role, client, action, outcome, error, message, incident_id, subject,
                     stage_before, stage_after, reason, step_ms, region_path, seq)
  SELECT r.at, r.actor, r.role, r.client, r.action, r.outcome, r.error, r.message, r."incidentId", r.subject,
         r."stageBefore", r."stageAfter", r.reason, r."stepMs",
         ARRAY(SELECT jsonb_array_elements_text(r."regionPath")), r.seq
  FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
         "at" bigint, "actor" text, "role" text, "client" jsonb, "action" text, "outcome" text, "error" text,
         "message" text, "incidentId" text, "subject" text, "stageBefore" text, "stageAfter" text,
         "reason" text, "stepMs" bigint, "regionPath" jsonb, "seq" bigint))
       WITH ORDINALITY AS r(at, actor, role, client, action, outcome, error, message, "incidentId", subject,
                            "stageBefore", "stageAfter", reason, "stepMs", "regionPath", seq, ord)
  ORDER BY r.ord`;

/** writes audit rows; rows of an append take the seq of the event they describe */
export async function insertAuditRows(tx: SqlQueryable, records: readonly NewAuditRecord[], stored: readonly StoredEvent[] = []): Promise<void> {
  const rows = records.map(({ eventIndex, ...r }) => ({ ...r, seq: eventIndex === undefined ? null : (stored[eventIndex]?.seq ?? null) }));
  for (const batch of chunks(rows, 2_000)) await tx.query(INSERT_AUDIT, [JSON.stringify(batch)]);
}

function auditFilter(q: AuditReadQuery): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (p: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  for (const [name, value] of Object.entries({ from: q.from, to: q.to, before: q.before, limit: q.limit })) if (value !== undefined) assertInteger(value, name);
  if (q.actor !== undefined) add((p) => `actor = ${p}`, q.actor);
  if (q.incidentId !== undefined) add((p) => `incident_id = ${p}`, q.incidentId);
  if (q.from !== undefined) add((p) => `at >= ${p}`, q.from);
  if (q.to !== undefined) add((p) => `at < ${p}`, q.to);
  if (q.outcome !== undefined) add((p) => `outcome = ${p}`, q.outcome);
  if (q.withinRegion !== undefined) add((p) => `${p} = ANY (region_path)`, q.withinRegion);
  if (q.before !== undefined) add((p) => `id < ${p}`, q.before);
  params.push(q.limit);
  return { sql: `${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`, params };
}

const CHANGE_COLUMNS: Record<keyof UserChanges, string> = {
  passwordHash: 'password_hash',
  passwordChangedAt: 'password_changed_at',
  disabled: 'disabled',
  role: 'role',
  regionCode: 'region_code',
  displayName: 'display_name',
};

export function accessStore(client: SqlClient): AccessPart {
  const getUser = async (username: string) => {
    const rows = await client.query(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [username]);
    return rows[0] ? rowToUser(rows[0]) : null;
  };
  return {
    async createUser(u) {
      const rows = await client.query(
        `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING RETURNING username`,
        [u.username, u.displayName, u.role, u.regionCode, u.passwordHash, u.disabled, u.createdAt, u.passwordChangedAt],
      );
      if (rows.length === 0) throw new UserExistsError(u.username);
    },

    getUser,

    async listUsers() {
      const rows = await client.query(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`);
      return rows.map(rowToUser);
    },

    async updateUser(username, changes) {
      const sets: string[] = [];
      const params: unknown[] = [username];
      for (const [key, value] of Object.entries(changes) as [keyof UserChanges, unknown][]) {
        if (value === undefined) continue;
        params.push(value);
        sets.push(`${CHANGE_COLUMNS[key]} = $${params.length}`);
      }
      if (sets.length === 0) return getUser(username);
      const rows = await client.query(`UPDATE users SET ${sets.join(', ')} WHERE username = $1 RETURNING ${USER_COLUMNS}`, params);
      return rows[0] ? rowToUser(rows[0]) : null;
    },

    async countUsers() {
      const rows = await client.query(`SELECT count(*) AS n FROM users`);
      return integerColumn(rows[0], 'n');
    },

    async createSession(s) {
      await client.query(
        `INSERT INTO sessions (token_hash, username, kind, created_at, expires_at, ended_at, client) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
        [s.tokenHash, s.username, s.kind, s.createdAt, s.expiresAt, s.endedAt, JSON.stringify(s.client)],
      );
    },

    async getSession(tokenHash) {
      const rows = await client.query(`SELECT token_hash, username, kind, created_at, expires_at, ended_at, client FROM sessions WHERE token_hash = $1`, [tokenHash]);
      return rows[0] ? rowToSession(rows[0]) : null;
    },

    async endSession(tokenHash, at) {
      assertInteger(at, 'at');
      await client.query(`UPDATE sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL`, [tokenHash, at]);
    },

    async endSessionsOf(username, at) {
      assertInteger(at, 'at');
      const rows = await client.query(`UPDATE sessions SET ended_at = $2 WHERE username = $1 AND ended_at IS NULL RETURNING token_hash`, [username, at]);
      return rows.map((r) => textColumn(r, 'token_hash'));
    },

    async appendAudit(records) {
      if (records.length > 0) await client.transaction((tx) => insertAuditRows(tx, records));
    },

    async readAudit(query) {
      const f = auditFilter(query);
      const rows = await client.query(
        `SELECT id, at, actor, role, client, action, outcome, error, message, incident_id, subject, stage_before, stage_after, reason, step_ms, region_path, seq FROM audit ${f.sql}`,
        f.params,
      );
      return rows.map(rowToAudit);
    },
  };
}
