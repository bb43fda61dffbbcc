/** Intake: a new incident in stage `reported`, with the deadline for registering it. */
import { HubError } from '@shared/errors';
import type { Actor } from '@shared/schemas/common';
import type { Incident, ParsedNewIncident, Reporter } from '@shared/schemas/incident';
import { deadlineFor, isFastTrack, type SlaPolicy } from '../sla/policy';
import { refuseFuture } from './eventTime';
import type { Decision, EntryDraft } from './types';

export interface ReportContext {
  id: string;
  gridCode: string;
  regionPath: string[];
  now: number;
  policy: SlaPolicy;
}

export function reportIncident(input: ParsedNewIncident, ctx: ReportContext): Decision {
  if (!ctx.policy.categories.has(input.category)) {
    throw new HubError('UNKNOWN_CATEGORY', `Category "${input.category}" is not in the category table.`, { category: input.category });
  }
  const reportedAt = input.reportedAt ?? ctx.now;
  refuseFuture(reportedAt, ctx.now, 'report');

  const subject = { category: input.category, subcategory: input.subcategory ?? null, severity: input.severity };
  const deadline = deadlineFor(subject, 'reported', reportedAt, ctx.policy);
  const incident: Incident = {
    id: ctx.id,
    source: input.source,
    category: input.category,
    subcategory: input.subcategory ?? null,
    severity: input.severity,
    title: input.title,
    description: input.description,
    location: { ...input.location },
    gridCode: ctx.gridCode,
    regionPath: [...ctx.regionPath],
    stage: 'reported',
    reportedAt,
    stageEnteredAt: { reported: reportedAt },
    deadline,
    sla: { pausedAt: null, pausedMs: 0 },
    assignee: null,
    reporter: maskReporter(input.reporter),
    overdue: false,
    supervised: false,
    fastTrack: isFastTrack(input.severity, ctx.policy),
    reworkCount: 0,
    rejectReason: null,
    duplicateOf: null,
    externalRef: input.externalRef ?? null,
    reports: { count: 1, bySource: { [input.source]: 1 }, lastAt: reportedAt },
    version: 1,
    updatedAt: reportedAt,
  };
  const entry: EntryDraft = {
    incidentId: incident.id,
    type: 'reported',
    from: null,
    to: 'reported',
    actor: reporterActor(input),
    at: reportedAt,
    note: null,
    data: { incident: structuredClone(incident), deadline: { ...deadline } },
  };
  return { incident, entry };
}

/** 13812345678 → 138****5678; short numbers keep only their last two digits. Idempotent. */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.includes('*')) return p;
  if (p.length >= 8) return `${p.slice(0, 3)}****${p.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, p.length - 2))}${p.slice(-2)}`;
}

export function maskReporter(reporter: Reporter): Reporter {
  const out: Reporter = { kind: reporter.kind };
  if (reporter.id !== undefined) out.id = reporter.id;
  if (reporter.name !== undefined) out.name = reporter.name;
  if (reporter.phone !== undefined) out.phone = maskPhone(reporter.phone);
  return out;
}

/** The reporter as the actor of the first entry; anonymous reporters are named after the channel. */
export function reporterActor(input: ParsedNewIncident): Actor {
  const actor: Actor = { kind: input.reporter.kind, id: input.reporter.id ?? input.source };
  if (input.reporter.name !== undefined) actor.name = input.reporter.name;
  return actor;
}
