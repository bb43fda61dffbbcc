/**
 * Every case of a file, tried against the hub's own rules before anything is written: the report
 * and each command parsed by the shared schemas, the category known, the place inside a grid, and
 * the steps run through the pure lifecycle (order, stage, separation of duties, times) exactly as
 * the hub will. Then the cases already imported are found (one query per thousand keys): the
 * same case again is skipped, the same reference with other history is refused.
 */
import { HubError } from '@shared/errors';
import { IncidentCommand, NewIncident, type ParsedNewIncident } from '@shared/schemas/incident';
import { applyCommand, reportIncident, type CommandOrigin } from '../../domain/lifecycle';
import type { SlaPolicy } from '../../domain/sla';
import { requestHashOf } from '../../hub/authorise';
import type { CaseStep } from '../../hub/incidentCommands';
import type { GeoContext } from '../../hub/geoContext';
import type { IdempotencyRecord } from '../../store/types';
import type { RowProblems } from '../problems';
import { yielder, yieldNow } from '../yieldNow';
import type { ImportedCase, ImportedStep } from './model';

export interface ValidationContext {
  geo: GeoContext;
  policy: SlaPolicy;
  knownCategories: ReadonlySet<string>;
  now: number;
  problems: RowProblems;
  /** the store's records of these idempotency keys */
  findKeys: (keys: readonly string[]) => Promise<IdempotencyRecord[]>;
  onCase?: (done: number) => void;
}

/** a case ready for the hub; `duplicateOf` steps are resolved to hub ids when the batch is built */
export interface CheckedCase {
  imported: ImportedCase;
  key: string;
  parsed: ParsedNewIncident;
}

export function keyOf(system: string, ref: string): string {
  return `import:${system}:${ref}`;
}

/** the origin the hub gets for a step: its actor, its time and, on register, the case's due time */
export function originOf(step: ImportedStep): CommandOrigin {
  return { actor: step.actor, at: step.at, ...(step.closeBy !== undefined ? { closeBy: step.closeBy } : {}) };
}

/** the hub's steps of a case, with `duplicateOf` ids filled in by `idOfRef` */
export function caseSteps(c: ImportedCase, idOfRef: (ref: string) => string | undefined): CaseStep[] {
  return c.steps.map((s) => {
    const dup = s.duplicateOfRef !== undefined ? idOfRef(s.duplicateOfRef) : undefined;
    return { input: dup !== undefined ? { ...s.input, duplicateOf: dup } : s.input, origin: originOf(s) };
  });
}

export async function validateCases(
  system: string,
  cases: readonly ImportedCase[],
  ctx: ValidationContext,
): Promise<{ fresh: CheckedCase[]; already: number; importedIds: Map<string, string> }> {
  const checked: CheckedCase[] = [];
  const reportedAt = new Map(cases.map((c) => [c.ref, c.reportedAt]));
  const position = new Map(cases.map((c, i) => [c.ref, i]));
  const pause = yielder();
  let done = 0;
  for (const c of cases) {
    const ok = dryRun(c, ctx);
    if (ok) checked.push({ imported: c, key: keyOf(system, c.ref), parsed: ok });
    ctx.onCase?.(++done);
    await pause();
  }
  // cases imported before: the same history is skipped, other history under the same reference refused
  // and the cases rejected ones repeat, when they are not in this file
  const outside = [...new Set(cases.flatMap((c) => c.steps.flatMap((s) => (s.duplicateOfRef !== undefined && !reportedAt.has(s.duplicateOfRef) ? [s.duplicateOfRef] : []))))];
  const keys = [...checked.map((c) => c.key), ...outside.map((ref) => keyOf(system, ref))];
  const known = new Map<string, IdempotencyRecord>();
  // a thousand keys a query: one query is one synchronous stretch of PGlite in this thread
  for (let i = 0; i < keys.length; i += 1_000) {
    for (const r of await ctx.findKeys(keys.slice(i, i + 1_000))) known.set(r.key, r);
    await yieldNow();
  }
  const idOfRef = (ref: string) => known.get(keyOf(system, ref))?.incidentId;
  for (const c of cases) {
    for (const s of c.steps) {
      if (s.duplicateOfRef === undefined) continue;
      const other = reportedAt.get(s.duplicateOfRef);
      if (other === undefined && !idOfRef(s.duplicateOfRef)) ctx.problems.add(s.line, 'duplicate_of', `case ${s.duplicateOfRef} is neither in this file nor imported before from ${system}`);
      else if (other !== undefined && other > c.reportedAt) ctx.problems.add(s.line, 'duplicate_of', `case ${s.duplicateOfRef} was reported after ${c.ref}, so ${c.ref} cannot repeat it`);
      // cases are written in time order, the file's order within one instant: the original must come first
      else if (other === c.reportedAt && position.get(s.duplicateOfRef)! > position.get(c.ref)!) {
        ctx.problems.add(s.line, 'duplicate_of', `case ${s.duplicateOfRef} was reported at the same time as ${c.ref} and comes later in the file; put the original first`);
      }
      else if (s.duplicateOfRef === c.ref) ctx.problems.add(s.line, 'duplicate_of', 'a case cannot repeat itself');
    }
  }
  const fresh: CheckedCase[] = [];
  let already = 0;
  for (const c of checked) {
    const record = known.get(c.key);
    if (!record) {
      fresh.push(c);
      continue;
    }
    // the hash is the hub's own (the parsed report and the steps as sent), so "the same" means the same to it
    if (record.requestHash === requestHashOf(c.parsed, caseSteps(c.imported, idOfRef))) already++;
    else ctx.problems.add(c.imported.line, 'ref', `case ${c.imported.ref} was imported before (as ${record.incidentId}) with other details or steps; the hub does not rewrite a case's history`);
    await pause();
  }
  // the hub's ids of the cases imported before (of this file, and originals outside it): a duplicate written now names its original by them
  const importedIds = new Map<string, string>();
  for (const ref of [...reportedAt.keys(), ...outside]) {
    const id = idOfRef(ref);
    if (id !== undefined) importedIds.set(ref, id);
  }
  return { fresh, already, importedIds };
}

/** runs one case through the domain as the hub will; returns its parsed report when it passes */
function dryRun(c: ImportedCase, ctx: ValidationContext): ParsedNewIncident | null {
  const parsed = NewIncident.safeParse(c.report);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, 3)) ctx.problems.add(c.line, issue.path.join('.') || undefined, issue.message);
    return null;
  }
  const report = parsed.data;
  if (!ctx.knownCategories.has(report.category)) {
    ctx.problems.add(c.line, 'category', `"${report.category}" is not in the hub's category table (import the table first, then restart the hub)`);
    return null;
  }
  const gridCode = ctx.geo.locate(report.location.lng, report.location.lat);
  if (!gridCode) {
    ctx.problems.add(c.line, 'lng/lat', `${report.location.lng}, ${report.location.lat} lies outside every grid of this hub (wrong datum? see crs)`);
    return null;
  }
  let failed = false;
  try {
    let incident = reportIncident(report, { id: 'E00000000-00000', gridCode, regionPath: ctx.geo.path(gridCode), now: ctx.now, policy: ctx.policy }).incident;
    for (const step of c.steps) {
      const command = IncidentCommand.safeParse(step.duplicateOfRef !== undefined ? { ...step.input, duplicateOf: 'E00000000-00001' } : step.input);
      if (!command.success) {
        const issue = command.error.issues[0]!;
        ctx.problems.add(step.line, step.field, `${step.action}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
        failed = true;
        break;
      }
      try {
        incident = applyCommand(incident, command.data, originOf(step), { now: ctx.now, policy: ctx.policy }).incident;
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        ctx.problems.add(step.line, step.field, `${step.action} at ${new Date(step.at).toISOString()}: ${error.message}`);
        failed = true;
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    ctx.problems.add(c.line, 'reported_at', error.message);
    failed = true;
  }
  return failed ? null : report;
}
