/**
 * A history file's rows → cases. Two layouts, told apart by the header:
 *   - one row per step (an `action` column): rows of a case share its `ref`; its `report` row
 *     carries the case's fields; the steps are ordered by time (file order for equal times);
 *   - one row per case (no `action` column): the step times in columns (reported_at,
 *     registered_at or rejected_at, dispatched_at with the department, accepted_at, handled_at,
 *     verified_at, closed_at, evaluated_at) and due_at, the source system's own due time.
 * Every problem is collected with its line and column; nothing is sent to the hub from here.
 */
import type { Actor } from '@shared/schemas/common';
import type { CoordinateSystem } from '../coords';
import { RowReader } from '../fields';
import { fileRefusal, type RowProblems } from '../problems';
import type { Row } from '../rows';
import { yielder } from '../yieldNow';
import { COLUMNS, readReport } from './caseFields';
import type { HistoryLayout, ImportedCase, ImportedStep } from './model';
import { ACTION_ALIASES, commandFields, IMPORTABLE_ACTIONS, NO_NOTE_GIVEN, NOTE_REQUIRED, readActor, readAssignee, STEP_COLUMNS, systemActor, UNIT_STEPS } from './stepFields';

export interface HistoryParseOptions {
  /** refuse files with more cases than this (MAX_CASES) */
  maxCases?: number;
  /** the source system's name: part of every idempotency key and the default actor */
  system: string;
  utcOffsetMinutes: number;
  crs: CoordinateSystem;
  problems: RowProblems;
  onRow?: (rows: number) => void;
}

export const ACTION_COLUMNS = ['action', 'step', '环节'];
/**
 * Cases one file may hold: the whole file is checked before anything is written, so its cases are
 * held in memory meanwhile (~1 KB each with their checks): 500,000 keep that under half a gigabyte.
 */
export const MAX_CASES = 500_000;
const TIME_COLUMNS = ['at', 'time', 'occurred_at', '时间'];
const DUE_COLUMNS = ['due_at', 'close_by', '应结案时间'];

export function layoutOf(fields: Record<string, unknown>): HistoryLayout {
  return ACTION_COLUMNS.some((c) => c in fields) ? 'steps' : 'cases';
}

export async function parseHistory(rows: AsyncIterable<Row>, opts: HistoryParseOptions): Promise<{ cases: ImportedCase[]; rows: number; layout: HistoryLayout | null }> {
  const byRef = new Map<string, Draft>();
  const order: Draft[] = [];
  let layout: HistoryLayout | null = null;
  let count = 0;
  const pause = yielder();
  for await (const row of rows) {
    layout ??= layoutOf(row.fields);
    const reader = new RowReader(row.line, row.fields, opts.problems, opts.utcOffsetMinutes);
    if (layout === 'cases') caseRow(reader, byRef, order, opts);
    else stepRow(reader, byRef, order, opts);
    const most = opts.maxCases ?? MAX_CASES;
    if (order.length > most) throw fileRefusal('history file', row.line, `the file has more than ${most.toLocaleString('en')} cases, the most one import takes; split it (by year, say)`);
    count++;
    opts.onRow?.(count);
    await pause();
  }
  const cases: ImportedCase[] = [];
  for (const draft of order) {
    const done = finish(draft, opts);
    if (done) cases.push(done);
  }
  return { cases, rows: count, layout };
}

/** a case being read: its report (from the report row) and its steps in file order */
interface Draft {
  ref: string;
  line: number;
  reportedAt?: number;
  report?: Record<string, unknown>;
  steps: (Omit<ImportedStep, 'actor'> & { actor: Actor | 'unit' })[];
}

function refOf(row: RowReader): string | undefined {
  const ref = row.text(COLUMNS.ref, { required: true, max: 80 });
  if (ref !== undefined && !/^[\x21-\x7e\u00a0-\uffff]+$/.test(ref)) {
    row.problem(COLUMNS.ref[0], 'a reference may not hold spaces or control characters');
    return undefined;
  }
  return ref;
}

function stepRow(row: RowReader, byRef: Map<string, Draft>, order: Draft[], opts: HistoryParseOptions): void {
  const ref = refOf(row);
  const word = row.text(ACTION_COLUMNS, { required: true });
  const at = row.time(TIME_COLUMNS, { required: true });
  if (ref === undefined || word === undefined) return;
  const action = ACTION_ALIASES[word] ?? word.toLowerCase();
  let draft = byRef.get(ref);
  if (action === 'report') {
    if (draft?.report || draft?.reportedAt !== undefined) {
      row.problem('action', `case ${ref} has a second report row (its first is on line ${draft.line})`);
      return;
    }
    if (!draft) {
      draft = { ref, line: row.line, steps: [] };
      byRef.set(ref, draft);
      order.push(draft);
    }
    draft.line = row.line;
    if (at !== undefined) draft.reportedAt = at;
    const report = readReport(row, at, ref, opts.crs);
    if (report) draft.report = report;
    return;
  }
  if (!(IMPORTABLE_ACTIONS as readonly string[]).includes(action)) {
    row.problem('action', `"${word.slice(0, 30)}" is not a step of the loop (${IMPORTABLE_ACTIONS.join(', ')}, or report)`);
    return;
  }
  if (!draft) {
    draft = { ref, line: row.line, steps: [] };
    byRef.set(ref, draft);
    order.push(draft);
  }
  if (at === undefined) return;
  const assignee = readAssignee(row);
  const { fields, duplicateOfRef } = commandFields(row, action, assignee);
  const note = row.text(STEP_COLUMNS.note, { max: 500 }) ?? (NOTE_REQUIRED.has(action) ? NO_NOTE_GIVEN : undefined);
  const fallback = UNIT_STEPS.has(action) ? null : systemActor(opts.system);
  const given = row.has(...STEP_COLUMNS.actorId, ...STEP_COLUMNS.actorName);
  const closeBy = action === 'register' ? row.time(DUE_COLUMNS) : undefined;
  draft.steps.push({
    line: row.line,
    field: 'at',
    action,
    at,
    actor: given || fallback ? readActor(row, fallback ?? systemActor(opts.system)) : 'unit',
    input: { action, ...fields, ...(note !== undefined ? { note } : {}) },
    ...(closeBy !== undefined ? { closeBy } : {}),
    ...(duplicateOfRef !== undefined ? { duplicateOfRef } : {}),
  });
}

/** the step columns of the one-row-per-case layout, in the loop's order */
const CASE_STEPS: readonly { column: string; action: string }[] = [
  { column: 'registered_at', action: 'register' },
  { column: 'rejected_at', action: 'reject' },
  { column: 'dispatched_at', action: 'dispatch' },
  { column: 'accepted_at', action: 'accept' },
  { column: 'handled_at', action: 'feedback' },
  { column: 'verified_at', action: 'verify_pass' },
  { column: 'closed_at', action: 'close' },
  { column: 'evaluated_at', action: 'evaluate' },
];

function caseRow(row: RowReader, byRef: Map<string, Draft>, order: Draft[], opts: HistoryParseOptions): void {
  const ref = refOf(row);
  const reportedAt = row.time(['reported_at', '上报时间'], { required: true });
  const report = readReport(row, reportedAt, ref, opts.crs);
  if (ref === undefined) return;
  const earlier = byRef.get(ref);
  if (earlier) {
    row.problem(COLUMNS.ref[0], `case ${ref} appears twice (first on line ${earlier.line}); one row per case in this layout`);
    return;
  }
  const draft: Draft = { ref, line: row.line, steps: [], ...(reportedAt !== undefined ? { reportedAt } : {}), ...(report ? { report } : {}) };
  byRef.set(ref, draft);
  order.push(draft);
  const operator = readActor(row, systemActor(opts.system));
  const assignee = readAssignee(row);
  const closeBy = row.time(DUE_COLUMNS);
  let previous: { column: string; at: number } | null = reportedAt === undefined ? null : { column: 'reported_at', at: reportedAt };
  let missing: string | null = null;
  for (const { column, action } of CASE_STEPS) {
    const at = row.time([column]);
    if (at === undefined) {
      // register and reject are two ways out of "reported": a missing one is not a gap
      if (column !== 'registered_at' && column !== 'rejected_at') missing ??= column;
      continue;
    }
    if (action === 'reject' && draft.steps.some((s) => s.action === 'register')) {
      row.problem(column, 'a case is either registered or rejected, not both');
      continue;
    }
    if (missing && action !== 'reject') {
      row.problem(column, `${column} is given but ${missing} is empty: every step before it must have its time`);
      missing = null;
    }
    if (previous && at < previous.at) row.problem(column, `${column} is earlier than ${previous.column}`);
    previous = { column, at };
    const { fields, duplicateOfRef } = commandFields(row, action, assignee);
    const note = action === 'reject' ? (row.text(['reject_note', 'note'], { max: 500 }) ?? NO_NOTE_GIVEN) : undefined;
    draft.steps.push({
      line: row.line,
      field: column,
      action,
      at,
      actor: UNIT_STEPS.has(action) ? 'unit' : operator,
      input: { action, ...fields, ...(note !== undefined ? { note } : {}) },
      ...(action === 'register' && closeBy !== undefined ? { closeBy } : {}),
      ...(duplicateOfRef !== undefined ? { duplicateOfRef } : {}),
    });
    if (action === 'reject') break;
  }
  if (closeBy !== undefined && !draft.steps.some((s) => s.action === 'register')) row.problem('due_at', 'due_at is the case’s due time from registration: it needs registered_at');
}

/** orders a case's steps by time and gives unit steps the unit the case was with */
function finish(draft: Draft, opts: HistoryParseOptions): ImportedCase | null {
  if (draft.reportedAt === undefined || !draft.report) {
    if (draft.report === undefined && draft.reportedAt === undefined && draft.steps.length > 0) {
      opts.problems.add(draft.line, 'action', `case ${draft.ref} has steps but no report row (action report with the case's fields)`);
    }
    return null;
  }
  // a stable sort: steps of the same minute keep the file's order
  const steps = draft.steps.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i).map(({ s }) => s);
  let unit: Actor = systemActor(opts.system);
  const out: ImportedStep[] = [];
  for (const step of steps) {
    const assignee = step.input.assignee as { id: string; name: string; kind?: string } | undefined;
    if ((step.action === 'dispatch' || step.action === 'redispatch') && assignee) {
      unit = { kind: assignee.kind === 'patrol' ? 'patrol' : 'department', id: assignee.id, name: assignee.name };
    }
    out.push({ ...step, actor: step.actor === 'unit' ? unit : step.actor });
  }
  return { ref: draft.ref, line: draft.line, reportedAt: draft.reportedAt, report: draft.report, steps: out };
}
