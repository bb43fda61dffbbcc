import { z } from 'zod';
import { Actor, EpochMs, Id, Latitude, Longitude, RegionCode, TimeInput } from './common';
import { RegionPath } from './region';

/** Where an incident came from (DOMAIN.md: sources). */
export const INCIDENT_SOURCES = ['patrol', 'hotline', 'video_ai', 'sensor', 'open311', 'department'] as const;
export const IncidentSource = z.enum(INCIDENT_SOURCES);
export type IncidentSource = z.infer<typeof IncidentSource>;

/**
 * Category codes come from the deployment's category table (server/domain/catalog); the shipped
 * table holds the nine classes of DOMAIN.md. A code is a lowercase slug so a deployment can add
 * its own; `subcategory` carries the GB/T 30428.2 style `MM-SS` code when known.
 */
export const CategoryCode = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z][a-z0-9_]*$/, 'lowercase letters, digits and _ only');
export type CategoryCode = z.infer<typeof CategoryCode>;

export const SubcategoryCode = z.string().regex(/^\d{2}-\d{2}$/, 'MM-SS, e.g. 01-02');

/** The four emergency grades: 1 general 一般, 2 major 较大, 3 serious 重大, 4 especially serious 特别重大. */
export const Severity = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
export type Severity = z.infer<typeof Severity>;

/**
 * The seven-step closed loop as states. `rejected` ends a report that was invalid or a duplicate;
 * a failed verification sends a case from `handled` back to `handling` (rework).
 */
export const STAGES = ['reported', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'closed', 'rejected'] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

/** Stages that carry a time limit (the clock of the case is running in them). */
export const TIMED_STAGES = ['reported', 'registered', 'dispatched', 'handling', 'handled', 'verified'] as const;
export type TimedStage = (typeof TIMED_STAGES)[number];

export const TERMINAL_STAGES: readonly Stage[] = ['closed', 'rejected'];

/** Who a case is dispatched to: a department (the default) or a patrol (grid worker) sent to the scene. */
export const Assignee = z.object({
  id: Id,
  name: z.string().trim().min(1).max(80),
  kind: z.enum(['department', 'patrol']).optional(),
});
export type Assignee = z.infer<typeof Assignee>;

export const Reporter = z.object({
  kind: z.enum(['patrol', 'citizen', 'camera', 'sensor', 'operator', 'department']),
  id: Id.optional(),
  name: z.string().max(80).optional(),
  /** masked before it is stored or sent (e.g. 138****5678) */
  phone: z.string().max(20).optional(),
});
export type Reporter = z.infer<typeof Reporter>;

export const IncidentLocation = z.object({
  lng: Longitude,
  lat: Latitude,
  address: z.string().max(200).optional(),
});
export type IncidentLocation = z.infer<typeof IncidentLocation>;

export const Deadline = z.object({ stage: Stage, dueAt: EpochMs });
export type Deadline = z.infer<typeof Deadline>;

/**
 * The resident's answer at the callback (回访), the last step of the loop. Unreachable residents
 * are recorded too (`contacted: false`, nothing else): they count neither for nor against the
 * resolution and satisfaction rates, and the case may be called back again.
 */
export const SATISFACTION_LEVELS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export const Satisfaction = z.enum(SATISFACTION_LEVELS);
export type Satisfaction = z.infer<typeof Satisfaction>;

export const Evaluation = z.discriminatedUnion('contacted', [
  z.strictObject({
    contacted: z.literal(true),
    /** the resident says the problem is solved */
    resolved: z.boolean({ error: 'Say whether the resident considers the problem solved (resolved: true or false).' }),
    satisfaction: z.enum(SATISFACTION_LEVELS, { error: 'Record the resident\'s satisfaction: satisfied, basically_satisfied or dissatisfied.' }),
  }),
  z.strictObject({ contacted: z.literal(false) }),
]);
export type Evaluation = z.infer<typeof Evaluation>;

/** SLA clock state: paused while, for example, the centre waits for a citizen. */
export const SlaClock = z.object({
  pausedAt: EpochMs.nullable(),
  /** total paused time in the current stage, already added to its deadline */
  pausedMs: z.number().int().min(0),
});
export type SlaClock = z.infer<typeof SlaClock>;

export const Incident = z.object({
  id: Id,
  source: IncidentSource,
  category: CategoryCode,
  subcategory: SubcategoryCode.nullable(),
  severity: Severity,
  title: z.string().min(1).max(120),
  description: z.string().max(2000),
  location: IncidentLocation,
  gridCode: RegionCode,
  regionPath: RegionPath,
  stage: Stage,
  reportedAt: EpochMs,
  /** when the case last entered each stage it has been in */
  stageEnteredAt: z.partialRecord(Stage, EpochMs),
  /** deadline of the current stage, null when the stage has none (closed, rejected) */
  deadline: Deadline.nullable(),
  /**
   * the case's own due time (应结案时间): set at registration from the stage limits (or kept as an
   * imported system gave it), moved by pauses, never by rework. Statistics count a case as due
   * (应结案) when it closes or this time passes, whichever comes first. Absent before registration
   * and on cases registered before case due times existed.
   */
  closeBy: EpochMs.nullable().optional(),
  /** the latest callback (回访) of a closed case; absent until there is one */
  evaluation: z
    .object({ at: EpochMs, contacted: z.boolean(), resolved: z.boolean().optional(), satisfaction: Satisfaction.optional() })
    .nullable()
    .optional(),
  sla: SlaClock,
  assignee: Assignee.nullable(),
  reporter: Reporter,
  overdue: z.boolean(),
  /** 督办: escalated by an operator, or automatically when overdue */
  supervised: z.boolean(),
  fastTrack: z.boolean(),
  reworkCount: z.number().int().min(0),
  /**
   * the reports this case stands for (duplicate fusion, 并单): how many, from which channels, and
   * the latest one's time; absent on older cases (one report, from \`source\`)
   */
  reports: z
    .object({
      count: z.number().int().min(1),
      bySource: z.partialRecord(IncidentSource, z.number().int().min(0)),
      lastAt: EpochMs,
    })
    .optional(),
  /** who reported it handled last (feedback): may not verify it (监督与处置相分离); absent on older cases */
  handledBy: Id.nullable().optional(),
  rejectReason: z.enum(['invalid', 'duplicate']).nullable(),
  duplicateOf: Id.nullable(),
  /** id in the system it came from (hotline order number, Open311 token, camera alarm id) */
  externalRef: z.string().max(80).nullable(),
  /** number of log entries applied; used for optimistic concurrency */
  version: z.number().int().min(1),
  updatedAt: EpochMs,
});
export type Incident = z.infer<typeof Incident>;

/** What an intake (HTTP, Open311, socket, simulator) submits. */
export const NewIncident = z.object({
  source: IncidentSource,
  category: CategoryCode,
  subcategory: SubcategoryCode.optional(),
  severity: Severity,
  title: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(''),
  location: IncidentLocation,
  reporter: Reporter,
  /** when it happened; defaults to the time the hub receives it. Imports pass the original time. */
  reportedAt: TimeInput.optional(),
  externalRef: z.string().max(80).optional(),
});
export type NewIncident = z.input<typeof NewIncident>;
export type ParsedNewIncident = z.output<typeof NewIncident>;

/** A reason a person must give: trimmed, at least one character. */
const reasonText = (what: string) =>
  z
    .string({ error: `${what} needs a reason (note).` })
    .trim()
    .min(1, `${what} needs a reason (note).`)
    .max(500);

const commandBase = {
  note: z.string().trim().max(500).optional(),
  /** refuse the command if the incident has moved on since the client saw it */
  expectedVersion: z.number().int().min(1).optional(),
};

/**
 * A step of the closed loop as a client asks for it (console, script, integration). The actor is
 * never part of it: the hub takes it from the signed-in session, and the time is the hub's own.
 * Strict: an `actor` or `at` in the body is refused by name rather than silently ignored.
 */
export const IncidentCommand = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('register'), ...commandBase }),
  z.strictObject({
    action: z.literal('reject'),
    reason: z.enum(['invalid', 'duplicate']),
    duplicateOf: Id.optional(),
    ...commandBase,
    note: reasonText('Rejecting a case'),
  }),
  z.strictObject({ action: z.literal('dispatch'), assignee: Assignee, ...commandBase }),
  /** 退单: the department gives back a case it does not own; the centre dispatches it again */
  z.strictObject({ action: z.literal('hand_back'), ...commandBase, note: reasonText('Handing a case back') }),
  /** the centre moves a dispatched case to another department or patrol (改派) */
  z.strictObject({ action: z.literal('redispatch'), assignee: Assignee, ...commandBase, note: reasonText('Re-dispatching a case') }),
  z.strictObject({ action: z.literal('accept'), ...commandBase }),
  z.strictObject({ action: z.literal('feedback'), ...commandBase }),
  z.strictObject({ action: z.literal('verify_pass'), ...commandBase }),
  z.strictObject({ action: z.literal('verify_fail'), ...commandBase, note: reasonText('Failing a verification') }),
  z.strictObject({ action: z.literal('close'), ...commandBase }),
  z.strictObject({ action: z.literal('supervise'), ...commandBase }),
  z.strictObject({ action: z.literal('pause_sla'), ...commandBase, note: reasonText('Pausing the clock (挂起)') }),
  z.strictObject({ action: z.literal('resume_sla'), ...commandBase }),
  z.strictObject({ action: z.literal('note'), ...commandBase, note: z.string().trim().min(1, 'A note needs text.').max(500) }),
  /** 回访 / 综合评价: the resident's verdict on a closed case (12345's resolution and satisfaction rates) */
  z.strictObject({ action: z.literal('evaluate'), evaluation: Evaluation, ...commandBase }),
  /** a report that was joined to this case by mistake becomes a case of its own; `reportSeq` is its report_joined entry */
  z.strictObject({ action: z.literal('split'), reportSeq: z.number().int().min(1), ...commandBase, note: reasonText('Splitting a report off') }),
]);
export type IncidentCommand = z.input<typeof IncidentCommand>;
export type ParsedIncidentCommand = z.output<typeof IncidentCommand>;
export type IncidentAction = ParsedIncidentCommand['action'];
export const INCIDENT_ACTIONS = IncidentCommand.options.map((o) => o.shape.action.value) as readonly IncidentAction[];

/**
 * The socket command `incident:command` and its HTTP twin (POST /api/incidents/:id/commands takes
 * `command` alone). The envelope is checked here; `command` is parsed by the hub with
 * IncidentCommand, inside the audited path, so that a malformed step is refused *and* recorded.
 */
export const IncidentCommandRequest = z.strictObject({ incidentId: Id, command: z.unknown() });
export type IncidentCommandRequest = { incidentId: string; command: IncidentCommand };

/** Idempotency keys: the same key twice creates one incident. */
export const IdempotencyKey = z.string().min(1, 'idempotencyKey must be 1 to 128 characters.').max(128, 'idempotencyKey must be 1 to 128 characters.');

/** The socket command `incident:report`; `incident` is parsed by the hub with NewIncident, as for `command` above. */
export const ReportRequest = z.strictObject({ incident: z.unknown(), idempotencyKey: IdempotencyKey.optional() });
export type ReportRequest = { incident: NewIncident; idempotencyKey?: string };

/** Everything that can appear in an incident's log: the commands plus what the hub does itself. */
export const LOG_ENTRY_TYPES = [
  'reported',
  'register',
  'reject',
  'dispatch',
  'accept',
  'feedback',
  'verify_pass',
  'verify_fail',
  'close',
  'supervise',
  'pause_sla',
  'resume_sla',
  'hand_back',
  'redispatch',
  'note',
  'split',
  /** another report of the same problem joined this case (duplicate fusion) */
  'report_joined',
  'overdue',
  /** the callback to the resident after closing (回访) */
  'evaluate',
] as const;
export const LogEntryType = z.enum(LOG_ENTRY_TYPES);
export type LogEntryType = z.infer<typeof LogEntryType>;

/** One line of an incident's history: every transition with its actor and time. */
export const IncidentLogEntry = z.object({
  seq: z.number().int().min(1),
  incidentId: Id,
  type: LogEntryType,
  from: Stage.nullable(),
  to: Stage,
  actor: Actor,
  at: EpochMs,
  note: z.string().max(500).nullable(),
  /** what the step carried: the assignee of a dispatch, the reason of a rejection, … */
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type IncidentLogEntry = z.infer<typeof IncidentLogEntry>;
