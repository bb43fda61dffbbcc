import { z } from 'zod';
import { EpochMs, Id, RegionCode } from './common';
import { Role } from './auth';
import { Stage } from './incident';

/**
 * The audit log: one append-only row per thing a person did or tried — every command (accepted or
 * refused), sign-in, sign-out and user change — with who, in which role, from which client, when,
 * the case's stage before and after, the reason given and how long the case had been in its stage.
 * Reports and AI video alarms that a source sends with its ingest key have rows too, under the key.
 */
export const AUDIT_ACTIONS_OTHER = ['sign_in', 'sign_in_failed', 'sign_out', 'user_add', 'user_disable', 'user_enable', 'user_reset', 'password_change', 'report'] as const;

export const AuditEntry = z.object({
  id: z.number().int().min(1),
  at: EpochMs,
  /** the user name, the name tried in a failed sign-in, or `key:<key id>` for a source's ingest key (user names hold no `:`) */
  actor: z.string(),
  /** null when nobody was signed in (a refused anonymous command, a failed sign-in, a source's key) */
  role: Role.nullable(),
  /** where it came from: channel, address and user agent; for a source's key, the key's id and name as well */
  client: z.object({
    channel: z.enum(['http', 'socket', 'cli']),
    address: z.string().nullable(),
    userAgent: z.string().nullable(),
    key: z.object({ id: z.string(), name: z.string() }).optional(),
  }),
  /** an incident action (register, dispatch, …) or one of AUDIT_ACTIONS_OTHER */
  action: z.string(),
  outcome: z.enum(['ok', 'refused']),
  /** the stable error code of a refusal */
  error: z.string().nullable(),
  message: z.string().nullable(),
  incidentId: Id.nullable(),
  /** the user a user-management action was about */
  subject: z.string().nullable(),
  stageBefore: Stage.nullable(),
  stageAfter: Stage.nullable(),
  reason: z.string().nullable(),
  /** how long the case had been in its stage when the step was taken (ms) */
  stepMs: z.number().int().nullable(),
  /** the region the row belongs to (the case's path, or the user's region): supervisors read their own */
  regionPath: z.array(RegionCode),
  /** the event-log sequence number the step was written as, when it was */
  seq: z.number().int().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const QueryTime = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

/** GET /api/audit: by person and time, newest first, paged with `before` (an id). */
export const AuditQuery = z.object({
  actor: z.string().max(40).optional(),
  incidentId: Id.optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  outcome: z.enum(['ok', 'refused']).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type AuditQuery = z.output<typeof AuditQuery>;
