/**
 * Writes checked cases through the hub's trusted path, a chunk at a time: each chunk is one
 * hub.applyBatch (one transaction: every case in it with all its steps, or none), inside
 * hub.backfill so the overdue sweep never judges a half-written past. Between chunks the event
 * loop gets a turn, and closed cases older than the memory window are let go.
 *
 * A chunk is small on purpose: PGlite runs in the hub's own thread and writes its files
 * synchronously at commit, so a transaction holds the event loop for its whole length. Measured
 * (tests/bench/import.bench.ts, 50,000 cases on disk): 25 cases a batch ≈ 71,000 cases a minute with
 * the loop held ≤ 75 ms at p99; 50 a batch ≈ 83,000 a minute but p99 ≈ 110 ms; 200 ≈ 300 ms.
 */
import type { BatchStep, Hub } from '../../hub/hub';
import { yieldNow } from '../yieldNow';
import { caseSteps, type CheckedCase } from './validate';

export const CASES_PER_BATCH = 25;

export interface ApplyResult {
  created: number;
  /** cases a concurrent writer had created between the check and the write */
  alreadyThere: number;
  batches: number;
  steps: number;
}

export async function applyCases(
  hub: Hub,
  cases: readonly CheckedCase[],
  idOfRef: Map<string, string>,
  opts: { casesPerBatch?: number; onCases?: (done: number) => void } = {},
): Promise<ApplyResult> {
  const perBatch = opts.casesPerBatch ?? CASES_PER_BATCH;
  // in time order: case numbers of a day follow the order cases were reported, and a duplicate comes after its original
  const ordered = [...cases].sort((a, b) => a.imported.reportedAt - b.imported.reportedAt);
  const result: ApplyResult = { created: 0, alreadyThere: 0, batches: 0, steps: 0 };
  let chunk: CheckedCase[] = [];
  let inChunk = new Set<string>();
  let done = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const steps: BatchStep[] = chunk.map((c) => ({ kind: 'report', input: c.imported.report, idempotencyKey: c.key, steps: caseSteps(c.imported, (ref) => idOfRef.get(ref)) }));
    const outcomes = await hub.backfill(() => hub.applyBatch(steps, { quiet: true }));
    outcomes.forEach((o, k) => {
      idOfRef.set(chunk[k]!.imported.ref, o.incident.id);
      if (o.created) result.created++;
      else result.alreadyThere++;
    });
    result.batches++;
    result.steps += chunk.reduce((n, c) => n + 1 + c.imported.steps.length, 0);
    done += chunk.length;
    opts.onCases?.(done);
    chunk = [];
    inChunk = new Set();
    if (result.batches % 25 === 0) hub.pruneMemory();
    await yieldNow();
  };
  try {
    for (const c of ordered) {
      // a rejection names its original by the hub's id: the original must be written first
      if (c.imported.steps.some((s) => s.duplicateOfRef !== undefined && inChunk.has(s.duplicateOfRef))) await flush();
      chunk.push(c);
      inChunk.add(c.imported.ref);
      if (chunk.length >= perBatch) await flush();
    }
    await flush();
  } finally {
    // written without a delta per step (a million emits otherwise): walls take one fresh snapshot
    if (result.batches > 0) hub.resyncClients('history was imported');
  }
  hub.pruneMemory();
  return result;
}
