/**
 * Incident history in: read the whole file (streamed), check every case against the hub's rules,
 * and only when nothing is wrong write the new cases through the hub. A second import of the same
 * file finds every case there already and writes nothing.
 */
import type { Hub } from '../../hub/hub';
import type { CoordinateSystem } from '../coords';
import { RowProblems } from '../problems';
import { readRows, type FileInput, type RowFormat } from '../rows';
import type { ImportProgress, ImportResult } from '../types';
import { applyCases } from './apply';
import { parseHistory } from './parse';
import { keyOf, validateCases } from './validate';

/** history files: up to 512 MB and 2 million rows (steps) per import */
export const HISTORY_LIMITS = { maxBytes: 512 * 1_048_576, maxRows: 2_000_000 };

export interface HistoryImportOptions {
  format: RowFormat;
  system: string;
  crs: CoordinateSystem;
  utcOffsetMinutes: number;
  knownCategories: ReadonlySet<string>;
  casesPerBatch?: number;
  onProgress?: (p: ImportProgress) => void;
}

export async function importHistory(hub: Hub, input: FileInput, opts: HistoryImportOptions): Promise<ImportResult> {
  const started = performance.now();
  const problems = new RowProblems();
  const progress = opts.onProgress ?? (() => {});
  const what = 'history file';
  const { cases, rows, layout } = await parseHistory(
    readRows(input, opts.format, { ...HISTORY_LIMITS, what }, (bytes) => progress({ phase: 'read', done: 0, bytes })),
    { system: opts.system, utcOffsetMinutes: opts.utcOffsetMinutes, crs: opts.crs, problems, onRow: (n) => n % 10_000 === 0 && progress({ phase: 'read', done: n }) },
  );
  if (rows === 0) problems.add(1, undefined, 'the file has no rows');
  if (!problems.empty) throw problems.refusal(what);
  const { fresh, already, importedIds } = await validateCases(opts.system, cases, {
    geo: hub.geo,
    policy: hub.opts.policy,
    knownCategories: opts.knownCategories,
    now: hub.now(),
    problems,
    findKeys: (keys) => hub.store.findIdempotencyKeys(keys),
    onCase: (n) => n % 10_000 === 0 && progress({ phase: 'check', done: n, total: cases.length }),
  });
  if (!problems.empty) throw problems.refusal(what);
  const ids = importedIds;
  const applied = await applyCases(hub, fresh, ids, {
    ...(opts.casesPerBatch ? { casesPerBatch: opts.casesPerBatch } : {}),
    onCases: (n) => progress({ phase: 'write', done: n, total: fresh.length }),
  });
  const skipped = already + applied.alreadyThere;
  const ms = Math.round(performance.now() - started);
  return {
    kind: 'history',
    appliesFrom: 'now',
    rows,
    changed: applied.created,
    unchanged: skipped,
    ms,
    message:
      applied.created === 0
        ? `Nothing to import: all ${skipped.toLocaleString('en')} cases of this file were imported before.`
        : `Imported ${applied.created.toLocaleString('en')} cases (${applied.steps.toLocaleString('en')} log entries) from ${rows.toLocaleString('en')} rows` +
          `${skipped ? `; ${skipped.toLocaleString('en')} were there already` : ''}.`,
    details: { layout, system: opts.system, cases: cases.length, steps: applied.steps, batches: applied.batches, firstKey: cases[0] ? keyOf(opts.system, cases[0].ref) : null },
  };
}
